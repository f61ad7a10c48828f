"""The two signed codes of a registration: the link in its e-mails (to cancel, or to take a place
offered from the waiting list, without an account) and the ticket the QR code carries.

Each is the registration's number signed with the project's secret under its own salt, so a
ticket cannot open the page and a link cannot pass the door; changing one character of either
makes it worthless. A made-up or altered code is "not one of our tickets", never a database lookup.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Registration

_LINK = signing.Signer(salt="vicino.events.manage", sep=".")
_TICKET = signing.Signer(salt="vicino.events.ticket", sep=".")


def _unsigned(signer: signing.Signer, token: str) -> int | None:
    try:
        value = signer.unsign(token.strip())
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def registration_token(registration: Registration) -> str:
    return _LINK.sign(str(registration.pk))


def registration_id_of(token: str) -> int | None:
    """The registration a link opens, or None when we did not sign it."""
    return _unsigned(_LINK, token)


def registration_manage_url(registration: Registration) -> str:
    return settings.VICINO_BASE_URL.rstrip("/") + reverse("events:manage", args=[registration_token(registration)])


def ticket_code(registration: Registration) -> str:
    """What the QR code says: short enough for a small, quickly read code."""
    return _TICKET.sign(str(registration.pk))


def ticket_id_of(code: str) -> int | None:
    """The registration a scanned ticket belongs to, or None for a forged or damaged one."""
    return _unsigned(_TICKET, code)
