"""Who is signed in to the portal: a customer, kept in the session by id with the link they came through.

No Django user is made for customers. The portal's keys live beside (never inside) a staff
login: signing in or out of the portal leaves a staff session in the same browser alone, and
staff permissions never come from a portal session.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from .models import SignInLink

CUSTOMER_KEY = "portal_customer"
LINK_KEY = "portal_link"


def portal_sign_in(request: HttpRequest, link: SignInLink) -> None:
    # A new session key at each sign-in: a key planted before it (session fixation) opens nothing.
    request.session.cycle_key()
    request.session[CUSTOMER_KEY] = link.customer_id
    request.session[LINK_KEY] = link.pk


def portal_sign_out(request: HttpRequest) -> None:
    request.session.pop(CUSTOMER_KEY, None)
    request.session.pop(LINK_KEY, None)
    request.session.cycle_key()


def portal_link(request: HttpRequest) -> SignInLink | None:
    """The signed-in customer's link (its `customer` loaded with their network), in one query; None when signed out.

    Read from the database at every request, so an erased or merged-away customer is signed out at once.
    """
    customer_id, link_id = request.session.get(CUSTOMER_KEY), request.session.get(LINK_KEY)
    if not customer_id or not link_id:
        return None
    return (
        SignInLink.objects.select_related("customer__network")
        .filter(pk=link_id, customer_id=customer_id, used_at__isnull=False, customer__erased_at__isnull=True, customer__merged_into__isnull=True)
        .first()
    )


def safe_next(request: HttpRequest, value: str) -> str:
    """A portal path to go on to after signing in, or "" (never another site, never outside the portal)."""
    inside = value.startswith(reverse("portal:signin")) and ".." not in value
    if value and inside and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return ""


def customer_required(view):
    """The view runs for a signed-in customer (`request.customer`, `request.portal_link`), in their language
    unless they chose one with the switch; anyone else is sent to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        link = portal_link(request)
        if link is None:
            target = f"{reverse('portal:signin')}?{urlencode({'next': request.get_full_path()})}"
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        request.customer, request.portal_link = link.customer, link
        language = link.customer.language
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return view(request, *args, **kwargs)

    return wrapper
