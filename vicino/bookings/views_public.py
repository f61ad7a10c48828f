"""The public booking pages: a site's offering (pick a model and a free time, say who you are, done), and the
page of the e-mail's signed link, to move or cancel a booking without an account.

Mobile-first and without an account. The page shows a week of free times computed like the
booking itself, so a time it shows can only have been taken since: then the customer is told
so, with the nearest free times, and keeps what they typed.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.models import Network, Site
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, ConsentEvent, Customer, PrivacyNotice, Purpose
from vicino.people import services as people
from vicino.sales.models import Lead, VehicleModel

from . import services
from .forms import BookingForm, MoveForm
from .links import booking_id_of
from .models import Booking, Offering, Resource
from .slots import week_slots, zone

DAYS_SHOWN = 7


def _day_asked(value: str, today: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return today
    return max(day, today)


def _week_nav(first: datetime.date, today: datetime.date) -> dict:
    return {"first": first, "previous": max(today, first - datetime.timedelta(days=DAYS_SHOWN)) if first > today else None,
            "next": first + datetime.timedelta(days=DAYS_SHOWN)}  # fmt: skip


def _refused(context: dict, error: ValidationError) -> int:
    """Put a refusal on the page; a time just taken comes with the nearest free ones (409), anything else is 422."""
    context.update(refusal=" ".join(error.messages), nearest=getattr(error, "nearest", None))
    return 409 if isinstance(error, services.SlotTaken) else 422


def booking_page(request: HttpRequest, network_slug: str, site_code: str, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=network_slug)
    site = get_object_or_404(Site, network=network, code__iexact=site_code, is_active=True)
    offering = get_object_or_404(Offering, site=site, slug=slug, is_public=True)
    needs = list(offering.needs.all())
    models = None
    if any(need.of_chosen_model for need in needs):
        demo_models = Resource.objects.filter(site=site, kind=Resource.Kind.DEMO_VEHICLE, is_active=True).values("vehicle_model")
        models = VehicleModel.objects.filter(pk__in=demo_models).order_by("make", "model", "trim")
    source = request.POST if request.method == "POST" else request.GET
    model = None
    if models is not None:
        chosen = source.get("vehicle_model", "")
        model = next((m for m in models if str(m.pk) == chosen), None) or next(iter(models), None)
    today = timezone.localdate(timezone.now(), zone())
    first = _day_asked(source.get("day", ""), today)
    form = BookingForm(request.POST or None, models=models, offering=offering, initial={"vehicle_model": model.pk if model else None})
    context = {"site": site, "network": network, "offering": offering, "model": model, "models": models, "form": form,
               **_week_nav(first, today)}  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking = _book(request, network, site, offering, form.cleaned_data)
            except ValidationError as error:
                status = _refused(context, error)
            else:
                return render(request, "bookings/booked.html", {**context, "booking": booking})
        else:
            status = 422
    context["week"] = week_slots(offering=offering, first=first, days=DAYS_SHOWN, vehicle_model_id=model.pk if model else None)
    return render(request, "bookings/booking_page.html", context, status=status)


@transaction.atomic
def _book(request: HttpRequest, network: Network, site: Site, offering: Offering, data: dict):
    """The customer found or recorded, the booking, the consent: all of it, or nothing when the time is refused."""
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in dict(settings.LANGUAGES) else "it"
    person = PersonIn(first_name=data["first_name"], last_name=data["last_name"], emails=(data["email"],),
                      phones=(data["phone"],) if data["phone"] else (), language=language)  # fmt: skip
    matched = customer_match_or_create(by=None, network=network, site=site, person=person, channel=Channel.WEB,
                                       summary=_("Customer record created from an online booking"), unverified=True)  # fmt: skip
    customer = Customer.objects.get(pk=matched.customer_id)
    notice = PrivacyNotice.objects.filter(network=network).order_by("-published_at").first()
    purposes = ([offering.consent_purpose] if data.get("consent_needed") else []) + ([Purpose.MARKETING] if data["consent_marketing"] else [])
    for purpose in purposes if notice is not None else ():
        # Recorded before the booking, which checks it; refused, the whole transaction goes, consent included.
        people.consent_record(
            by=None, customer=customer, purpose=purpose, channel=services.CONSENT_CHANNEL, action=ConsentEvent.Action.GRANTED,
            source=ConsentEvent.Source.WEB_FORM, notice=notice, ip_address=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )  # fmt: skip
    return services.booking_create(
        by=None, offering=offering, customer=customer, starts_at=data["starts_at"], vehicle_model=data.get("vehicle_model"),
        lead=_open_lead(customer, site) if offering.kind == Offering.Kind.TEST_DRIVE else None,
        channel=Channel.WEB, campaign=request.GET.get("utm_campaign", "")[:100], notes=data["notes"],
    )  # fmt: skip


def _open_lead(customer: Customer, site: Site) -> Lead | None:
    """The customer's lead at the site still short of a test drive: booking one online moves it on."""
    return Lead.objects.filter(customer=customer, site=site, stage__in=services.BEFORE_TEST_DRIVE).order_by("-created_at").first()


def _booking_of(token: str) -> Booking | None:
    booking_id = booking_id_of(token)
    if booking_id is None:
        return None
    return Booking.objects.select_related("site__network", "offering", "customer", "vehicle_model").filter(pk=booking_id).first()


def booking_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The page the e-mail's link opens: the booking, a week of other free times to move it to, and cancelling."""
    booking = _booking_of(token)
    if booking is None:
        return render(request, "bookings/link_invalid.html", status=404)
    offering, site = booking.offering, booking.site
    now = timezone.now()
    changeable = booking.status == Booking.Status.CONFIRMED and booking.starts_at > now
    today = timezone.localdate(now, zone())
    first = _day_asked(request.GET.get("day", ""), max(today, timezone.localdate(booking.starts_at, zone()) - datetime.timedelta(days=3)))
    first = max(first, today)
    context = {"booking": booking, "offering": offering, "site": site, "model": booking.vehicle_model, "changeable": changeable,
               **_week_nav(first, today)}  # fmt: skip
    status = 200
    if request.method == "POST" and changeable:
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.booking_cancel(by=None, booking=booking, reason=_("by the customer, through the e-mail's link"))
                messages.success(request, _("Your booking is cancelled. We have sent you an e-mail to confirm it."))
                return redirect("bookings:manage", token)
            form = MoveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose one of the free times."), code="no_time")
            services.booking_reschedule(by=None, booking=booking, starts_at=form.cleaned_data["starts_at"])
            messages.success(request, _("Your booking has moved. We have sent you an e-mail with the new time."))
            return redirect("bookings:manage", token)
        except ValidationError as error:
            status = _refused(context, error)
    if changeable:
        context["week"] = week_slots(offering=offering, first=first, days=DAYS_SHOWN, vehicle_model_id=booking.vehicle_model_id)
    return render(request, "bookings/manage.html", context, status=status)
