"""The iCalendar (RFC 5545) invitation that goes with a booking's e-mail, for the customer's calendar."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking


def booking_uid(booking: Booking) -> str:
    """Stable across changes, so a calendar updates the same event when the booking moves."""
    host = settings.VICINO_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "vicino.local"
    return f"booking-{booking.pk}@{host}"


def booking_ics(booking: Booking, *, sequence: int = 0) -> bytes:
    site = booking.site
    calendar = Calendar()
    calendar.add("prodid", "-//Vicino//Bookings//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST" if booking.is_active else "CANCEL")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", booking.starts_at.astimezone(datetime.UTC))
    event.add("dtend", booking.ends_at.astimezone(datetime.UTC))
    event.add("sequence", sequence)
    event.add("status", "CONFIRMED" if booking.is_active else "CANCELLED")
    event.add("summary", f"{booking.offering} · {site.name}")
    event["location"] = vText(", ".join(part for part in (site.name, site.street, f"{site.cap} {site.city}".strip()) if part))
    if booking.meeting_link:
        event.add("url", booking.meeting_link)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText(site.name)
    event["organizer"] = organizer
    calendar.add_component(event)
    return calendar.to_ical()
