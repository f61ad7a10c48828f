"""What each kind of timeline entry is called; every app registers the kinds it writes.

Kinds with a dot ("consent.granted", "customer.merged") are written by Vicino itself and
prove something; nobody may write them by hand (the API refuses them). Plain kinds
("call", "visit", "note") are activities anyone records.
"""

from django.utils.translation import gettext_lazy as _

_KIND_LABELS: dict[str, str] = {
    "customer.created": _("Record created"),
    "customer.merged": _("Records merged"),
    "customer.erased": _("Personal data erased"),
    "consent.granted": _("Consent granted"),
    "consent.withdrawn": _("Consent withdrawn"),
    "consent.expired": _("Consent expired"),
    "data.exported": _("Data exported"),
    "customer.imported": _("Imported"),
    "privacy.request": _("Privacy request"),
    "visit": _("Visit"),
    "call": _("Phone call"),
}


def kind_labels_register(labels: dict[str, str]) -> None:
    _KIND_LABELS.update(labels)


def kind_label(kind: str) -> str:
    return str(_KIND_LABELS.get(kind, kind))


def kind_choices() -> list[tuple[str, str]]:
    return sorted(((kind, str(label)) for kind, label in _KIND_LABELS.items()), key=lambda item: item[1])


def is_system_kind(kind: str) -> bool:
    return "." in kind
