"""Reads about customers, scoped to the actor; and the one answer to "may I contact them?"."""

import datetime
from dataclasses import dataclass

from django.db.models import Aggregate, Exists, OuterRef, Q, QuerySet, Subquery, TextField
from django.utils import timezone

from vicino.core.actor import Actor
from vicino.core.models import Network

from .models import ConsentEvent, ContactPoint, Customer, CustomerLink, Interaction, Purpose, RetentionPolicy

# Garante practice as Vicino's default; each network may set its own, with a reason.
DEFAULT_RETENTION_MONTHS = {Purpose.MARKETING: 24, Purpose.PROFILING: 12}


def customer_list(*, actor: Actor) -> QuerySet[Customer]:
    """The customers the actor may see (merged-away records are gone from lists), contacts at
    hand: `customer.contacts` reads them from a column of the same query."""
    points = ContactPoint.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
    return actor.scope(
        Customer.objects.filter(merged_into__isnull=True)
        .select_related("site")
        .annotate(contacts_listed=Subquery(points.annotate(rows=JSONRows("id", "kind", "value", "label", "is_primary", "created_at")).values("rows")))
    )


class JSONRows(Aggregate):
    """The group's rows as a JSON array of arrays, as text, on SQLite and PostgreSQL alike."""

    function = "json_group_array"
    template = "%(function)s(json_array(%(expressions)s))"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="json_agg", template="%(function)s(json_build_array(%(expressions)s))::text", **extra)


def customer_timeline(*, actor: Actor, customer: Customer, channel: str = "", kind: str = "") -> QuerySet[Interaction]:
    """A visible customer's timeline, newest first, optionally one channel or kind."""
    entries = actor.scope(Interaction.objects.filter(customer=customer).select_related("actor", "site"))
    if channel:
        entries = entries.filter(channel=channel)
    if kind:
        entries = entries.filter(kind=kind)
    return entries


def customer_links(*, actor: Actor, customer: Customer) -> list[tuple[str, Customer]]:
    """(kind label, the other customer) for each link of a visible customer, in both directions."""
    links = list(actor.scope(CustomerLink.objects.filter(Q(from_customer=customer) | Q(to_customer=customer))).select_related("from_customer", "to_customer"))
    # The other ends first, then which of them the actor sees: a lookup by id, not a join over every customer.
    others = {link.to_customer_id if link.from_customer_id == customer.pk else link.from_customer_id for link in links}
    visible = set(customer_list(actor=actor).filter(pk__in=others).values_list("pk", flat=True)) if others else set()
    result = []
    for link in links:
        other = link.to_customer if link.from_customer_id == customer.pk else link.from_customer
        if other.pk in visible:
            result.append((link.get_kind_display(), other))
    return result


@dataclass(frozen=True)
class ConsentState:
    """Where one purpose and channel stand now, and the event that put them there."""

    purpose: str
    channel: str
    event: ConsentEvent
    allowed: bool


def consent_states(*, customer: Customer, at: datetime.datetime | None = None) -> list[ConsentState]:
    """The current state per purpose and channel: the latest event of each, judged as may_contact does."""
    at = at or timezone.now()
    latest: dict[tuple[str, str], ConsentEvent] = {}
    events = customer.consent_events.filter(occurred_at__lte=at).select_related("notice").order_by("-occurred_at", "-id")
    for event in events:
        latest.setdefault((event.purpose, event.channel), event)
    retention = retention_months(network=customer.network)
    return [
        ConsentState(purpose, channel, event, _allows(event, at=at, retention=retention, erased=customer.erased_at is not None))
        for (purpose, channel), event in sorted(latest.items())
    ]


def may_contact(*, customer: Customer, purpose: str, channel: str, at: datetime.datetime | None = None) -> bool:
    """May this customer be contacted for `purpose` on `channel` now? Every sending feature asks this.

    Yes only when the latest consent event is a grant that is still within the network's
    retention, and — for marketing collected online — was confirmed by double opt-in,
    the proof the Garante expects. No event means no.
    """
    at = at or timezone.now()
    if customer.erased_at is not None:
        return False
    event = (
        customer.consent_events.filter(purpose=purpose, channel=channel, occurred_at__lte=at)
        .order_by("-occurred_at", "-id")
        .first()
    )
    return event is not None and _allows(event, at=at, retention=retention_months(network=customer.network), erased=False)


def contactable_customers(*, network: Network, purpose: str, channel: str, at: datetime.datetime | None = None) -> QuerySet[Customer]:
    """Every customer of a network that may_contact would allow, as one query for bulk sending."""
    at = at or timezone.now()
    latest = ConsentEvent.objects.filter(customer=OuterRef("pk"), purpose=purpose, channel=channel, occurred_at__lte=at).order_by(
        "-occurred_at", "-id"
    )
    customers = Customer.objects.filter(network=network, erased_at__isnull=True, merged_into__isnull=True).annotate(
        consent_action=Subquery(latest.values("action")[:1]),
        consent_at=Subquery(latest.values("occurred_at")[:1]),
        consent_source=Subquery(latest.values("source")[:1]),
        consent_confirmed=Subquery(latest.values("double_opt_in_at")[:1]),
    )
    customers = customers.filter(consent_action=ConsentEvent.Action.GRANTED)
    months = retention_months(network=network).get(purpose)
    if months:
        customers = customers.filter(consent_at__gte=months_before(at, months))
    if purpose == Purpose.MARKETING:
        customers = customers.exclude(Q(consent_source__in=ConsentEvent.ONLINE_SOURCES) & Q(consent_confirmed__isnull=True))
    return customers


def consent_grants_to_expire(*, network: Network, purpose: str, cutoff: datetime.datetime) -> QuerySet[ConsentEvent]:
    """Grants given before `cutoff` that nothing has followed since: the retention task expires them."""
    later = ConsentEvent.objects.filter(
        customer=OuterRef("customer"), purpose=OuterRef("purpose"), channel=OuterRef("channel"), occurred_at__gt=OuterRef("occurred_at")
    )
    return (
        ConsentEvent.objects.filter(network=network, purpose=purpose, action=ConsentEvent.Action.GRANTED, occurred_at__lt=cutoff)
        .exclude(Exists(later))
        .select_related("customer")
    )


def _allows(event: ConsentEvent, *, at: datetime.datetime, retention: dict[str, int], erased: bool) -> bool:
    if erased or event.action != ConsentEvent.Action.GRANTED:
        return False
    months = retention.get(event.purpose)
    if months and event.occurred_at < months_before(at, months):
        return False
    needs_double_opt_in = event.purpose == Purpose.MARKETING and event.source in ConsentEvent.ONLINE_SOURCES
    return not needs_double_opt_in or event.double_opt_in_at is not None


def retention_months(*, network: Network) -> dict[str, int]:
    """Months each purpose's consent lasts in this network: its own rules over the defaults."""
    months = {str(purpose): value for purpose, value in DEFAULT_RETENTION_MONTHS.items()}
    months.update({p.purpose: p.months for p in RetentionPolicy.objects.filter(network=network)})
    return months


def months_before(at: datetime.datetime, months: int) -> datetime.datetime:
    """`months` calendar months earlier, near enough for retention (an average month)."""
    return at - datetime.timedelta(days=round(months * 30.44))


def customer_email(customer: Customer) -> str:
    """The address to write to: the primary e-mail, else the first recorded; "" when there is none."""
    point = customer.contact_points.filter(kind=ContactPoint.Kind.EMAIL).order_by("-is_primary", "pk").first()
    return point.value if point else ""
