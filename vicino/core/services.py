"""Every write to networks, sites, users and memberships: one function, one transaction, one audit entry."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import invitations
from .audit import audit_record, changes_apply, snapshot
from .models import Membership, Network, OpeningHours, Site, User
from .roles import HEAD_OFFICE_ROLES, Role

SITE_EDITABLE_FIELDS = ("name", "kind", "street", "cap", "city", "province", "phone", "email", "is_active")


@transaction.atomic
def network_create(*, by: User | None, name: str, slug: str, kind: str) -> Network:
    """Open a new tenant: a brand or a cooperative."""
    network = Network(name=name, slug=slug, kind=kind)
    network.full_clean()
    network.save()
    audit_record(by=by, action="network.create", target=network, changes=snapshot(network, ["name", "slug", "kind"]))
    return network


@transaction.atomic
def site_create(*, by: User | None, network: Network, code: str, **fields: Any) -> Site:
    """Add a site (dealership, store, mall, office) to a network."""
    site = Site(network=network, code=code, **fields)
    site.full_clean()
    site.save()
    audit_record(by=by, action="site.create", target=site, changes=snapshot(site, ["code", *fields]))
    return site


@transaction.atomic
def site_update(*, by: User | None, site: Site, data: dict[str, Any]) -> Site:
    """Change a site's details; only the fields that really changed are saved and audited."""
    unknown = set(data) - set(SITE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changes = changes_apply(site, data)
    if not changes:
        return site
    site.full_clean()
    site.save(update_fields=[*changes, "updated_at"])
    audit_record(by=by, action="site.update", target=site, changes=changes)
    return site


@transaction.atomic
def opening_hours_set(
    *, by: User | None, site: Site, intervals: list[tuple[int, datetime.time, datetime.time]]
) -> list[OpeningHours]:
    """Replace a site's weekly opening hours with the given (weekday, opens, closes) intervals."""
    rows = [OpeningHours(site=site, weekday=day, opens_at=opens, closes_at=closes) for day, opens, closes in sorted(intervals)]
    for row in rows:
        row.full_clean(exclude=["site"])
    for earlier, later in zip(rows, rows[1:]):
        if earlier.weekday == later.weekday and later.opens_at < earlier.closes_at:
            raise ValidationError(_("Opening intervals on the same day must not overlap."), code="overlap")
    before = [str(row) for row in site.opening_hours.all()]
    site.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(rows)
    after = [str(row) for row in rows]
    if before != after:
        audit_record(by=by, action="site.opening_hours", target=site, changes={"opening_hours": [before, after]})
    return rows


@transaction.atomic
def user_create(
    *, by: User | None, email: str, full_name: str, password: str | None = None, language: str = "it"
) -> User:
    """Create a staff user; without a password they set one through the reset link."""
    user = User(email=User.objects.normalize_email(email).lower(), full_name=full_name, language=language)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if User.objects.filter(email__iexact=user.email).exists():
        raise ValidationError({"email": _("A user with this e-mail already exists.")}, code="duplicate")
    user.save()
    audit_record(by=by, action="user.create", target=user, changes=snapshot(user, ["email", "full_name", "language"]))
    return user


@transaction.atomic
def user_password_set(*, by: User | None, user: User, password: str) -> User:
    """Set a new password (reset link or change); the value never reaches the log."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(by=by or user, action="user.password", target=user, changes={"password": ["", ""]})
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Remember the interface language a user chose."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def membership_create(*, by: User | None, user: User, network: Network, role: str, site: Site | None = None) -> Membership:
    """Give a user a role in a network, at a site for site roles."""
    if site is not None and site.network_id != network.pk:
        raise ValidationError({"site": _("The site belongs to another network.")}, code="wrong_network")
    if role in HEAD_OFFICE_ROLES and site is not None:
        raise ValidationError({"site": _("A head-office role cannot be tied to a site.")}, code="site_not_allowed")
    if role not in HEAD_OFFICE_ROLES and site is None:
        raise ValidationError({"site": _("This role needs a site.")}, code="site_required")
    duplicate = Membership.objects.filter(user=user, network=network, site=site).exists()
    if duplicate:
        raise ValidationError(_("%(user)s already has a role there.") % {"user": user}, code="duplicate")
    membership = Membership(user=user, network=network, site=site, role=role)
    membership.full_clean()
    membership.save()
    audit_record(by=by, action="membership.create", target=membership, changes=snapshot(membership, ["user", "site", "role"]))
    return membership


@transaction.atomic
def team_member_add(
    *, by: User, network: Network, site: Site | None, email: str, full_name: str, role: str, base_url: str
) -> Membership:
    """Give a person a role; someone new to Vicino gets an e-mail to choose their password."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    invite = user is None
    if user is None:
        user = user_create(by=by, email=email, full_name=full_name, language=by.language)
    membership = membership_create(by=by, user=user, network=network, site=site, role=role)
    if invite:
        transaction.on_commit(lambda: invitations.invitation_send(membership=membership, by=by, base_url=base_url))
    return membership


@transaction.atomic
def membership_role_set(*, by: User | None, membership: Membership, role: str) -> Membership:
    """Change what a member does at the same place."""
    if (role in HEAD_OFFICE_ROLES) != (membership.site_id is None):
        raise ValidationError({"role": _("Head-office and site roles cannot be swapped: choose a role of the same kind.")}, code="role_place")
    changes = changes_apply(membership, {"role": Role(role)})
    if changes:
        membership.save(update_fields=["role", "updated_at"])
        audit_record(by=by, action="membership.role", target=membership, changes=changes)
    return membership


@transaction.atomic
def membership_delete(*, by: User | None, membership: Membership) -> None:
    """Take a user's role away; their other memberships stay."""
    audit_record(by=by, action="membership.delete", target=membership, changes={"role": [membership.role, None]})
    membership.delete()
