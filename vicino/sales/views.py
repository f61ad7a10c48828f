"""Lead pages: the board per site, the filterable list, quick entry, each lead's page and its actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.core.forms import errors_into_form
from vicino.core.models import Site
from vicino.core.pagination import CappedPaginator
from vicino.core.roles import Capability
from vicino.core.views import actor_required, site_chosen
from vicino.people import queries as people_queries
from vicino.people.matching import PersonIn
from vicino.people.models import Channel

from . import queries, quotes, services
from .forms import (
    ActivityForm,
    AssignForm,
    ConfigurationForm,
    LeadFilterForm,
    OrderForm,
    QuickEntryForm,
    QuoteForm,
    StageForm,
    TradeInForm,
)
from .models import Activity, Lead, QuoteLine, StockVehicle

LIST_PAGE_SIZE = 50
TIMELINE_ENTRIES = 15


def _board_site(request: HttpRequest) -> Site | None:
    """The site whose board is shown: a site member's own; head office picks one (the first by default)."""
    return site_chosen(request, queries.lead_sites(actor=request.actor))


@actor_required(Capability.LEADS_VIEW)
def board(request: HttpRequest) -> HttpResponse:
    """The kanban board of a site's open leads; an htmx request gets the board alone."""
    return _board_render(request, _board_site(request))


def _board_render(request: HttpRequest, site: Site | None, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    consultants = queries.site_consultants(site=site) if site else []
    consultant = next((user for user in consultants if str(user.pk) == request.GET.get("consultant", "")), None)
    if request.GET.get("mine") and actor.user in consultants:
        consultant = actor.user
    channel = request.GET.get("channel", "")
    channel = channel if channel in Channel.values else ""
    columns = queries.lead_board(actor=actor, site=site, consultant=consultant, channel=channel) if site else []
    round_robin = queries.site_round_robin(site=site) if site else []
    context = {
        "round_robin": round_robin, "round_robin_open": any(place.available for place in round_robin),
        "can_manage_team": actor.can(Capability.TEAM_MANAGE),
        "site": site, "sites": queries.lead_sites(actor=actor) if actor.is_head_office else [], "columns": columns,
        "consultants": consultants, "consultant": consultant, "channel": channel, "channels": Channel.choices, "error": error,
        "can_manage": actor.can(Capability.LEADS_MANAGE), "late_after": _response_target(site),
    }  # fmt: skip
    template = "sales/board.html#board" if request.htmx else "sales/board.html"
    return render(request, template, context, status=status)


@require_POST
@actor_required(Capability.LEADS_VIEW)
def round_robin_set(request: HttpRequest) -> HttpResponse:
    """A consultant steps out of (or back into) the site's round-robin; a manager can do it for anyone."""
    actor = request.actor
    site = _board_site(request)
    place = next((p for p in queries.site_round_robin(site=site) if str(p.consultant.pk) == request.POST.get("consultant")), None) if site else None
    if place is None:
        raise Http404
    if place.consultant.pk != actor.user.pk and not actor.can(Capability.TEAM_MANAGE):
        raise PermissionDenied
    available = request.POST.get("available") == "1"
    services.consultant_availability_set(by=actor.user, site=site, consultant=place.consultant, available=available)
    if available:
        messages.success(request, _("%(name)s takes new leads again.") % {"name": place.consultant})
    else:
        messages.success(request, _("New leads skip %(name)s until they are back.") % {"name": place.consultant})
    return redirect(f"{reverse('sales:board')}?site={site.pk}")


def _response_target(site: Site | None) -> int:
    from .alerts import DEFAULT_TARGET_MINUTES
    from .models import SiteSalesSettings

    target = SiteSalesSettings.objects.filter(site=site).values_list("response_target_minutes", flat=True).first() if site else None
    return target or DEFAULT_TARGET_MINUTES


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A card dropped on another column: move the lead, answer with the board as it now is."""
    lead = get_object_or_404(queries.lead_list(actor=request.actor), pk=pk)
    error = ""
    try:
        services.lead_stage_move(by=request.user, lead=lead, stage=request.POST.get("stage", ""))
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("sales:lead-detail", pk=lead.pk)
    return _board_render(request, lead.site, error=error, status=422 if error else 200)


@actor_required(Capability.LEADS_VIEW)
def lead_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    consultants = queries.site_consultants(site=actor.site) if actor.site else None
    from vicino.core.models import User

    consultant_choices = User.objects.filter(pk__in=[u.pk for u in consultants]) if consultants is not None else User.objects.filter(
        memberships__network=actor.network
    ).distinct()
    filters = LeadFilterForm(request.GET or None, actor=actor, consultants=consultant_choices)
    leads = queries.lead_list(actor=actor)
    if filters.is_valid():
        data = filters.cleaned_data
        leads = queries.lead_filter(
            leads, stage=data["stage"], channel=data["channel"], campaign=data["campaign"].strip(), consultant=data["consultant"],
            site=data["site"], text=data["q"],
        )  # fmt: skip
    page = CappedPaginator(leads.order_by("-created_at", "-id"), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query_string": query.urlencode(), "can_manage": actor.can(Capability.LEADS_MANAGE)}
    return render(request, "sales/lead_list.html#lead-rows" if request.htmx else "sales/lead_list.html", context)


@actor_required(Capability.LEADS_MANAGE)
def lead_create(request: HttpRequest) -> HttpResponse:
    """Quick entry: a phone call or a walk-in, typed in while the customer talks."""
    actor = request.actor
    form = QuickEntryForm(request.POST or None, actor=actor, models=queries.catalogue(actor=actor).filter(is_active=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enquiry = services.Enquiry(
            person=PersonIn(first_name=data["first_name"], last_name=data["last_name"], emails=(data["email"],) if data["email"] else (),
                            phones=(data["phone"],) if data["phone"] else (), cap=data["cap"], province=data["province"]),
            source=services.Lead.Source.STAFF, channel=data["channel"], chosen_site=data["site"], campaign=data["campaign"].strip(),
            interest=data["interest"], condition=data["condition"], vehicle_model=data["vehicle_model"], vehicle_text=data["vehicle_text"],
            preferred_contact=data["preferred_contact"], message=data["message"],
        )  # fmt: skip
        try:
            lead = services.lead_create(by=request.user, network=actor.network, enquiry=enquiry)
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("The enquiry of %(customer)s is now a lead of %(site)s.") % {"customer": lead.customer, "site": lead.site})
            return redirect("sales:lead-detail", pk=lead.pk)
    return render(request, "sales/lead_form.html", {"form": form})


def _lead(request: HttpRequest, pk: int) -> Lead:
    return get_object_or_404(queries.lead_list(actor=request.actor), pk=pk)


@actor_required(Capability.LEADS_VIEW)
def lead_detail(request: HttpRequest, pk: int, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    actor = request.actor
    lead = _lead(request, pk)
    forms = forms or {}
    lead_quotes = list(lead.quotes.prefetch_related("lines"))
    for quote in lead_quotes:
        quote.totals = quotes.quote_totals(quote)
    stock = queries.stock_list(actor=actor).filter(site=lead.site).exclude(status=StockVehicle.Status.SOLD)
    context = {
        "lead": lead,
        "waiting_minutes": None if lead.first_response_at else _waiting(lead),
        "activities": queries.lead_activities(actor=actor, lead=lead),
        "trade_ins": list(lead.trade_ins.all()),
        "configurations": list(lead.configurations.select_related("vehicle_model").prefetch_related("options")),
        "quotes": lead_quotes,
        "order": getattr(lead, "order", None) if hasattr(lead, "order") else None,
        "timeline": people_queries.customer_timeline(actor=actor, customer=lead.customer)[:TIMELINE_ENTRIES],
        "stages": [(value, label) for value, label in Lead.Stage.choices if value not in (Lead.Stage.ORDER, Lead.Stage.DELIVERED)],
        "stage_form": forms.get("stage") or StageForm(initial={"stage": lead.stage}),
        "assign_form": forms.get("assign") or AssignForm(consultants=_consultants(lead), initial={"consultant": lead.assigned_to_id}),
        "activity_form": forms.get("activity") or ActivityForm(),
        "trade_in_form": forms.get("trade_in") or TradeInForm(prefix="trade"),
        "configuration_form": forms.get("configuration") or ConfigurationForm(prefix="conf", models=queries.catalogue(actor=actor), initial={"vehicle_model": lead.vehicle_model_id}),
        "quote_form": forms.get("quote") or QuoteForm(prefix="quote"),
        "order_form": forms.get("order") or OrderForm(prefix="order", stock=stock, initial={"stock_vehicle": lead.stock_vehicle_id}),
        "can_manage": actor.can(Capability.LEADS_MANAGE),
        "line_kinds": QuoteLine.Kind.choices,
    }
    return render(request, "sales/lead_detail.html", context, status=status)


def _waiting(lead: Lead) -> int:
    from .alerts import lead_waiting_minutes

    return lead_waiting_minutes(lead)


def _consultants(lead: Lead):
    from vicino.core.models import User

    return User.objects.filter(pk__in=[user.pk for user in queries.site_consultants(site=lead.site)])


def _action(request: HttpRequest, pk: int, name: str, form, act) -> HttpResponse:
    """Run one action of the lead page: on success back to the page, else the page with the form's errors."""
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            if message:
                messages.success(request, message)
            return redirect("sales:lead-detail", pk=pk)
    return lead_detail(request, pk, forms={name: form}, status=422)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def lead_stage(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)

    def act(data):
        services.lead_stage_move(by=request.user, lead=lead, stage=data["stage"], lost_reason=data["lost_reason"], lost_note=data["lost_note"])
        return _("The lead is now at “%(stage)s”.") % {"stage": lead.get_stage_display()}

    return _action(request, pk, "stage", StageForm(request.POST), act)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def lead_assign(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)

    def act(data):
        services.lead_assign(by=request.user, lead=lead, consultant=data["consultant"])
        return _("The lead is now followed by %(name)s.") % {"name": data["consultant"]}

    return _action(request, pk, "assign", AssignForm(request.POST, consultants=_consultants(lead)), act)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)

    def act(data):
        activity = services.activity_add(by=request.user, lead=lead, kind=data["kind"], text=data["text"], due_at=data["due_at"])
        return _("%(kind)s recorded.") % {"kind": activity.get_kind_display()}

    return _action(request, pk, "activity", ActivityForm(request.POST), act)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def activity_done(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    activity = get_object_or_404(queries.lead_activities(actor=request.actor, lead=lead), pk=activity_pk, kind=Activity.Kind.TASK)
    services.activity_done(by=request.user, activity=activity)
    return redirect("sales:lead-detail", pk=pk)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def trade_in_add(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)

    def act(data):
        data = dict(data)
        value = data.pop("appraised_value")
        trade_in = services.trade_in_add(by=request.user, lead=lead, **data)
        if value is not None:
            services.trade_in_appraise(by=request.user, trade_in=trade_in, value=value)
        return _("Trade-in recorded: %(car)s.") % {"car": trade_in}

    return _action(request, pk, "trade_in", TradeInForm(request.POST, prefix="trade"), act)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def configuration_add(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)

    def act(data):
        configuration = services.configuration_save(
            by=request.user, lead=lead, vehicle_model=data["vehicle_model"], base_price=data["base_price"], colour=data["colour"],
            colour_price=data["colour_price"] or 0, interior=data["interior"], interior_price=data["interior_price"] or 0, options=data["options"],
        )  # fmt: skip
        return _("Configuration saved: %(configuration)s.") % {"configuration": configuration}

    form = ConfigurationForm(request.POST, prefix="conf", models=queries.catalogue(actor=request.actor))
    return _action(request, pk, "configuration", form, act)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def quote_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A quote from the lead's configuration (or vehicle) and trade-ins; the lead moves to "quote"."""
    lead = _lead(request, pk)

    def act(data):
        quote = services.lead_quote_prepare(
            by=request.user, lead=lead, valid_until=data["valid_until"], road_costs=data["road_costs"], notes=data["notes"],
            discount=data["discount"],
        )  # fmt: skip
        return _("Quote %(number)s prepared.") % {"number": quote.number}

    return _action(request, pk, "quote", QuoteForm(request.POST, prefix="quote"), act)


def _quote(request: HttpRequest, pk: int, quote_pk: int):
    lead = _lead(request, pk)
    return lead, get_object_or_404(lead.quotes.all(), pk=quote_pk)


@actor_required(Capability.LEADS_VIEW)
def quote_pdf(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    _lead_row, quote = _quote(request, pk, quote_pk)
    response = HttpResponse(quotes.quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="Preventivo-{quote.number}.pdf"'
    return response


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def quote_send(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    _lead_row, quote = _quote(request, pk, quote_pk)
    try:
        quotes.quote_send(by=request.user, quote=quote)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Quote %(number)s sent to %(email)s.") % {"number": quote.number, "email": quote.sent_to})
    return redirect("sales:lead-detail", pk=pk)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def order_add(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    stock = queries.stock_list(actor=request.actor).filter(site=lead.site)

    def act(data):
        quote = lead.quotes.exclude(status="declined").order_by("-created_at").first()
        services.order_create(by=request.user, lead=lead, expected_delivery=data["expected_delivery"], quote=quote, stock_vehicle=data["stock_vehicle"])
        return _("Order recorded: delivery expected on %(date)s.") % {"date": data["expected_delivery"].strftime("%d/%m/%Y")}

    return _action(request, pk, "order", OrderForm(request.POST, prefix="order", stock=stock), act)


@require_POST
@actor_required(Capability.LEADS_MANAGE)
def lead_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    try:
        services.lead_deliver(by=request.user, lead=lead)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Delivered: congratulations to %(customer)s!") % {"customer": lead.customer})
    return redirect("sales:lead-detail", pk=pk)
