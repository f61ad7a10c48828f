"""Privacy pages: the register of requests and their deadlines, a customer's data archive, erasure."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.core.roles import Capability
from vicino.core.views import actor_required

from vicino.core.forms import errors_into_form

from . import privacy, queries, services
from .forms import PrivacyNoticeForm, PrivacyRequestCloseForm, PrivacyRequestForm, RetentionForm
from .models import PrivacyNotice, PrivacyRequest, Purpose, RetentionPolicy


@actor_required(Capability.PRIVACY_MANAGE)
def privacy_request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PrivacyRequest.Status.OPEN)
    requests = privacy.privacy_request_list(actor=request.actor)
    if status in PrivacyRequest.Status.values:
        requests = requests.filter(status=status)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(request, "people/privacy_request_list.html", {"page": page, "status": status, "statuses": PrivacyRequest.Status.choices})


@require_POST
@actor_required(Capability.CUSTOMERS_MANAGE)
def privacy_request_open(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(queries.customer_list(actor=request.actor), pk=pk)
    form = PrivacyRequestForm(request.POST)
    if form.is_valid():
        privacy.privacy_request_open(by=request.user, customer=customer, **form.cleaned_data)
        messages.success(request, _("The request is registered; it must be answered within one month."))
    else:
        messages.error(request, _("Choose the kind of request."))
    return redirect("people:customer-detail", pk=pk)


@actor_required(Capability.PRIVACY_MANAGE)
def privacy_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(privacy.privacy_request_list(actor=request.actor), pk=pk)
    form = PrivacyRequestCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.privacy_request_close(by=request.user, request=item, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request is closed."))
            return redirect("people:privacy-request-list")
    return render(request, "people/privacy_request_detail.html", {"item": item, "form": form})


@actor_required(Capability.CUSTOMERS_MANAGE)
def customer_data_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's data as a ZIP (JSON + CSV): for access and portability requests."""
    customer = get_object_or_404(queries.customer_list(actor=request.actor), pk=pk)
    archive = privacy.customer_data_archive(by=request.user, customer=customer)
    response = HttpResponse(archive, content_type="application/zip")
    name = slugify(customer.display_name) or "cliente"
    response["Content-Disposition"] = f'attachment; filename="dati-{name}-{customer.pk}.zip"'
    return response


@actor_required(Capability.PRIVACY_MANAGE)
def privacy_settings(request: HttpRequest) -> HttpResponse:
    """The network's privacy notices (versions) and how long consents last, with the reasons."""
    actor = request.actor
    if not actor.is_head_office:
        raise PermissionDenied
    notice_form = PrivacyNoticeForm(request.POST if "publish" in request.POST else None)
    retention_form = RetentionForm(request.POST if "retention" in request.POST else None)
    for form, action in ((notice_form, services.privacy_notice_publish), (retention_form, services.retention_policy_set)):
        if form.is_bound and form.is_valid():
            try:
                action(by=request.user, network=actor.network, **form.cleaned_data)
            except ValidationError as error:
                errors_into_form(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("people:privacy-settings")
    context = {
        "notices": actor.scope(PrivacyNotice.objects.all()),
        "retention": [(Purpose(purpose).label, months) for purpose, months in queries.retention_months(network=actor.network).items()],
        "policies": actor.scope(RetentionPolicy.objects.select_related("updated_by")),
        "notice_form": notice_form,
        "retention_form": retention_form,
    }
    return render(request, "people/privacy_settings.html", context)
