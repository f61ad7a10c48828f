"""Duplicate customers: finding the candidates, and merging two records into one.

Candidates share a normalised e-mail or phone, or have the same folded name and live in
the same city. A merge keeps every contact point, address, tag, consent event and
timeline entry of both; the record merged away stays (pointing at the survivor) so old
links still lead somewhere, and the audit log says who merged what.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from vicino.core.actor import Actor
from vicino.core.audit import audit_record
from vicino.core.models import User

from .models import Address, Channel, ConsentEvent, ContactPoint, Customer, CustomerLink, Interaction, PrivacyRequest
from .queries import customer_list
from .services import interaction_record, search_text_refresh

MERGE_FILLED_FIELDS = (
    "first_name", "last_name", "company_name", "fiscal_code", "vat_number", "birth_date", "preferred_channel",
    "member_number", "member_card", "external_id", "notes", "site",
)  # fmt: skip


@dataclass(frozen=True)
class DuplicateGroup:
    """Customers that are probably the same, and why."""

    reason: str
    value: str
    customers: list[Customer]


def duplicate_groups(*, actor: Actor, limit: int = 50) -> list[DuplicateGroup]:
    """Up to `limit` groups of probable duplicates among the customers the actor may see.

    Both kinds of candidate are found by walking an index in order and stopping at `limit`
    groups (contact points by value, customers by name key), so the page costs the same
    with a thousand customers or a million; grouping every row first took minutes.
    """
    visible = customer_list(actor=actor).filter(erased_at__isnull=True)
    groups: list[DuplicateGroup] = []
    # One customer holds a value once (a unique constraint), so rows per value = customers.
    shared = (
        actor.scope(ContactPoint.objects.all())
        .values("kind", "value")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("kind", "value")
    )
    for row in shared.iterator(chunk_size=limit):
        members = list(visible.filter(contact_points__kind=row["kind"], contact_points__value=row["value"]).distinct())
        if len(members) > 1:
            reason = _("Same e-mail") if row["kind"] == ContactPoint.Kind.EMAIL else _("Same phone")
            groups.append(DuplicateGroup(reason, row["value"], members))
            if len(groups) >= limit:
                return groups
    for name_key, ids in _same_name_key(actor, visible):
        by_city: dict[str, list[Customer]] = {}
        for customer in visible.filter(pk__in=ids).prefetch_related("addresses"):
            for city in {address.city.casefold() for address in customer.addresses.all() if address.city}:
                by_city.setdefault(city, []).append(customer)
        for city, members in sorted(by_city.items()):
            if len(members) > 1 and not any(set(members) == set(g.customers) for g in groups):
                groups.append(DuplicateGroup(_("Same name and city"), f"{name_key} · {city}", members))
                if len(groups) >= limit:
                    return groups
    return groups


def _same_name_key(actor: Actor, visible) -> Iterator[tuple[str, list[int]]]:
    """(name key, customer ids) for each name key that several visible customers share, in order."""
    rows = visible.exclude(name_key="").order_by("name_key").values_list("name_key", "pk")
    current, ids = None, []
    for name_key, pk in rows.iterator(chunk_size=2000):
        if name_key != current:
            if len(ids) > 1:
                yield current, ids
            current, ids = name_key, []
        ids.append(pk)
    if len(ids) > 1:
        yield current, ids


@transaction.atomic
def customer_merge(*, by: User | None, keep: Customer, merge_away: Customer) -> Customer:
    """Fold `merge_away` into `keep`: every contact, consent and timeline entry ends up on `keep`."""
    if keep.pk == merge_away.pk or keep.network_id != merge_away.network_id:
        raise ValidationError(_("Choose two different customers of the same network."), code="same_customer")
    if keep.erased_at or merge_away.erased_at or merge_away.merged_into_id:
        raise ValidationError(_("Erased or already merged customers cannot be merged."), code="not_mergeable")
    filled = {}
    for name in MERGE_FILLED_FIELDS:
        mine, theirs = getattr(keep, name), getattr(merge_away, name)
        if not mine and theirs:
            filled[name] = [None, str(theirs)]
            setattr(keep, name, theirs)
    # Identifiers unique in the network move over: clear them on the other record first.
    Customer.objects.filter(pk=merge_away.pk).update(member_number="", external_id="")
    keep.save()
    have = set(keep.contact_points.values_list("kind", "value"))
    repeated = [p.pk for p in merge_away.contact_points.all() if (p.kind, p.value) in have]
    ContactPoint.objects.filter(pk__in=repeated).delete()
    ContactPoint.objects.filter(customer=merge_away).update(customer=keep, is_primary=False)
    Address.objects.filter(customer=merge_away).update(customer=keep, is_primary=False)
    keep.tags.add(*merge_away.tags.all())
    # The ledger's trigger allows exactly this change: moving events to the surviving customer.
    ConsentEvent.objects.filter(customer=merge_away).update(customer=keep)
    Interaction.objects.filter(customer=merge_away).update(customer=keep)
    PrivacyRequest.objects.filter(customer=merge_away).update(customer=keep)
    CustomerLink.objects.filter(from_customer=merge_away).exclude(to_customer=keep).update(from_customer=keep)
    CustomerLink.objects.filter(to_customer=merge_away).exclude(from_customer=keep).update(to_customer=keep)
    CustomerLink.objects.filter(Q(from_customer=merge_away) | Q(to_customer=merge_away)).delete()
    Customer.objects.filter(pk=merge_away.pk).update(merged_into=keep, search_text="", name_key="")
    search_text_refresh(keep)
    interaction_record(
        customer=keep, channel=Channel.OTHER, kind="customer.merged", actor=by,
        summary=_("Merged with the duplicate record “%(name)s” (no. %(id)s)") % {"name": merge_away.display_name, "id": merge_away.pk},
    )  # fmt: skip
    audit_record(by=by, action="customer.merge", target=keep, changes={"merged": [merge_away.pk, keep.pk], **filled})
    return keep
