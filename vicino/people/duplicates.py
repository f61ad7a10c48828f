"""Duplicate customers: finding the candidates, and merging two records into one.

Candidates share a normalised e-mail or phone, or have the same folded name and live in
the same city. A merge keeps every contact point, address, tag, consent event and
timeline entry of both; the record merged away stays (pointing at the survivor) so old
links still lead somewhere, and the audit log says who merged what.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import batched, chain

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
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


# Candidates are examined this many at a time, with one query per chunk, never one per candidate.
CANDIDATE_CHUNK = 500


def duplicate_groups(*, actor: Actor, limit: int = 50) -> list[DuplicateGroup]:
    """Up to `limit` groups of probable duplicates among the customers the actor may see.

    Both kinds of candidate are found by walking an index in order and stopping at `limit`
    groups (contact points by value, customers by name key), a chunk of candidates per
    query, so the page costs about the same with a thousand customers or a million;
    grouping every row first took minutes.
    """
    visible = customer_list(actor=actor).filter(erased_at__isnull=True)
    found: list[tuple[str, str, list[int]]] = []
    for reason, value, ids in chain(_shared_contacts(actor, visible), _same_name_and_city(visible)):
        if not any(set(ids) == set(other) for _r, _v, other in found):
            found.append((reason, value, ids))
        if len(found) >= limit:
            break
    customers = visible.in_bulk({pk for _r, _v, ids in found for pk in ids})
    return [DuplicateGroup(reason, value, [customers[pk] for pk in ids]) for reason, value, ids in found]


def _shared_contacts(actor: Actor, visible: QuerySet[Customer]) -> Iterator[tuple[str, str, list[int]]]:
    """(reason, value, visible customer ids) for each e-mail or phone several visible customers share."""
    # One customer holds a value once (a unique constraint), so rows per value = customers.
    shared = (
        actor.scope(ContactPoint.objects.all())
        .values_list("kind", "value")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("kind", "value")
    )
    for chunk in batched(shared.iterator(chunk_size=CANDIDATE_CHUNK), CANDIDATE_CHUNK):
        holders: dict[tuple[str, str], list[int]] = {}
        points = ContactPoint.objects.filter(customer__in=visible, value__in={value for _k, value, _n in chunk})
        for kind, value, customer_id in points.order_by("customer_id").values_list("kind", "value", "customer_id"):
            holders.setdefault((kind, value), []).append(customer_id)
        for kind, value, _n in chunk:
            ids = holders.get((kind, value), [])
            if len(ids) > 1:
                yield (_("Same e-mail") if kind == ContactPoint.Kind.EMAIL else _("Same phone")), value, ids


def _same_name_and_city(visible: QuerySet[Customer]) -> Iterator[tuple[str, str, list[int]]]:
    """(reason, "name · city", ids) for customers with the same folded name and an address in the same city."""
    for chunk in batched(_same_name_key(visible), CANDIDATE_CHUNK):
        name_of = {pk: name_key for name_key, ids in chunk for pk in ids}
        together: dict[tuple[str, str], set[int]] = {}
        cities = Address.objects.filter(customer_id__in=name_of).exclude(city="").values_list("customer_id", "city")
        for customer_id, city in cities:
            together.setdefault((name_of[customer_id], city.casefold()), set()).add(customer_id)
        for (name_key, city), ids in sorted(together.items()):
            if len(ids) > 1:
                yield _("Same name and city"), f"{name_key} · {city}", sorted(ids)


def _same_name_key(visible: QuerySet[Customer]) -> Iterator[tuple[str, list[int]]]:
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
