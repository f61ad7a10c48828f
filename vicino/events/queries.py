"""Reads about events: the public list, the staff's schedule (palinsesto), an event's guests and its figures."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from vicino.core.actor import Actor
from vicino.core.models import Network, Site
from vicino.people.models import Customer
from vicino.sales.models import Lead

from .models import Event, Partner, Registration, Sponsorship

R = Registration.Status
# Who the network's public page shows events to: those open to people who have never bought.
OPEN_AUDIENCES = (Event.Audience.PUBLIC, Event.Audience.ENTHUSIASTS)
HOLDING = (R.CONFIRMED, R.OFFERED)


def with_places_held(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with the registrations holding a place (`held`), their companions, and the places they take (`places_held`).

    Subqueries, not a join: joined with the sponsorships (the palinsesto counts them too) the sums would multiply.
    """
    holding = Registration.objects.filter(event=OuterRef("pk"), status__in=HOLDING).order_by().values("event")
    held = Coalesce(Subquery(holding.annotate(n=Count("pk")).values("n")[:1]), 0)
    companions = Coalesce(Subquery(holding.annotate(n=Sum("companions")).values("n")[:1]), 0)
    return events.annotate(held=held, held_companions=companions, places_held=F("held") + F("held_companions"))


def public_event_list(*, network: Network, city: str = "", site_code: str = "", kind: str = "",
                      now: datetime.datetime | None = None) -> QuerySet[Event]:  # fmt: skip
    """The upcoming events anyone may come to, soonest first; postponed ones stay listed, marked so."""
    now = now or timezone.now()
    events = Event.objects.filter(network=network, status__in=(Event.Status.PUBLISHED, Event.Status.POSTPONED), audience__in=OPEN_AUDIENCES,
                                  ends_at__gt=now).select_related("site")  # fmt: skip
    if city:
        events = events.filter(Q(venue_name="", site__city__iexact=city) | Q(venue_city__iexact=city))
    if site_code:
        events = events.filter(site__code__iexact=site_code)
    if kind:
        events = events.filter(kind=kind)
    return with_places_held(events).order_by("starts_at", "pk")


def public_cities(*, network: Network, now: datetime.datetime | None = None) -> list[str]:
    """The cities of the upcoming open events, for the filter."""
    events = list(public_event_list(network=network, now=now))
    return sorted({event.city for event in events if event.city}, key=str.casefold)


def public_sites(*, network: Network) -> QuerySet[Site]:
    return Site.objects.filter(network=network, is_active=True).order_by("name")


def public_event(*, network: Network, slug: str) -> Event | None:
    """An event's own page: published, postponed or cancelled (to say so); never a draft."""
    return Event.objects.select_related("site", "network").filter(network=network, slug=slug).exclude(status=Event.Status.DRAFT).first()


def event_list(*, actor: Actor) -> QuerySet[Event]:
    return actor.scope(Event.objects.select_related("site"))


def event_schedule(*, actor: Actor, first: datetime.date, last: datetime.date, site: Site | None = None) -> QuerySet[Event]:
    """The palinsesto: every event in scope that touches the days from `first` to `last`, with its places and sponsors."""
    events = event_list(actor=actor).filter(starts_at__date__lte=last, ends_at__date__gte=first)
    if site is not None:
        events = events.filter(site=site)
    return with_places_held(events).annotate(sponsors=Count("sponsorships", distinct=True)).order_by("starts_at", "pk")


def may_edit(actor: Actor, event: Event) -> bool:
    """A site's staff plan their site's events; the network's own events are head office's."""
    return actor.is_head_office or (event.site_id is not None and event.site_id == actor.membership.site_id)


def registration_list(*, actor: Actor) -> QuerySet[Registration]:
    return actor.scope(Registration.objects.select_related("event", "customer"))


def guest_list(*, actor: Actor, event: Event, search: str = "") -> QuerySet[Registration]:
    """An event's guests, for the door and the event's page: live registrations first by status, then by name."""
    guests = registration_list(actor=actor).filter(event=event).select_related("checked_in_by")
    if search:
        words = search.split()
        for word in words:
            guests = guests.filter(Q(customer__first_name__icontains=word) | Q(customer__last_name__icontains=word)
                                   | Q(customer__company_name__icontains=word) | Q(email__icontains=word))  # fmt: skip
    return guests.order_by("status", "customer__last_name", "customer__first_name", "pk")


def arrivals(*, event: Event) -> dict:
    """What the door's counter shows: people in (companions counted) out of those expected."""
    figures = Registration.objects.filter(event=event, status=R.CONFIRMED).aggregate(
        guests=Count("pk"), all_companions=Sum("companions"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False)),
        arrived_companions=Sum("companions", filter=Q(checked_in_at__isnull=False)),
    )  # fmt: skip
    return {"expected": figures["guests"] + (figures["all_companions"] or 0), "arrived": figures["arrived"] + (figures["arrived_companions"] or 0),
            "guests_arrived": figures["arrived"], "guests": figures["guests"]}  # fmt: skip


def event_figures(*, event: Event) -> dict:
    """After (or during) an event: who registered, who came, whom it brought us, and who went on to ask for a car."""
    registrations = Registration.objects.filter(event=event)
    later_lead = Lead.objects.filter(customer_id=OuterRef("customer_id"), created_at__gt=OuterRef("queued_at"))
    figures = registrations.aggregate(
        registered=Count("pk", filter=Q(status=R.CONFIRMED)),
        confirmed_companions=Sum("companions", filter=Q(status=R.CONFIRMED)),
        waiting=Count("pk", filter=Q(status__in=(R.WAITING, R.OFFERED))),
        cancelled=Count("pk", filter=Q(status=R.CANCELLED)),
        attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=Q(is_walk_in=True)),
        no_shows=Count("pk", filter=Q(no_show=True)),
        new_customers=Count("pk", filter=Q(new_customer=True) & ~Q(status=R.CANCELLED)),
        enthusiasts=Count("pk", filter=Q(relation_then=Customer.Relation.ENTHUSIAST) & ~Q(status=R.CANCELLED)),
        paid=Count("pk", filter=Q(paid_at__isnull=False)),
    )  # fmt: skip
    figures["people"] = figures["registered"] + (figures.pop("confirmed_companions") or 0)
    figures["enthusiast_leads"] = (registrations.filter(relation_then=Customer.Relation.ENTHUSIAST).exclude(status=R.CANCELLED)
                                   .filter(Exists(later_lead)).count())  # fmt: skip
    return figures


def sponsorship_list(*, actor: Actor) -> QuerySet[Sponsorship]:
    return actor.scope(Sponsorship.objects.select_related("event__site", "partner").prefetch_related("documents"))


def partner_list(*, actor: Actor) -> QuerySet[Partner]:
    """The network's partners with what their sponsorships were worth, most valuable first."""
    return actor.scope(Partner.objects.all()).annotate(events=Count("sponsorships__event", distinct=True), total=Sum("sponsorships__value"))


def customer_registrations(*, customer_ids: list[int], now: datetime.datetime | None = None) -> QuerySet[Registration]:
    """A portal customer's registrations for events still to come (any of their records in the network)."""
    now = now or timezone.now()
    return (Registration.objects.filter(customer_id__in=customer_ids, event__ends_at__gt=now).exclude(event__status=Event.Status.DRAFT)
            .select_related("event__site").order_by("event__starts_at", "pk"))  # fmt: skip
