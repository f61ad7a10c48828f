"""Roles and what each may do: the one place that maps a role to its capabilities.

Views, API endpoints and templates ask `actor.can(Capability.X)`; none of them
looks at a role by name. A new feature adds its capability here and grants it.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Network administrator")
    HQ_COMMUNICATIONS = "hq_communications", _("Head-office communications")
    HQ_CUSTOMER_CARE = "hq_customer_care", _("Head-office customer care")
    HQ_ANALYST = "hq_analyst", _("Head-office analyst")
    SITE_MANAGER = "site_manager", _("Site manager")
    SALES_CONSULTANT = "sales_consultant", _("Sales consultant")
    SERVICE_ADVISOR = "service_advisor", _("Service advisor")
    RECEPTION = "reception", _("Reception and events")


# Head-office roles act on the whole network; the others belong to one site.
# The database enforces this pairing on Membership.
HEAD_OFFICE_ROLES = frozenset(
    {Role.NETWORK_ADMIN, Role.HQ_COMMUNICATIONS, Role.HQ_CUSTOMER_CARE, Role.HQ_ANALYST}
)
SITE_ROLES = frozenset(set(Role) - HEAD_OFFICE_ROLES)


class Capability(StrEnum):
    SITES_VIEW = "sites.view"
    SITES_MANAGE = "sites.manage"
    TEAM_VIEW = "team.view"
    TEAM_MANAGE = "team.manage"
    AUDIT_VIEW = "audit.view"
    API_ACCESS = "api.access"


_EVERYONE = {Capability.SITES_VIEW, Capability.TEAM_VIEW, Capability.API_ACCESS}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.NETWORK_ADMIN: frozenset(Capability),
    Role.HQ_COMMUNICATIONS: frozenset(_EVERYONE),
    Role.HQ_CUSTOMER_CARE: frozenset(_EVERYONE),
    Role.HQ_ANALYST: frozenset(_EVERYONE),
    # A site manager edits their own site and runs its team; the scope keeps it to that site.
    Role.SITE_MANAGER: frozenset(_EVERYONE | {Capability.SITES_MANAGE, Capability.TEAM_MANAGE}),
    Role.SALES_CONSULTANT: frozenset(_EVERYONE),
    Role.SERVICE_ADVISOR: frozenset(_EVERYONE),
    Role.RECEPTION: frozenset(_EVERYONE),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(Role(role), frozenset())
