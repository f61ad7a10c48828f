"""The e-mails a registration sends its guest, each in the guest's language and on their timeline.

- `confirmed`: the ticket (its QR code as a picture), the calendar invitation, the link to cancel;
- `waiting`: the turn on the waiting list, and the link to leave it;
- `offered`: a place freed up, and until when it can be taken;
- `cancelled`: the registration is cancelled, and the calendar entry goes;
- `event_cancelled`, `rescheduled`, `postponed`: the event changed; the calendar follows;
- `thanks`: after the event, to those who came and may be written to.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from vicino.people import services as people

from .ics import registration_ics
from .links import registration_manage_url, ticket_code
from .models import Registration
from .services import marketing_optin_pending
from .tickets import ticket_png
from .times import local

KINDS = ("confirmed", "waiting", "offered", "cancelled", "event_cancelled", "rescheduled", "postponed", "thanks")
# What the calendar invitation is for: these e-mails carry one (a cancellation's removes the entry).
WITH_CALENDAR = {"confirmed", "cancelled", "event_cancelled", "rescheduled", "postponed"}
WITH_TICKET = {"confirmed", "rescheduled"}


def _subject(kind: str, values: dict) -> str:
    return {
        "confirmed": _("You are registered: %(event)s, %(when)s"),
        "waiting": _("On the waiting list: %(event)s"),
        "offered": _("A place is free for you: %(event)s — confirm by %(deadline)s"),
        "cancelled": _("Registration cancelled: %(event)s"),
        "event_cancelled": _("Cancelled: %(event)s, %(when)s"),
        "rescheduled": _("New date: %(event)s, now %(when)s"),
        "postponed": _("Postponed: %(event)s — your place is kept"),
        "thanks": _("Thank you for coming to %(event)s"),
    }[kind] % values


def registration_mail_send(*, registration: Registration, kind: str) -> bool:
    """Send one of the registration's e-mails; False when there is nothing to send it to."""
    event, customer = registration.event, registration.customer
    if kind not in KINDS or not registration.email:
        return False
    with translation.override(customer.language or "it"):
        values = {"event": event.title, "when": f"{local(event, event.starts_at):%d/%m/%Y %H:%M}",
                  "deadline": f"{local(event, registration.offer_expires_at):%d/%m/%Y %H:%M}" if registration.offer_expires_at else ""}  # fmt: skip
        subject = _subject(kind, values)
        live = registration.status != Registration.Status.CANCELLED and kind != "event_cancelled"
        body = render_to_string("events/email/registration.txt", {
            "registration": registration, "event": event, "customer": customer, "kind": kind, "when": values["when"], "deadline": values["deadline"],
            "ends": f"{local(event, event.ends_at):%H:%M}", "manage_url": registration_manage_url(registration) if live else "",
            "code": ticket_code(registration) if kind in WITH_TICKET and registration.status == Registration.Status.CONFIRMED else "",
            "optin": live and kind in ("confirmed", "waiting") and marketing_optin_pending(registration=registration),
        })  # fmt: skip
        summary = _("E-mail “%(subject)s” sent to %(email)s") % {"subject": subject, "email": registration.email}
        message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[registration.email],
                               reply_to=[event.site.email] if event.site_id and event.site.email else None)  # fmt: skip
        if kind in WITH_TICKET and registration.status == Registration.Status.CONFIRMED:
            message.attach(_("ticket.png"), ticket_png(registration), "image/png")
        if kind in WITH_CALENDAR:
            method = "REQUEST" if live else "CANCEL"
            message.attach(_("event.ics"), registration_ics(registration), f"text/calendar; method={method}; charset=utf-8")
    message.send()
    people.interaction_record(customer=customer, channel="email", kind=f"event.mail.{kind}", site=event.site, ref=registration, summary=summary)
    return True
