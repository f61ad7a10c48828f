"""The e-mails a booking sends the customer — confirmed, moved, cancelled, tomorrow — each with its calendar invitation.

Every one carries the signed link to reschedule or cancel, and lands on the customer's timeline.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vicino.people import services as people
from vicino.people.queries import customer_email

from .ics import booking_ics
from .links import booking_manage_url
from .models import Booking
from .slots import zone


def _send(booking: Booking, kind: str) -> bool:
    customer, site = booking.customer, booking.site
    to = customer_email(customer)
    if not to:
        return False
    with translation.override(customer.language or "it"):
        when = f"{timezone.localtime(booking.starts_at, zone()):%d/%m/%Y %H:%M}"
        values = {"offering": booking.offering, "when": when}
        subject = {
            "confirmation": _("Booking confirmed: %(offering)s, %(when)s"),
            "moved": _("Booking moved: %(offering)s, now %(when)s"),
            "cancelled": _("Booking cancelled: %(offering)s, %(when)s"),
            "reminder": _("Tomorrow: %(offering)s, %(when)s"),
        }[kind] % values
        body = render_to_string("bookings/email/booking.txt", {
            "booking": booking, "customer": customer, "site": site, "when": when, "kind": kind,
            "manage_url": booking_manage_url(booking) if booking.is_active else "",
        })  # fmt: skip
        summary = _("E-mail “%(subject)s” sent to %(email)s") % {"subject": subject, "email": to}
    reply_to = [site.email] if site.email else None
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], reply_to=reply_to)
    method = "REQUEST" if booking.is_active else "CANCEL"
    message.attach("prenotazione.ics", booking_ics(booking, sequence=booking.sequence), f"text/calendar; method={method}; charset=utf-8")
    message.send()
    people.interaction_record(customer=customer, channel="email", kind=f"booking.{kind}", site=site, ref=booking, summary=summary)
    return True


def booking_confirmation_send(*, booking: Booking) -> bool:
    """E-mail the customer their booking with an .ics invitation; False when they gave no address."""
    return _send(booking, "confirmation")


def booking_change_send(*, booking: Booking) -> bool:
    """Tell the customer their booking moved or was cancelled; the .ics replaces (or removes) the calendar event."""
    return _send(booking, "cancelled" if booking.status == Booking.Status.CANCELLED else "moved")


def booking_reminder_send(*, booking: Booking) -> bool:
    """The day before: when and where, and the link in case plans changed."""
    return _send(booking, "reminder")
