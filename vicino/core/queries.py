"""Reads of networks, sites, teams and the audit log, always scoped to the actor."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .actor import Actor
from .models import AuditEntry, Membership, Network, OpeningHours, Site


def network_list(*, actor: Actor) -> QuerySet[Network]:
    return actor.scope(Network.objects.all())


def site_list(*, actor: Actor) -> QuerySet[Site]:
    """The sites the actor may see, with their team size and opening hours at hand."""
    return actor.scope(
        Site.objects.select_related("network")
        .annotate(team_size=Count("memberships", distinct=True))
        .prefetch_related(Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")))
        .order_by("name", "pk")
    )


def membership_list(*, actor: Actor) -> QuerySet[Membership]:
    """The team the actor may see: the whole network for head office, one site otherwise."""
    return actor.scope(Membership.objects.select_related("user", "network", "site")).order_by(
        "site__name", "role", "user__full_name"
    )


def team_by_role(*, actor: Actor) -> list[dict]:
    """How many people hold each role in the actor's scope, for the home chart."""
    return list(membership_list(actor=actor).order_by().values("role").annotate(count=Count("id")).order_by("role"))


def audit_list(*, actor: Actor, search: str = "") -> QuerySet[AuditEntry]:
    entries = actor.scope(AuditEntry.objects.select_related("actor", "site"))
    if search:
        entries = entries.filter(
            Q(action__icontains=search) | Q(target_repr__icontains=search) | Q(actor__full_name__icontains=search)
        )
    return entries
