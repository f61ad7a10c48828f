"""The e-mails a booking sends the customer, each with its calendar invitation."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vicino.people import services as people
from vicino.people.queries import customer_email

from .ics import booking_ics
from .models import Booking
from .slots import zone


def booking_confirmation_send(*, booking: Booking) -> bool:
    """E-mail the customer their booking with an .ics invitation; False when they gave no address."""
    customer, site = booking.customer, booking.site
    to = customer_email(customer)
    if not to:
        return False
    with translation.override(customer.language or "it"):
        when = f"{timezone.localtime(booking.starts_at, zone()):%d/%m/%Y %H:%M}"
        subject = _("Booking confirmed: %(offering)s, %(when)s") % {"offering": booking.offering, "when": when}
        body = render_to_string("bookings/email/confirmation.txt", {"booking": booking, "customer": customer, "site": site, "when": when})
    reply_to = [site.email] if site.email else None
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], reply_to=reply_to)
    message.attach("prenotazione.ics", booking_ics(booking), "text/calendar; method=REQUEST; charset=utf-8")
    message.send()
    people.interaction_record(
        customer=customer, channel="email", kind="booking.confirmation", site=site, ref=booking,
        summary=_("Booking confirmation sent to %(email)s") % {"email": to},
    )  # fmt: skip
    return True
