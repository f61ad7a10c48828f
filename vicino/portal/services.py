"""The portal's writes: sign-in links asked for and opened, and what a signed-in customer changes
about their own privacy (consents, an erasure request).

Sign-in links
-------------
An address may belong to customers of several networks (a car brand's customer who is also a
member of a cooperative using the same Vicino). Each gets a link of its own, in its own e-mail,
naming the network: one request sends one link per matching customer. Picking "the most recent"
would leave the other network's portal unreachable for that person.

The link's token is an HMAC (the project's secret key) of the request, the customer and the
moment it was made; the database keeps only its SHA-256. So the e-mail task needs no secret in
its arguments (it derives the token again from the row), and neither a copy of the database nor
of the task queue opens anyone's portal.

The hourly limit counts requests per address whether or not the address is known, and the
answer is the same either way: neither the page nor the limit tells anyone who is a customer.
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from vicino.people import services as people
from vicino.people.models import CONSENT_CHANNELS, Channel, ConsentEvent, Customer, PrivacyRequest, Purpose
from vicino.people.privacy import privacy_request_open

from .models import SignInLink, SignInRequest
from .queries import consent_grid, customers_for_email, erasure_open, privacy_notice_latest
from .tasks import signin_link_mail

LINK_LIFETIME = datetime.timedelta(minutes=15)
LINKS_PER_HOUR = 5
# Requests are kept only as long as the hourly limit needs them (and a little more, to investigate abuse).
REQUESTS_KEPT = datetime.timedelta(days=1)


def address_digest(email: str) -> str:
    return salted_hmac("vicino.portal.signin-address", email, algorithm="sha256").hexdigest()


def link_token(link: SignInLink) -> str:
    """The secret part of the link's address: derived again whenever it is needed, never stored."""
    made = link.created_at.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
    return salted_hmac("vicino.portal.signin-link", f"{link.request_id}:{link.customer_id}:{made}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def signin_link_request(*, email: str, ip_address: str | None = None, next_path: str = "",
                        now: datetime.datetime | None = None) -> list[SignInLink]:  # fmt: skip
    """Someone asks to sign in with an address: each customer it belongs to is e-mailed a link after commit.

    More than five requests for one address in an hour are refused (ValidationError "too_many"),
    known address or not. An unknown address gets no e-mail and no link, and no error either.
    """
    address = people.email_normalise(email)
    now = now or timezone.now()
    digest = address_digest(address)
    SignInRequest.objects.filter(created_at__lt=now - REQUESTS_KEPT).delete()
    if SignInRequest.objects.filter(email_digest=digest, created_at__gt=now - datetime.timedelta(hours=1)).count() >= LINKS_PER_HOUR:
        raise ValidationError(
            _("You have asked for %(count)s links in the last hour: that is as many as we send. Please use the latest one, "
              "or try again in an hour.") % {"count": LINKS_PER_HOUR},
            code="too_many",
        )  # fmt: skip
    request = SignInRequest.objects.create(email_digest=digest, requested_ip=ip_address or None, created_at=now)
    links = []
    for customer in customers_for_email(email=address):
        link = SignInLink(customer=customer, request=request, email=address, created_at=now, expires_at=now + LINK_LIFETIME,
                          requested_ip=ip_address or None)  # fmt: skip
        link.token_hash = token_hash(link_token(link))
        link.save()
        links.append(link)
        transaction.on_commit(lambda pk=link.pk: signin_link_mail.enqueue(pk, next_path))
    return links


class LinkRefused(Exception):
    """A sign-in link that opens nothing, and why: "unknown", "used" or "expired"."""

    def __init__(self, reason: str, link: SignInLink | None = None) -> None:
        super().__init__(reason)
        self.reason, self.link = reason, link


@transaction.atomic
def signin_link_use(*, token: str, now: datetime.datetime | None = None) -> SignInLink:
    """Spend a link: it opens the portal once, within its 15 minutes, for a customer still on record."""
    now = now or timezone.now()
    link = SignInLink.objects.select_related("customer__network").filter(token_hash=token_hash(token)).first()
    if link is None or link.customer.erased_at is not None or link.customer.merged_into_id is not None:
        raise LinkRefused("unknown")
    if link.used_at is not None:
        raise LinkRefused("used", link)
    if link.expires_at <= now:
        raise LinkRefused("expired", link)
    # Conditional on still being unused: of two clicks at once, one signs in and the other finds it used.
    if not SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        raise LinkRefused("used", link)
    link.used_at = now
    people.interaction_record(customer=link.customer, channel=Channel.PORTAL, kind="portal.signin", occurred_at=now, ref=link,
                              summary=_("Signed in to the customer portal"))  # fmt: skip
    return link


def _customer_locked(customer: Customer) -> Customer:
    """The customer row locked: two submissions at once take turns, so neither writes on a stale reading."""
    return Customer.objects.select_for_update().select_related("network").get(pk=customer.pk)


@transaction.atomic
def portal_consents_set(*, customer: Customer, changes: dict[tuple[str, str], bool], link: SignInLink, ip_address: str | None = None,
                        user_agent: str = "") -> list[ConsentEvent]:  # fmt: skip
    """The customer grants (True) or withdraws (False) consent per purpose and channel: one ledger event per
    real change, all of them or none.

    Only what the customer changed on the page is in `changes`, so a consent recorded by staff
    meanwhile is not undone by a form that was open before it. A grant cites the network's latest
    privacy notice (none published: nothing can be granted, and nothing is written). A grant for
    e-mail counts as confirmed (double opt-in): the customer signed in through a link sent to their
    address, the proof the Garante asks for.
    """
    customer = _customer_locked(customer)
    notice = privacy_notice_latest(customer=customer)
    current = {(cell.purpose, cell.channel): cell.granted for _label, cells in consent_grid(customer=customer) for cell in cells}
    events = []
    for (purpose, channel), wanted in sorted(changes.items()):
        if purpose not in Purpose.values or channel not in CONSENT_CHANNELS:
            raise ValidationError(_("Unknown purpose or channel."), code="unknown_consent")
        if current.get((purpose, channel), False) == wanted:
            continue
        if wanted and notice is None:
            raise ValidationError(_("Consent cannot be given here yet: the network has not published its privacy notice. Please contact the site."),
                                  code="no_notice")  # fmt: skip
        confirmed = wanted and channel == Channel.EMAIL
        events.append(people.consent_record(
            by=None, customer=customer, purpose=purpose, channel=channel, source=ConsentEvent.Source.PORTAL, notice=notice,
            action=ConsentEvent.Action.GRANTED if wanted else ConsentEvent.Action.WITHDRAWN,
            ip_address=ip_address, user_agent=user_agent, double_opt_in_at=link.used_at if confirmed else None,
            evidence=(_("Customer portal, signed in through the link sent to %(email)s") % {"email": link.email})[:300],
        ))  # fmt: skip
    return events


@transaction.atomic
def portal_erasure_request(*, customer: Customer) -> tuple[PrivacyRequest, bool]:
    """The customer asks to be erased: one request for staff to handle (GDPR art. 17), never two open at once.

    Returns the request and whether it is new; an open one is returned as it is.
    """
    customer = _customer_locked(customer)
    already = erasure_open(customer=customer)
    if already is not None:
        return already, False
    request = privacy_request_open(by=None, customer=customer, kind=PrivacyRequest.Kind.ERASURE, channel=Channel.PORTAL,
                                   notes=_("Asked for by the customer in the portal."))  # fmt: skip
    return request, True
