"""The signed link in a booking's e-mails that lets the customer reschedule or cancel it without an account.

The link carries the booking's number signed with the project's secret (HMAC, its own salt):
changing one character of it makes it worthless, and it opens one booking only. It needs no
expiry of its own: once the booking has passed, the page says so and changes nothing.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Booking

_SIGNER = signing.Signer(salt="vicino.bookings.manage", sep=".")


def booking_token(booking: Booking) -> str:
    return _SIGNER.sign(str(booking.pk))


def booking_id_of(token: str) -> int | None:
    """The booking a token opens, or None when it was not signed by us (tampered, truncated, made up)."""
    try:
        value = _SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def booking_manage_url(booking: Booking) -> str:
    return settings.VICINO_BASE_URL.rstrip("/") + reverse("bookings:manage", args=[booking_token(booking)])
