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
    TECHNICIAN = "technician", _("Technician")


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
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_MANAGE = "customers.manage"
    CUSTOMERS_IMPORT = "customers.import"
    CUSTOMERS_EXPORT = "customers.export"
    PRIVACY_MANAGE = "privacy.manage"
    LEADS_VIEW = "leads.view"
    LEADS_MANAGE = "leads.manage"
    VEHICLES_MANAGE = "vehicles.manage"
    SALES_REPORT = "sales.report"
    BOOKINGS_VIEW = "bookings.view"
    BOOKINGS_MANAGE = "bookings.manage"
    BOOKINGS_SETUP = "bookings.setup"
    WORKSHOP_VIEW = "workshop.view"
    # Technicians: notes, photos, findings, and the order along while they work on it.
    WORKSHOP_WORK = "workshop.work"
    # Advisors: open orders, price the work, record the owner's answers, lend courtesy cars, hand the car back.
    WORKSHOP_MANAGE = "workshop.manage"
    EVENTS_VIEW = "events.view"
    # At the door: check guests in, register walk-ins, mark a ticket paid.
    EVENTS_CHECK_IN = "events.check_in"
    # Plan events, change and cancel them, sponsorships and partners, thank-you e-mails.
    EVENTS_MANAGE = "events.manage"


_EVERYONE = {Capability.SITES_VIEW, Capability.TEAM_VIEW, Capability.API_ACCESS, Capability.CUSTOMERS_VIEW}
_FRONT_LINE = _EVERYONE | {Capability.CUSTOMERS_MANAGE}
_SALES = {Capability.LEADS_VIEW, Capability.LEADS_MANAGE}
# Everyone who meets customers at a site keeps its diary: reception books, consultants and advisors run their appointments.
_DIARY = {Capability.BOOKINGS_VIEW, Capability.BOOKINGS_MANAGE}
_WORKSHOP = {Capability.WORKSHOP_VIEW, Capability.WORKSHOP_WORK, Capability.WORKSHOP_MANAGE}
# Whoever meets customers at a site can welcome them at its events.
_DOOR = {Capability.EVENTS_VIEW, Capability.EVENTS_CHECK_IN}
_EVENTS = _DOOR | {Capability.EVENTS_MANAGE}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.NETWORK_ADMIN: frozenset(Capability),
    # Communications and analysts read customers and take lists out; they do not edit people.
    # They also plan the network's events and its yearly schedule (palinsesto), with its sponsors.
    Role.HQ_COMMUNICATIONS: frozenset(_EVERYONE | _EVENTS | {Capability.CUSTOMERS_EXPORT, Capability.SALES_REPORT}),
    # Customer care answers privacy requests (access, erasure) for the whole network.
    Role.HQ_CUSTOMER_CARE: frozenset(_FRONT_LINE | _DIARY | _DOOR | {Capability.PRIVACY_MANAGE, Capability.WORKSHOP_VIEW}),
    Role.HQ_ANALYST: frozenset(_EVERYONE | {Capability.CUSTOMERS_EXPORT, Capability.LEADS_VIEW, Capability.SALES_REPORT, Capability.BOOKINGS_VIEW,
                                     Capability.WORKSHOP_VIEW, Capability.EVENTS_VIEW}),
    # A site manager edits their own site and runs its team; the scope keeps it to that site.
    Role.SITE_MANAGER: frozenset(
        _FRONT_LINE
        | _SALES
        | _DIARY
        | _WORKSHOP
        | _EVENTS
        | {Capability.SITES_MANAGE, Capability.TEAM_MANAGE, Capability.CUSTOMERS_IMPORT, Capability.CUSTOMERS_EXPORT}
        | {Capability.VEHICLES_MANAGE, Capability.SALES_REPORT, Capability.BOOKINGS_SETUP}
    ),
    Role.SALES_CONSULTANT: frozenset(_FRONT_LINE | _SALES | _DIARY | _DOOR),
    Role.SERVICE_ADVISOR: frozenset(_FRONT_LINE | _DIARY | _WORKSHOP | _DOOR),
    # A technician works on the cars: the board and the orders; customers are read, not edited.
    Role.TECHNICIAN: frozenset(_EVERYONE | {Capability.WORKSHOP_VIEW, Capability.WORKSHOP_WORK}),
    # Reception takes walk-in and phone enquiries down; consultants follow them. It runs the site's events.
    Role.RECEPTION: frozenset(_FRONT_LINE | _SALES | _DIARY | _EVENTS | {Capability.WORKSHOP_VIEW}),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(Role(role), frozenset())
