"""Finding the customer an enquiry comes from, or making them: the one way other apps do it.

A person is the network's existing customer when one of their e-mails, else one of their
phones, is already a contact point of a live customer (not merged away, not erased). A
found customer gains the contact points they did not have; their names and addresses are
never overwritten by what an enquiry says. Everyone else becomes a new prospect, written
as `services.customer_create` would leave them (search text, name key, typo dictionary,
contact points, address, timeline, audit), but a batch at a time: the sales app's ADF
import sends thousands of people in one call.

A person typing on a public page (`unverified`) is only who their e-mail says: matched by that
address alone, and a found customer gains nothing from them. Otherwise anyone could type a
stranger's phone with their own address, join the stranger's record, and confirm consents and
invitations from their own inbox. The phone stays on a record such a person creates.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.bulk import objects_insert, values_insert
from vicino.core.italy import PROVINCE_CHOICES
from vicino.core.models import AuditEntry, Network, Site, User

from .folding import name_texts
from .importbatch import _in_query
from .models import Address, ContactPoint, Customer
from .phones import phone_normalise
from .services import email_normalise, interactions_record_many, name_words_remember

_PROVINCES = {code for code, _name in PROVINCE_CHOICES}
_LIVE_POINTS = (
    "SELECT p.value, p.customer_id FROM people_contactpoint p JOIN people_customer c ON c.id = p.customer_id"
    " WHERE p.network_id = %s AND c.merged_into_id IS NULL AND c.erased_at IS NULL AND p.kind = '{kind}' AND p.value"
)


@dataclass(frozen=True)
class PersonIn:
    """Who an enquiry comes from, as a sender gives it (not yet normalised)."""

    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    street: str = ""
    cap: str = ""
    city: str = ""
    province: str = ""
    language: str = "it"


@dataclass(frozen=True)
class Matched:
    customer_id: int
    created: bool


def customer_match_or_create(*, by: User | None, network: Network, site: Site | None, person: PersonIn, channel: str, summary: str,
                             unverified: bool = False) -> Matched:  # fmt: skip
    """The customer this person is, found or created; ValidationError when they give no name and match nobody."""
    (matched,) = customers_match_or_create(by=by, network=network, site=site, people=[person], channel=channel, summary=summary,
                                           unverified=unverified)  # fmt: skip
    if matched is None:
        raise ValidationError({"last_name": _("Give a first name, a last name or a company name.")}, code="missing_name")
    return matched


def _valid(values, normalise) -> list[str]:
    found = []
    for value in values:
        if value and value.strip():
            try:
                found.append(normalise(value))
            except ValidationError:
                continue
    return list(dict.fromkeys(found))


@transaction.atomic
def customers_match_or_create(
    *, by: User | None, network: Network, site: Site | None, people: Sequence[PersonIn], channel: str, summary: str, unverified: bool = False
) -> list[Matched | None]:
    """For each person, the customer they are (found or created), or None for a nameless stranger; `unverified`: by e-mail alone."""
    cleaned = [(_valid(p.emails, email_normalise), _valid(p.phones, phone_normalise)) for p in people]
    by_email = dict(_in_query(_LIVE_POINTS.format(kind="email"), network.pk, sorted({e for emails, _p in cleaned for e in emails})))
    by_phone = dict(_in_query(_LIVE_POINTS.format(kind="phone"), network.pk, sorted({p for _e, phones in cleaned for p in phones})))
    results: list[Matched | None] = [None] * len(people)
    new_index: dict[str, int] = {}  # a contact key of a person made new in this batch → their position in `new`
    new: list[tuple[PersonIn, list[str], list[str]]] = []
    pending: list[tuple[int, int]] = []  # (position in people, position in new)
    found_points: dict[int, list[tuple[str, str]]] = {}
    for number, (person, (emails, phones)) in enumerate(zip(people, cleaned, strict=True)):
        keys = [f"e:{e}" for e in emails] + [f"p:{p}" for p in phones]
        existing = next((by_email[e] for e in emails if e in by_email), None)
        if existing is None and not unverified:
            existing = next((by_phone[p] for p in phones if p in by_phone), None)
        if existing is not None:
            results[number] = Matched(existing, False)
            if not unverified:
                found_points.setdefault(existing, []).extend([("email", e) for e in emails] + [("phone", p) for p in phones])
            continue
        if unverified:
            keys = [f"e:{e}" for e in emails]
        twin = next((new_index[key] for key in keys if key in new_index), None)
        if twin is not None:
            pending.append((number, twin))
            _person, twin_emails, twin_phones = new[twin]
            twin_emails += [e for e in emails if e not in twin_emails]
            twin_phones += [p for p in phones if p not in twin_phones]
            for key in keys:
                new_index.setdefault(key, twin)
            continue
        if not (person.first_name.strip() or person.last_name.strip() or person.company_name.strip()):
            continue
        for key in keys:
            new_index[key] = len(new)
        pending.append((number, len(new)))
        new.append((person, emails, phones))
    created = _customers_write(by=by, network=network, site=site, new=new, channel=channel, summary=summary)
    first_of: set[int] = set()
    for number, position in pending:
        customer_id = created[position]
        results[number] = Matched(customer_id, customer_id not in first_of)
        first_of.add(customer_id)
    _points_add(network, found_points)
    return results


def _customers_write(*, by, network: Network, site: Site | None, new: list, channel: str, summary: str) -> list[int]:
    if not new:
        return []
    now = timezone.now()
    customers, words = [], set()
    for person, _emails, _phones in new:
        first, last, company = (" ".join(person.first_name.split())[:100], " ".join(person.last_name.split())[:100],
                                " ".join(person.company_name.split())[:200])  # fmt: skip
        texts = name_texts(first, last, company)
        words |= texts.words
        customers.append(Customer(
            network=network, site=site, kind=Customer.Kind.COMPANY if company and not (first or last) else Customer.Kind.PERSON,
            relation=Customer.Relation.PROSPECT, first_name=first, last_name=last, company_name=company,
            language=person.language if person.language in ("it", "en") else "it", search_text=texts.search_text,
            name_key=texts.name_key, created_at=now, updated_at=now,
        ))  # fmt: skip
    # SQLite's text indexes are kept by triggers: one statement per batch, not per row.
    objects_insert(Customer, customers, one_statement=True)
    points, addresses = [], []
    for customer, (person, emails, phones) in zip(customers, new, strict=True):
        for kind, values in ((ContactPoint.Kind.EMAIL, emails), (ContactPoint.Kind.PHONE, phones)):
            points += [{"network_id": network.pk, "customer_id": customer.pk, "kind": kind, "value": v, "is_primary": i == 0, "created_at": now}
                       for i, v in enumerate(values)]  # fmt: skip
        address = _address(customer, person)
        if address is not None:
            addresses.append(address)
    values_insert(ContactPoint, points)
    objects_insert(Address, addresses)
    name_words_remember(network_id=network.pk, words=words)
    actor = by if by is not None and by.is_authenticated else None
    values_insert(AuditEntry, [
        {"network_id": network.pk, "site_id": site.pk if site else None, "actor_id": actor.pk if actor else None, "action": "customer.create",
         "target_type": Customer._meta.label_lower, "target_id": str(c.pk), "target_repr": c.display_name[:200], "created_at": now,
         "changes": {"first_name": [None, c.first_name], "last_name": [None, c.last_name], "company_name": [None, c.company_name]}}
        for c in customers
    ])  # fmt: skip
    interactions_record_many(entries=(
        {"network_id": network.pk, "site_id": site.pk if site else None, "customer_id": c.pk, "channel": channel,
         "kind": "customer.created", "summary": summary, "actor": by, "occurred_at": now}
        for c in customers
    ))  # fmt: skip
    return [c.pk for c in customers]


def _address(customer: Customer, person: PersonIn) -> Address | None:
    """The parts of the address that are valid; none at all, no address."""
    cap = person.cap.strip() if len(person.cap.strip()) == 5 and person.cap.strip().isdigit() else ""
    province = person.province.strip().upper() if person.province.strip().upper() in _PROVINCES else ""
    street, city = person.street.strip()[:200], person.city.strip()[:100]
    if not (street or cap or city or province):
        return None
    return Address(customer=customer, street=street, cap=cap, city=city, province=province)


def _points_add(network: Network, found: dict[int, list[tuple[str, str]]]) -> None:
    """Contact points found customers did not have yet (a new phone): added, never duplicated."""
    if not found:
        return
    have: dict[int, set[tuple[str, str]]] = {}
    for customer_id, kind, value in ContactPoint.objects.filter(customer_id__in=list(found)).values_list("customer_id", "kind", "value"):
        have.setdefault(customer_id, set()).add((kind, value))
    now = timezone.now()
    rows = []
    for customer_id, points in found.items():
        known = have.get(customer_id, set())
        kinds = {kind for kind, _value in known}
        for kind, value in dict.fromkeys(points):
            if (kind, value) not in known:
                rows.append(ContactPoint(network_id=network.pk, customer_id=customer_id, kind=kind, value=value, is_primary=kind not in kinds, created_at=now))
                known.add((kind, value))
                kinds.add(kind)
    ContactPoint.objects.bulk_create(rows, ignore_conflicts=True)
