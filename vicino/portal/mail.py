"""The portal's e-mail: the one-time sign-in link, in the customer's language."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import SignInLink


def portal_url(path: str) -> str:
    return settings.VICINO_BASE_URL.rstrip("/") + path


def signin_url(link: SignInLink, next_path: str = "") -> str:
    from .services import link_token

    url = portal_url(reverse("portal:signin-link", args=[link_token(link)]))
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def signin_link_send(*, link: SignInLink, next_path: str = "") -> bool:
    """E-mail a sign-in link to the address it was asked for (an expired one is not sent)."""
    if link.expires_at <= timezone.now():
        return False
    customer = link.customer
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        subject = _("Your link to sign in to %(network)s") % {"network": customer.network.name}
        body = render_to_string("portal/email/signin.txt", {
            "customer": customer, "network": customer.network, "url": signin_url(link, next_path),
            "minutes": int((link.expires_at - link.created_at).total_seconds() // 60),
        })  # fmt: skip
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[link.email]).send()
    return True
