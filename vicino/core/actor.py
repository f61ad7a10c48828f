"""Who is acting, and the one scoping function every person-facing query goes through.

An `Actor` is a user acting through one membership (network, optional site, role).
`actor.scope(queryset)` narrows any tenant queryset to what that actor may see, using
the model's `tenancy` declaration; a model without one cannot be scoped at all, so a
forgotten declaration fails loudly instead of leaking another network's rows.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

from .models import Membership, Network, Site, Tenancy, User
from .roles import Capability, capabilities_of


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership

    @property
    def network(self) -> Network:
        return self.membership.network

    @property
    def site(self) -> Site | None:
        return self.membership.site

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def is_head_office(self) -> bool:
        return self.membership.site_id is None

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(self.membership.role)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def scope[M: Model](self, queryset: QuerySet[M]) -> QuerySet[M]:
        """The rows of `queryset` this actor may see: their network, and their site if they have one."""
        tenancy = tenancy_of(queryset.model)
        queryset = queryset.filter(**{tenancy.network: self.membership.network_id})
        if self.membership.site_id is not None and tenancy.site is not None:
            mine = Q(**{tenancy.site: self.membership.site_id})
            if tenancy.shared_without_site:
                mine |= Q(**{f"{tenancy.site}__isnull": True})
            queryset = queryset.filter(mine)
        return queryset


def tenancy_of(model: type[Model]) -> Tenancy:
    tenancy = getattr(model, "tenancy", None)
    if not isinstance(tenancy, Tenancy):
        raise ImproperlyConfigured(f"{model.__name__} declares no tenancy and cannot be scoped to an actor.")
    return tenancy


def actor_for(
    *, user: User, membership_id: int | None = None, memberships: list[Membership] | None = None
) -> Actor | None:
    """The user acting through the chosen membership, else their first; None without any."""
    if memberships is None:
        memberships = user_memberships(user=user)
    chosen = next((m for m in memberships if m.pk == membership_id), None) if membership_id else None
    chosen = chosen or (memberships[0] if memberships else None)
    return Actor(user=user, membership=chosen) if chosen else None


def user_memberships(*, user: User) -> list[Membership]:
    """Every membership of a user, the places they can switch between."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("network", "site")
        .order_by("network__name", "site__name", "role")
    )
