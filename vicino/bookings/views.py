"""The staff side of bookings: a site's diary by day or week, per resource; taking, moving and running bookings."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.core.forms import errors_into_form
from vicino.core.models import Site
from vicino.core.roles import Capability
from vicino.core.views import actor_required, site_chosen
from vicino.people import queries as people_queries
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, Customer
from vicino.sales import queries as sales_queries

from . import queries, services
from .forms import StaffBookingForm, StaffMoveForm
from .models import Booking, BookingCheck, Resource
from .slots import zone

VIEWS = ("day", "week")


def _site(request: HttpRequest) -> Site | None:
    """The site whose diary is shown: a site member's own; head office picks one (the first by default)."""
    return site_chosen(request, queries.diary_sites(actor=request.actor))


def _explained(error: ValidationError) -> str:
    """A refusal as staff read it: for a time just taken, the nearest free ones follow."""
    text = " ".join(error.messages)
    nearest = ", ".join(f"{timezone.localtime(s.starts_at, zone()):%d/%m %H:%M}" for s in getattr(error, "nearest", ()))
    return f"{text} {nearest}." if nearest else text


def _local(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(date, time, zone())


@actor_required(Capability.BOOKINGS_VIEW)
def calendar(request: HttpRequest) -> HttpResponse:
    """A site's diary; an htmx request gets the grid alone."""
    return _calendar_render(request, _site(request))


def _calendar_render(request: HttpRequest, site: Site | None, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    source = request.GET if request.method == "GET" else request.POST
    view = source.get("view") if source.get("view") in VIEWS else "week"
    today = timezone.localdate(timezone.now(), zone())
    try:
        first = datetime.date.fromisoformat(source.get("date", ""))
    except ValueError:
        first = today
    if view == "week":
        first -= datetime.timedelta(days=first.weekday())
    resources = queries.diary_resources(actor=actor, site=site) if site else []
    resource = next((r for r in resources if str(r.pk) == source.get("resource", "")), None)
    step = datetime.timedelta(days=1 if view == "day" else 7)
    context = {
        "site": site, "sites": queries.diary_sites(actor=actor) if actor.is_head_office else None, "view": view, "first": first,
        "previous": first - step, "next": first + step, "today": today, "resources": resources, "resource": resource, "error": error,
        "calendar": queries.calendar_of(actor=actor, site=site, first=first, view=view, resource=resource, resources=resources) if site else None,
        "can_manage": actor.can(Capability.BOOKINGS_MANAGE), "can_setup": actor.can(Capability.BOOKINGS_SETUP),
    }  # fmt: skip
    template = "bookings/calendar.html#calendar" if request.htmx else "bookings/calendar.html"
    return render(request, template, context, status=status)


def _booking(request: HttpRequest, pk: int) -> Booking:
    return get_object_or_404(queries.booking_detail(actor=request.actor), pk=pk)


@require_POST
@actor_required(Capability.BOOKINGS_MANAGE)
def booking_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A booking dropped on another time of the diary: move it by the booking rules, answer with the diary as it now is."""
    booking = _booking(request, pk)
    error, status = "", 200
    try:
        starts_at = datetime.datetime.fromisoformat(request.POST.get("starts_at", ""))
    except ValueError:
        error, status = _("Drop the booking on a time of the diary."), 422
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at, zone())
        try:
            services.booking_reschedule(by=request.user, booking=booking, starts_at=starts_at)
        except ValidationError as refused:
            error, status = _explained(refused), 409 if isinstance(refused, services.SlotTaken) else 422
    if not request.htmx:
        (messages.error if error else messages.success)(request, error or _("Booking moved."))
        return redirect("bookings:booking-detail", pk=booking.pk)
    return _calendar_render(request, booking.site, error=error, status=status)


@actor_required(Capability.BOOKINGS_VIEW)
def booking_detail(request: HttpRequest, pk: int, *, move_form: StaffMoveForm | None = None, status: int = 200) -> HttpResponse:
    booking = _booking(request, pk)
    local = timezone.localtime(booking.starts_at, zone())
    checks = list(booking.checks.all())
    context = {
        "booking": booking, "checks": checks, "checks_missing": [c for c in checks if c.done_at is None],
        "held": [a.resource for a in booking.allocations.all()], "can_manage": request.actor.can(Capability.BOOKINGS_MANAGE),
        "move_form": move_form or StaffMoveForm(initial={"date": local.date(), "time": local.time()}),
    }  # fmt: skip
    return render(request, "bookings/booking_detail.html", context, status=status)


ACTIONS = {
    "cancel": (services.booking_cancel, _("Booking cancelled: the customer has been told.")),
    "no_show": (services.booking_mark_no_show, _("Marked as a no-show.")),
    "start": (services.booking_start, _("Started.")),
    "complete": (services.booking_complete, _("Completed.")),
}


@require_POST
@actor_required(Capability.BOOKINGS_MANAGE)
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Cancel, mark a no-show, start or complete a booking from its page."""
    if action not in ACTIONS:
        raise Http404
    booking = _booking(request, pk)
    act, done = ACTIONS[action]
    try:
        act(by=request.user, booking=booking)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, str(done))
    return redirect("bookings:booking-detail", pk=booking.pk)


@require_POST
@actor_required(Capability.BOOKINGS_MANAGE)
def booking_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking page's form for another day and time."""
    booking = _booking(request, pk)
    form = StaffMoveForm(request.POST)
    if form.is_valid():
        try:
            services.booking_reschedule(by=request.user, booking=booking, starts_at=_local(form.cleaned_data["date"], form.cleaned_data["time"]))
        except services.SlotTaken as taken:
            form.add_error(None, _explained(taken))
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("Booking moved: the customer has been told."))
            return redirect("bookings:booking-detail", pk=booking.pk)
    return booking_detail(request, pk, move_form=form, status=422)


@require_POST
@actor_required(Capability.BOOKINGS_MANAGE)
def booking_check(request: HttpRequest, pk: int, check_pk: int) -> HttpResponse:
    """Tick or untick a preparation step; htmx gets the checklist back."""
    booking = _booking(request, pk)
    check = get_object_or_404(BookingCheck, booking=booking, pk=check_pk)
    error = ""
    try:
        services.booking_check_set(by=request.user, check=check, done=request.POST.get("done") == "1")
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("bookings:booking-detail", pk=booking.pk)
    checks = list(BookingCheck.objects.filter(booking=booking).select_related("done_by"))
    context = {"booking": booking, "checks": checks, "checks_missing": [c for c in checks if c.done_at is None], "can_manage": True,
               "error": error}  # fmt: skip
    return render(request, "bookings/booking_detail.html#checklist", context, status=422 if error else 200)


@actor_required(Capability.BOOKINGS_MANAGE)
def booking_create(request: HttpRequest) -> HttpResponse:
    """Take a booking for a customer on the phone or at the desk; a lead or a customer can be given in the address."""
    actor = request.actor
    site = _site(request)
    if site is None:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    lead = None
    if source.get("lead", "").isdigit():
        lead = get_object_or_404(sales_queries.lead_list(actor=actor), pk=int(source["lead"]))
    customer = lead.customer if lead else None
    if customer is None and source.get("customer", "").isdigit():
        customer = get_object_or_404(people_queries.customer_list(actor=actor), pk=int(source["customer"]))
    offerings = queries.offering_list(actor=actor).filter(site=site).order_by("name")
    demo = Resource.objects.filter(site=site, kind=Resource.Kind.DEMO_VEHICLE, is_active=True).values("vehicle_model")
    models = sales_queries.catalogue(actor=actor).filter(pk__in=demo).order_by("make", "model", "trim")
    initial = {"vehicle_model": lead.vehicle_model_id if lead else None}
    if source.get("starts_at"):
        try:
            at = timezone.localtime(timezone.make_aware(datetime.datetime.fromisoformat(source["starts_at"]), zone()), zone())
            initial.update(date=at.date(), time=at.time())
        except ValueError:
            pass
    form = StaffBookingForm(request.POST or None, offerings=offerings, models=models, customer=customer, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking = _staff_book(request, site, form.cleaned_data, customer, lead)
            except services.SlotTaken as taken:
                form.add_error(None, _explained(taken))
            except ValidationError as refused:
                errors_into_form(form, refused)
            else:
                messages.success(request, _("Booked: %(offering)s on %(when)s.") % {
                    "offering": booking.offering, "when": f"{timezone.localtime(booking.starts_at, zone()):%d/%m/%Y %H:%M}"})  # fmt: skip
                return redirect("bookings:booking-detail", pk=booking.pk)
        status = 422
    return render(request, "bookings/booking_form.html", {"form": form, "site": site, "customer": customer, "lead": lead}, status=status)


@transaction.atomic
def _staff_book(request: HttpRequest, site: Site, data: dict, customer: Customer | None, lead) -> Booking:
    if customer is None:
        person = PersonIn(first_name=data["first_name"], last_name=data["last_name"], emails=(data["email"],) if data["email"] else (),
                          phones=(data["phone"],) if data["phone"] else ())  # fmt: skip
        matched = customer_match_or_create(by=request.user, network=site.network, site=site, person=person, channel=Channel.PHONE,
                                           summary=_("Customer record created for a booking"))  # fmt: skip
        customer = Customer.objects.get(pk=matched.customer_id)
    return services.booking_create(
        by=request.user, offering=data["offering"], customer=customer, starts_at=_local(data["date"], data["time"]),
        vehicle_model=data.get("vehicle_model"), lead=lead, channel=lead.channel if lead else Channel.PHONE, notes=data["notes"],
    )  # fmt: skip
