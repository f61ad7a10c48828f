"""The public side of events: the network's list of upcoming events, an event's page with its
registration form, and the page the e-mails' signed link opens (ticket, cancel, take a place offered).

Mobile-first, without an account, in Italian or English. An event's page carries Open Graph
tags so that a link shared on WhatsApp or social media shows its title, date and picture.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.forms import errors_into_form
from vicino.core.models import Network
from vicino.people import services as people
from vicino.people.matching import PersonIn
from vicino.people.models import Channel, ConsentEvent, PrivacyNotice, Purpose

from . import queries, services
from .forms import RegistrationForm
from .links import registration_id_of, registration_token
from .models import Event, Registration
from .tickets import ticket_svg


def event_list_public(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=network_slug)
    city, site_code, kind = request.GET.get("city", "").strip(), request.GET.get("site", "").strip(), request.GET.get("kind", "").strip()
    if kind not in Event.Kind.values:
        kind = ""
    events = queries.public_event_list(network=network, city=city, site_code=site_code, kind=kind)[:100]
    return render(request, "events/public_list.html", {
        "network": network, "events": events, "cities": queries.public_cities(network=network), "sites": queries.public_sites(network=network),
        "kinds": Event.Kind.choices, "chosen": {"city": city, "site": site_code, "kind": kind},
    })  # fmt: skip


def _places_left(event: Event) -> int:
    taken, _companions = services.places_taken(event)
    return max(0, event.capacity - taken)


def event_page(request: HttpRequest, network_slug: str, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=network_slug)
    event = queries.public_event(network=network, slug=slug)
    if event is None:
        return render(request, "events/not_found.html", {"network": network}, status=404)
    form = RegistrationForm(request.POST or None, event=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = _register(request, event, form.cleaned_data)
            except ValidationError as error:
                errors_into_form(form, error)
                status = 422
            else:
                return redirect("events:manage", registration_token(registration))
        else:
            status = 422
    now = timezone.now()
    context = {"network": network, "event": event, "form": form, "places_left": _places_left(event), "refusal": services.registration_refusal(event, now),
               "share_url": request.build_absolute_uri(), "image_url": request.build_absolute_uri(event.image.url) if event.image else ""}  # fmt: skip
    return render(request, "events/public_event.html", context, status=status)


@transaction.atomic
def _register(request: HttpRequest, event: Event, data: dict) -> Registration:
    """The registration and, if asked for, the consent to news: both, or neither when the registration is refused."""
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in dict(settings.LANGUAGES) else "it"
    person = PersonIn(first_name=data["first_name"], last_name=data["last_name"], emails=(data["email"],),
                      phones=(data["phone"],) if data["phone"] else (), language=language)  # fmt: skip
    registration = services.registration_create(event=event, person=person, email=data["email"], companions=data["companions"],
                                                dietary_notes=data["dietary_notes"])  # fmt: skip
    notice = PrivacyNotice.objects.filter(network=event.network).order_by("-published_at").first()
    if data["consent_marketing"] and notice is not None:
        # Confirmed later from the e-mail's link (double opt-in): until then nobody writes to them for marketing.
        people.consent_record(by=None, customer=registration.customer, purpose=Purpose.MARKETING, channel=Channel.EMAIL,
                              action=ConsentEvent.Action.GRANTED, source=ConsentEvent.Source.WEB_FORM, notice=notice,
                              ip_address=request.META.get("REMOTE_ADDR") or None, user_agent=request.META.get("HTTP_USER_AGENT", ""))  # fmt: skip
    return registration


def _registration_of(token: str) -> Registration | None:
    registration_id = registration_id_of(token)
    if registration_id is None:
        return None
    return Registration.objects.select_related("event__site", "event__network", "customer").filter(pk=registration_id).first()


def registration_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The guest's own page: their ticket, their place in the queue or the place offered, and the buttons to change it."""
    registration = _registration_of(token)
    if registration is None:
        return render(request, "events/link_invalid.html", status=404)
    event = registration.event
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.registration_cancel(registration=registration)
                messages.success(request, _("Your registration is cancelled. Thank you for freeing the place."))
            elif action == "accept":
                services.offer_accept(registration=registration)
                messages.success(request, _("The place is yours: your ticket is below, and on its way by e-mail."))
            elif action == "optin":
                services.marketing_optin_confirm(registration=registration, ip_address=request.META.get("REMOTE_ADDR") or None,
                                                 user_agent=request.META.get("HTTP_USER_AGENT", ""))  # fmt: skip
                messages.success(request, _("Thank you: you will receive our news and invitations."))
            return redirect("events:manage", token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 422
    registration.refresh_from_db()
    now = timezone.now()
    context = {
        "registration": registration, "event": event, "token": token,
        "ticket": ticket_svg(registration) if registration.status == Registration.Status.CONFIRMED and event.status != Event.Status.CANCELLED else "",
        "changeable": registration.status != Registration.Status.CANCELLED and event.ends_at > now and event.status != Event.Status.CANCELLED,
        "optin_pending": services.marketing_optin_pending(registration=registration),
    }  # fmt: skip
    return render(request, "events/manage.html", context, status=status)
