"""The workshop's e-mails: to the owner when work needs their approval and when the car is ready,
to the advisor on call when an emergency request comes in. Each lands on the customer's timeline.

The link to the owner's order page belongs to the portal, which sits above the workshop:
the portal registers how to make it (`order_link_register`), so no import points upwards.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vicino.people import services as people
from vicino.people.queries import customer_email

from .models import Finding, RepairOrder

_order_link: Callable[[RepairOrder], str] = lambda order: ""  # noqa: E731


def order_link_register(make: Callable[[RepairOrder], str]) -> None:
    global _order_link
    _order_link = make


def _to_owner(order: RepairOrder, kind: str, subject, context: dict) -> bool:
    customer, site = order.customer, order.site
    to = customer_email(customer)
    if not to:
        return False
    with translation.override(customer.language or "it"):
        subject = str(subject) % {"vehicle": order.vehicle, "number": order.number}
        body = render_to_string(f"workshop/email/{kind}.txt", {"order": order, "customer": customer, "site": site, "link": _order_link(order), **context})
        summary = _("E-mail “%(subject)s” sent to %(email)s") % {"subject": subject, "email": to}
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], reply_to=[site.email] if site.email else None).send()
    people.interaction_record(customer=customer, channel="email", kind=f"workshop.{kind}_mail", site=site, ref=order, summary=summary)
    return True


def order_approval_send(*, order: RepairOrder) -> bool:
    """The jobs waiting for the owner's answer, with their prices, and the link to answer."""
    proposed = list(order.findings.filter(answer=Finding.Answer.PROPOSED))
    if not proposed:
        return False
    return _to_owner(order, "approval", gettext_lazy("Your approval is needed: %(vehicle)s (%(number)s)"), {"findings": proposed})


def order_ready_send(*, order: RepairOrder) -> bool:
    return _to_owner(order, "ready", gettext_lazy("Your car is ready: %(vehicle)s (%(number)s)"), {})


def emergency_alert_send(*, order: RepairOrder) -> bool:
    """The on-call advisor gets the emergency at once: where the car is, what happened, whom to call."""
    advisor = order.advisor
    if advisor is None or not advisor.email:
        return False
    with translation.override(advisor.language or "it"):
        subject = _("EMERGENCY %(number)s: %(vehicle)s") % {"number": order.number, "vehicle": order.vehicle}
        when = f"{timezone.localtime(order.created_at):%d/%m/%Y %H:%M}"
        body = render_to_string("workshop/email/emergency.txt", {
            "order": order, "when": when, "url": settings.VICINO_BASE_URL.rstrip("/") + reverse("workshop:order-detail", args=[order.pk])})  # fmt: skip
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[advisor.email], headers={"X-Priority": "1"})
    message.send()
    return True
