"""The public booking page of a site's offering: pick a model and a free time, say who you are, done.

Mobile-first and without an account. The page shows a week of free times computed like the
booking itself, so a time it shows can only have been taken since: then the customer is told
so, with the nearest free times, and keeps what they typed.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.models import Network, Site
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, ConsentEvent, Customer, PrivacyNotice, Purpose
from vicino.people import services as people
from vicino.sales.models import VehicleModel

from . import services
from .forms import BookingForm
from .models import Offering, Resource
from .slots import week_slots, zone

DAYS_SHOWN = 7


def _day_asked(value: str, today: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return today
    return max(day, today)


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
    form = BookingForm(request.POST or None, models=models, initial={"vehicle_model": model.pk if model else None})
    context = {"site": site, "network": network, "offering": offering, "model": model, "models": models, "form": form,
               "first": first, "previous": max(today, first - datetime.timedelta(days=DAYS_SHOWN)) if first > today else None,
               "next": first + datetime.timedelta(days=DAYS_SHOWN)}  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking = _book(request, network, site, offering, form.cleaned_data)
            except services.SlotTaken as taken:
                context.update(refusal=taken.messages[0], nearest=taken.nearest)
                status = 409
            except ValidationError as error:
                context["refusal"] = " ".join(error.messages)
                status = 422
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
                                       summary=_("Customer record created from an online booking"))  # fmt: skip
    customer = Customer.objects.get(pk=matched.customer_id)
    booking = services.booking_create(
        by=None, offering=offering, customer=customer, starts_at=data["starts_at"], vehicle_model=data.get("vehicle_model"),
        channel=Channel.WEB, campaign=request.GET.get("utm_campaign", "")[:100], notes=data["notes"],
    )  # fmt: skip
    notice = PrivacyNotice.objects.filter(network=network).order_by("-published_at").first()
    if data["consent_marketing"] and notice is not None:
        people.consent_record(
            by=None, customer=customer, purpose=Purpose.MARKETING, channel=Channel.EMAIL, action=ConsentEvent.Action.GRANTED,
            source=ConsentEvent.Source.WEB_FORM, notice=notice, ip_address=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )  # fmt: skip
    return booking
