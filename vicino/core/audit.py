"""The audit log: every service that writes records who did what, when, and what changed."""

import datetime
import decimal
import uuid
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .actor import tenancy_of
from .models import AuditEntry, Network, Site, User

# What each action code means to a reader; every app adds its own with `action_labels_register`.
_ACTION_LABELS: dict[str, str] = {
    "network.create": _("Network created"),
    "site.create": _("Site created"),
    "site.update": _("Site changed"),
    "site.opening_hours": _("Opening hours changed"),
    "user.create": _("User created"),
    "user.password": _("Password changed"),
    "membership.create": _("Role given"),
    "membership.role": _("Role changed"),
    "membership.delete": _("Role taken away"),
}


def action_labels_register(labels: dict[str, str]) -> None:
    _ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    return str(_ACTION_LABELS.get(code, code))


def changes_apply(instance: Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the given fields on `instance`; return {field: [old, new]} for those that differ."""
    changes: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            setattr(instance, field, new)
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def snapshot(instance: Model, fields: list[str]) -> dict[str, list[Any]]:
    """The fields of a newly created record, in the shape `changes_apply` returns."""
    return {field: [None, _jsonable(getattr(instance, field))] for field in fields}


def audit_record(
    *, by: User | None, action: str, target: Model, changes: dict[str, list[Any]] | None = None
) -> AuditEntry:
    """Append one entry; the network and site come from the target's own tenancy."""
    network, site = _tenant_of(target)
    return AuditEntry.objects.create(
        network=network,
        site=site,
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
    )


def _tenant_of(target: Model) -> tuple[Network | None, Site | None]:
    tenancy = getattr(target, "tenancy", None)
    if tenancy is None:
        return None, None
    tenancy = tenancy_of(type(target))
    network = _follow(target, tenancy.network)
    site = _follow(target, tenancy.site) if tenancy.site else None
    return network, site


def _follow(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        if part != "pk":
            obj = getattr(obj, part)
        if obj is None:
            return None
    return obj


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal, uuid.UUID)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return str(value)
