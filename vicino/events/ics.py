"""The iCalendar (RFC 5545) invitation of an event, for a registered guest's calendar.

One UID per registration and the event's sequence: when the event moves or is cancelled the
guest's calendar updates (or removes) the same entry instead of adding a second one.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event as CalendarEvent, vCalAddress, vText

from .models import Event, Registration


def registration_uid(registration: Registration) -> str:
    host = settings.VICINO_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "vicino.local"
    return f"event-registration-{registration.pk}@{host}"


def registration_ics(registration: Registration) -> bytes:
    event = registration.event
    live = event.status != Event.Status.CANCELLED and registration.status != Registration.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Vicino//Events//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST" if live else "CANCEL")
    entry = CalendarEvent()
    entry.add("uid", registration_uid(registration))
    entry.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    entry.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    entry.add("dtend", event.ends_at.astimezone(datetime.UTC))
    entry.add("sequence", event.sequence)
    # A postponed event stays in the calendar, marked tentative, until its new date is known.
    entry.add("status", "CANCELLED" if not live else "TENTATIVE" if event.status == Event.Status.POSTPONED else "CONFIRMED")
    entry.add("summary", event.title)
    entry["location"] = vText(", ".join(part for part in (event.place_name, event.place_address) if part))
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText(event.place_name or event.network.name)
    entry["organizer"] = organizer
    calendar.add_component(entry)
    return calendar.to_ical()
