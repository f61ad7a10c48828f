"""Customer pages: the list with search and filters, the 360° page, editing, contacts, consents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.core.forms import errors_into_form
from vicino.core.pagination import CappedPaginator
from vicino.core.roles import Capability
from vicino.core.views import actor_required

from . import queries, services
from . import search as searching
from .forms import (
    ConsentForm,
    ContactPointForm,
    CustomerFilterForm,
    CustomerForm,
    CustomerLinkForm,
    PrivacyRequestForm,
    TimelineFilterForm,
)
from .models import Customer

LIST_PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 20
ADDRESS_FIELDS = ("street", "cap", "city", "province")


@actor_required(Capability.CUSTOMERS_VIEW)
def customer_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    filters = CustomerFilterForm(request.GET or None, actor=actor)
    customers = queries.customer_list(actor=actor)
    search, search_capped = "", False
    if filters.is_valid():
        data = filters.cleaned_data
        if data["relation"]:
            customers = customers.filter(relation=data["relation"])
        if data["site"]:
            customers = customers.filter(site=data["site"])
        if data["tag"]:
            customers = customers.filter(tags=data["tag"])
        search = data["q"].strip()
        customers, search_capped = searching.customer_find(actor=actor, text=search, base=customers, limit=searching.SEARCH_LIMIT)
    page = CappedPaginator(customers, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "people/customer_list.html#customer-rows" if request.htmx else "people/customer_list.html"
    context = {
        "page": page, "filters": filters, "search": search, "search_capped": search_capped,
        "search_limit": number_format(searching.SEARCH_LIMIT, force_grouping=True), "list_cap": number_format(page.paginator.cap, force_grouping=True), "query_string": _query_without_page(request),
        "can_manage": actor.can(Capability.CUSTOMERS_MANAGE), "can_import": actor.can(Capability.CUSTOMERS_IMPORT),
        "can_export": actor.can(Capability.CUSTOMERS_EXPORT),
    }  # fmt: skip
    return render(request, template, context)


@actor_required(Capability.CUSTOMERS_VIEW)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The 360° view; an htmx request for the timeline gets just the timeline fragment."""
    actor = request.actor
    customer = queries.customer_list(actor=actor).prefetch_related("tags", "addresses").filter(pk=pk).first()
    if customer is None:
        # A record merged into another lives on as a pointer: follow it (only to what the actor sees).
        merged = actor.scope(Customer.objects.filter(pk=pk, merged_into__isnull=False)).values_list("merged_into", flat=True).first()
        if merged is None:
            raise Http404
        return redirect("people:customer-detail", pk=merged)
    timeline_filters = TimelineFilterForm(request.GET or None)
    channel = kind = ""
    if timeline_filters.is_valid():
        channel, kind = timeline_filters.cleaned_data["channel"], timeline_filters.cleaned_data["kind"]
    timeline = Paginator(queries.customer_timeline(actor=actor, customer=customer, channel=channel, kind=kind), TIMELINE_PAGE_SIZE)
    timeline_page = timeline.get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "timeline_page": timeline_page,
        "timeline_filters": timeline_filters,
        "timeline_query": _query_without_page(request),
        "can_manage": actor.can(Capability.CUSTOMERS_MANAGE),
    }
    if request.htmx:
        return render(request, "people/customer_detail.html#timeline", context)
    context.update(
        consents=queries.consent_states(customer=customer),
        consent_history=customer.consent_events.select_related("notice", "actor")[:50],
        consent_form=ConsentForm(actor=actor),
        contact_form=ContactPointForm(),
        privacy_form=PrivacyRequestForm(),
        link_form=CustomerLinkForm(prefix="link"),
        links=queries.customer_links(actor=actor, customer=customer),
        open_requests=customer.privacy_requests.filter(status="open"),
    )
    return render(request, "people/customer_detail.html", context)


@actor_required(Capability.CUSTOMERS_MANAGE)
def customer_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    form = CustomerForm(request.POST or None, actor=actor, creating=True, initial={"site": actor.site})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        email, phone, tags = data.pop("email"), data.pop("phone"), data.pop("tag_names")
        address = {field: data.pop(field) for field in ADDRESS_FIELDS}
        try:
            customer = services.customer_create(
                by=request.user, network=actor.network, emails=[email], phones=[phone], address=address, tags=tags, **data
            )
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("%(customer)s has been added.") % {"customer": customer})
            return redirect("people:customer-detail", pk=customer.pk)
    return render(request, "people/customer_form.html", {"form": form, "customer": None})


@actor_required(Capability.CUSTOMERS_MANAGE)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(queries.customer_list(actor=request.actor), pk=pk)
    form = CustomerForm(request.POST or None, instance=customer, actor=request.actor, creating=False)
    if request.method == "POST" and form.is_valid():
        # The form has copied its values onto `customer`: compare against a fresh copy.
        fresh = get_object_or_404(queries.customer_list(actor=request.actor), pk=pk)
        data = dict(form.cleaned_data)
        tags = data.pop("tag_names")
        try:
            with transaction.atomic():
                services.customer_update(by=request.user, customer=fresh, data=data)
                services.customer_tags_set(by=request.user, customer=fresh, names=tags)
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("people:customer-detail", pk=pk)
    return render(request, "people/customer_form.html", {"form": form, "customer": customer})


@require_POST
@actor_required(Capability.CUSTOMERS_MANAGE)
def contact_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(queries.customer_list(actor=request.actor), pk=pk)
    form = ContactPointForm(request.POST)
    if form.is_valid():
        try:
            services.contact_point_add(by=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Contact added."))
    else:
        messages.error(request, _("Give an e-mail address or a phone number."))
    return redirect("people:customer-detail", pk=pk)


@require_POST
@actor_required(Capability.CUSTOMERS_MANAGE)
def contact_point_remove(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    customer = get_object_or_404(queries.customer_list(actor=request.actor), pk=pk)
    point = get_object_or_404(customer.contact_points, pk=point_pk)
    services.contact_point_remove(by=request.user, point=point)
    messages.success(request, _("Contact removed."))
    return redirect("people:customer-detail", pk=pk)


@require_POST
@actor_required(Capability.CUSTOMERS_MANAGE)
def consent_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff record a consent given or withdrawn in front of them; it joins the ledger."""
    customer = get_object_or_404(queries.customer_list(actor=request.actor), pk=pk)
    form = ConsentForm(request.POST, actor=request.actor)
    if form.is_valid():
        try:
            services.consent_record(by=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The consent has been recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("people:customer-detail", pk=pk)


@require_POST
@actor_required(Capability.CUSTOMERS_MANAGE)
def customer_link(request: HttpRequest, pk: int) -> HttpResponse:
    visible = queries.customer_list(actor=request.actor)
    customer = get_object_or_404(visible, pk=pk)
    form = CustomerLinkForm(request.POST, prefix="link")
    other = visible.filter(pk=form.cleaned_data["other"]).first() if form.is_valid() else None
    if other is None:
        messages.error(request, _("There is no customer with that number among those you can see."))
    else:
        try:
            services.customer_link(by=request.user, customer=customer, other=other, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The link is saved."))
    return redirect("people:customer-detail", pk=pk)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
