"""Applying one batch of clean import rows: match existing customers, then write in bulk.

A batch is matched with a handful of IN queries; new customers and everything that
hangs off them (contacts, address, tags, consents, timeline, typo dictionary) are
written with plain multi-row INSERTs (`vicino.core.bulk`), because at a million rows
the ORM's per-object work costs more than the database's. Changes to existing
customers go through the ORM and are audited field by field, as any edit is.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.bulk import db_value, ids_reserve, rows_insert
from vicino.core.models import AuditEntry, Network, Site, User

from .models import (
    Address,
    Channel,
    ConsentEvent,
    ContactPoint,
    Customer,
    CustomerImport,
    Interaction,
    NameWord,
    PrivacyNotice,
    Purpose,
)
from .folding import name_texts, name_words
from .search import word_variants
from .services import name_key_for, search_text_for, tags_ensure

IDENTITY_FIELDS = ("kind", "first_name", "last_name", "company_name", "fiscal_code", "vat_number", "member_number", "birth_date", "language", "external_id")  # fmt: skip
ADDRESS_FIELDS = ("street", "cap", "city", "province")
CONSENT_COLUMNS = {
    "consent_marketing_email": (Purpose.MARKETING, Channel.EMAIL),
    "consent_marketing_sms": (Purpose.MARKETING, Channel.SMS),
    "consent_marketing_phone": (Purpose.MARKETING, Channel.PHONE),
    "consent_profiling": (Purpose.PROFILING, Channel.EMAIL),
}
CUSTOMER_COLUMNS = (
    "id", "network_id", "site_id", "kind", "relation", "first_name", "last_name", "company_name", "fiscal_code", "vat_number",
    "birth_date", "language", "preferred_channel", "member_number", "member_card", "external_id", "notes", "search_text",
    "name_key", "created_at", "updated_at",
)  # fmt: skip


@dataclass
class BatchContext:
    """What every batch of one import shares."""

    network: Network
    site: Site | None
    by: User | None
    notice: PrivacyNotice | None
    filename: str
    import_id: int
    sites: dict[str, Site]
    known_words: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Read once: a model's .pk is a property call, and these are read for every row.
        self.network_id = self.network.pk
        self.by_id = self.by.pk if self.by else None

    @cached_property
    def consent_evidence(self) -> str:
        return _("Import “%(file)s”") % {"file": self.filename}

    @cached_property
    def consent_summary(self) -> str:
        return _("Consent from the import “%(file)s”") % {"file": self.filename}

    @cached_property
    def import_summary(self) -> str:
        return _("Imported from “%(file)s”") % {"file": self.filename}


def site_codes(network: Network) -> dict[str, Site]:
    return {site.code.casefold(): site for site in Site.objects.filter(network=network)}


def row_derive(data: dict) -> None:
    """Add what a new customer needs beyond the cleaned fields and that needs no database:
    the search text, the name key and the typo dictionary's words. Pure CPU, so the import
    runs it in its cleaning workers, in parallel with the batches being written. (The rest
    of a new customer's row is made as it is written: kept with the checked rows it made
    them half as large again, and the check a quarter slower.)"""
    texts = name_texts(data.get("first_name", ""), data.get("last_name", ""), data.get("company_name", ""), data.get("member_number", ""))
    data["search_text"], data["name_key"], data["name_words"] = texts


Problem = dict  # {"row", "field", "message"}, as the check reports them


def batch_apply(context: BatchContext, rows: list[tuple[int, dict]]) -> tuple[int, int, int, list[Problem]]:
    """Write a batch of good rows; returns (created, updated, unchanged, [rows that could not be]).
    The caller holds the transaction."""
    matches = _match(context.network, [data for _n, data in rows])
    now = db_value(timezone.now())
    new, matched, repeated = rows_sort(rows, lambda keys: next((matches[key] for key in keys if key in matches), None) if matches else None)
    new, matched, problems = member_numbers_clashing(context, new, matched)
    _new_write(context, [data for _number, data, _keys in new], now)
    updated, unchanged = matched_apply(context, matched, now)
    return len(new), updated, unchanged + repeated, problems


Row = tuple[int, dict]


def rows_sort(
    rows: list[Row], find: Callable[[list[str]], object | None]
) -> tuple[list[tuple[int, dict, list[str]]], list[tuple[int, dict, object]], int]:
    """([(number, new row, its keys)], [(number, row, the customer `find` matched it to)],
    rows repeating an earlier one of the batch)."""
    new: list[tuple[int, dict, list[str]]] = []
    matched: list[tuple[int, dict, object]] = []
    repeated = 0
    claimed: set[str] = set()
    for number, data in rows:
        keys = _keys(data)
        if not claimed.isdisjoint(keys):
            # The same person twice in one batch: the first row wins, as it would across batches.
            repeated += 1
            continue
        claimed.update(keys)
        customer = find(keys)
        if customer is None:
            new.append((number, data, keys))
        else:
            matched.append((number, data, customer))
    return new, matched, repeated


def member_numbers_clashing(context: BatchContext, new: list, matched: list) -> tuple[list, list, list[Problem]]:
    """The new and matched rows without those whose member number is another customer's
    (of the network, or of an earlier row of the batch), and the problems to report for them.

    A member number is one member's: the uniqueness index would refuse the batch, and the
    check only sees the file, not the customers already there.
    """
    wanted = {data["member_number"] for _n, data, *_rest in new if data.get("member_number")}
    wanted |= {data["member_number"] for _n, data, customer in matched if data.get("member_number") and data["member_number"] != customer.member_number}
    if not wanted:
        return new, matched, []
    # The condition of the partial unique index, written out for both planners to use it.
    in_use = "SELECT id, member_number FROM people_customer WHERE network_id = %s AND NOT (member_number = '') AND member_number"
    owners = {member: pk for pk, member in _in_query(in_use, context.network_id, sorted(wanted))}
    problems: list[Problem] = []

    def keep(number: int, data: dict, customer: Customer | None) -> bool:
        member = data.get("member_number")
        if not member or (customer is not None and member == customer.member_number):
            return True
        owner = owners.get(member)
        if owner is not None and (customer is None or owner != customer.pk):
            problems.append(member_number_problem(number, member))
            return False
        owners[member] = customer.pk if customer is not None else -number  # taken by this row now
        return True

    new = [row for row in new if keep(row[0], row[1], None)]
    matched = [row for row in matched if keep(row[0], row[1], row[2])]
    return new, matched, problems


def member_number_problem(number: int, member: str) -> Problem:
    return {"row": number, "field": "member_number", "message": _("The member number “%(value)s” already belongs to another customer.") % {"value": member}}


def matched_apply(context: BatchContext, matched: list[tuple[int, dict, Customer]], now) -> tuple[int, int]:
    """Apply rows to the existing customers they matched; returns (updated, unchanged)."""
    changed: list[tuple[dict, Customer, dict]] = []
    for _number, data, customer in matched:
        changes = _changes(customer, data)
        if changes or _contacts_missing(customer, data) or _consent_actions(customer, data, context):
            changed.append((data, customer, changes))
    _updates_write(context, changed, now)
    return len(changed), len(matched) - len(changed)


def customers_for_update(network: Network, ids: Iterable[int]) -> dict[int, Customer]:
    """The live customers with these ids, with what `matched_apply` compares a row with."""
    base = Customer.objects.filter(network=network, merged_into__isnull=True).order_by()
    customers = base.filter(pk__in=set(ids)).prefetch_related("contact_points", "consent_events", "addresses")
    return {customer.pk: customer for customer in customers}


def _keys(data: dict) -> list[str]:
    keys = []
    if data.get("external_id"):
        keys.append("x:" + data["external_id"])  # as the uniqueness index compares them: exactly
    if data.get("fiscal_code"):
        keys.append("f:" + data["fiscal_code"])
    keys += ["e:" + email for email in data.get("emails", [])]
    keys += ["p:" + phone for phone in data.get("phones", [])]
    return keys


def _match(network: Network, rows: list[dict]) -> dict[str, Customer]:
    """Existing customers for the batch's keys: a few IN queries instead of one per row."""
    external = {d["external_id"] for d in rows if d.get("external_id")}
    fiscal = {d["fiscal_code"] for d in rows if d.get("fiscal_code")}
    emails = {e for d in rows for e in d.get("emails", [])}
    phones = {p for d in rows for p in d.get("phones", [])}
    # Plain SQL: the ORM's work on a thousand IN parameters costs more than the lookups.
    # Each query runs on its own index: the partial unique one on external codes (SQLite
    # uses it only when the query repeats its condition word for word), the fiscal
    # code's, and the contact points' lookup index.
    live = "network_id = %s AND merged_into_id IS NULL"
    found_ids: dict[str, int] = {}
    for prefix, values, sql in (
        ("x:", external, f"SELECT id, external_id FROM people_customer WHERE {live} AND NOT (external_id = '') AND external_id"),
        ("f:", fiscal, f"SELECT id, fiscal_code FROM people_customer WHERE {live} AND fiscal_code"),
        ("e:", emails, "SELECT p.customer_id, p.value FROM people_contactpoint p JOIN people_customer c ON c.id = p.customer_id"
                       " WHERE p.network_id = %s AND c.merged_into_id IS NULL AND p.kind = 'email' AND p.value"),
        ("p:", phones, "SELECT p.customer_id, p.value FROM people_contactpoint p JOIN people_customer c ON c.id = p.customer_id"
                       " WHERE p.network_id = %s AND c.merged_into_id IS NULL AND p.kind = 'phone' AND p.value"),
    ):  # fmt: skip
        if values:
            for pk, value in _in_query(sql, network.pk, sorted(values)):
                found_ids.setdefault(prefix + value, pk)
    if not found_ids:
        return {}
    by_pk = customers_for_update(network, found_ids.values())
    return {key: by_pk[pk] for key, pk in found_ids.items() if pk in by_pk}


def _in_query(sql: str, network_id: int, values: list[str]) -> list[tuple[int, str]]:
    """`sql` (ending with the column) restricted to `values`: one array parameter on PostgreSQL, IN lists on SQLite."""
    found = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{sql} = ANY(%s)", [network_id, values])
            return cursor.fetchall()
        for start in range(0, len(values), 900):
            chunk = values[start : start + 900]
            cursor.execute(f"{sql} IN ({', '.join(['%s'] * len(chunk))})", [network_id, *chunk])
            found += cursor.fetchall()
    return found


def _plain(value):
    return str(value) if isinstance(value, str) else value


POINT_COLUMNS = ("network_id", "customer_id", "kind", "value", "label", "is_primary", "created_at")
ADDRESS_COLUMNS = ("customer_id", "label", "street", "cap", "city", "province", "country", "is_primary")
EVENT_COLUMNS = (
    "network_id", "customer_id", "purpose", "channel", "action", "source", "notice_id", "occurred_at", "actor_id", "ip_address",
    "user_agent", "double_opt_in_at", "evidence", "created_at",
)  # fmt: skip
ENTRY_COLUMNS = ("network_id", "site_id", "customer_id", "channel", "kind", "occurred_at", "actor_id", "summary", "ref_type", "ref_id", "created_at")

# Plain values (a choice's text, not its enum member: marshal keeps only plain types); the
# timestamps are the batch's own.
_CUSTOMER_DEFAULTS = {
    name: None if name in ("created_at", "updated_at") else _plain(Customer._meta.get_field(name).get_default())
    for name in CUSTOMER_COLUMNS if name not in ("id", "network_id", "site_id")
}  # fmt: skip
# Each customer column after id, network and site: the row's field it comes from ("\0", a
# key no row has, for the columns an import does not set) and its default.
_FROM_ROW = tuple((name if name in IDENTITY_FIELDS else "\0", _CUSTOMER_DEFAULTS[name]) for name in CUSTOMER_COLUMNS[3:])


def customer_row(context: BatchContext, data: dict, now, pk: int) -> tuple:
    """The new customer's row in CUSTOMER_COLUMNS order, straight from the clean row (no model
    instance: a million of them cost more than their INSERT). An empty cell takes the default."""
    if "search_text" not in data:
        row_derive(data)
    get = data.get
    values = [get(field_name) or default for field_name, default in _FROM_ROW]
    if (born := values[_BIRTH_DATE]) and not isinstance(born, str):
        values[_BIRTH_DATE] = born.isoformat()  # the check's rows may hold the ISO text already
    values[_SEARCH_TEXT], values[_NAME_KEY] = data["search_text"], data["name_key"]
    values[_CREATED_AT] = values[_CREATED_AT + 1] = now
    return (pk, context.network_id, site_id_of(context, data), *values)


def site_id_of(context: BatchContext, data: dict) -> int | None:
    """The site that follows the new customer: the row's site code, else the import's site."""
    code = data.get("site_code")
    site = context.sites.get(code.casefold()) if code else context.site
    return site.pk if site else None


_BIRTH_DATE, _SEARCH_TEXT, _NAME_KEY, _CREATED_AT = (CUSTOMER_COLUMNS.index(name) - 3 for name in ("birth_date", "search_text", "name_key", "created_at"))


def _changes(customer: Customer, data: dict) -> dict:
    """Fields the row brings that differ from the record (an empty cell never erases a value)."""
    changes = {}
    for name in IDENTITY_FIELDS:
        value = data.get(name)
        if value not in (None, "") and getattr(customer, name) != value:
            changes[name] = [str(getattr(customer, name)), str(value)]
            setattr(customer, name, value)
    return changes


_EMAIL, _PHONE = ContactPoint.Kind.EMAIL.value, ContactPoint.Kind.PHONE.value


def _contacts(data: dict) -> list[tuple[str, str]]:
    wanted = [(_EMAIL, e) for e in data.get("emails", [])] + [(_PHONE, p) for p in data.get("phones", [])]
    return list(dict.fromkeys(wanted))


def _contacts_missing(customer: Customer, data: dict) -> list[tuple[str, str]]:
    have = {(p.kind, p.value) for p in customer.contact_points.all()}
    return [point for point in _contacts(data) if point not in have]


def _consent_actions(customer: Customer | None, data: dict, context: BatchContext) -> list[tuple[str, str, str]]:
    """(purpose, channel, action) for each consent column that changes the customer's current state."""
    latest: dict[tuple[str, str], str] = {}
    if customer is not None:
        for event in sorted(customer.consent_events.all(), key=lambda e: (e.occurred_at, e.pk)):
            latest[(event.purpose, event.channel)] = event.action
    actions = []
    for column, (purpose, channel) in CONSENT_COLUMNS.items():
        wanted = data.get(column)
        granted_now = latest.get((purpose, channel)) == ConsentEvent.Action.GRANTED
        if wanted is True and not granted_now and context.notice is not None:
            actions.append((purpose, channel, ConsentEvent.Action.GRANTED))
        elif wanted is False and granted_now:
            actions.append((purpose, channel, ConsentEvent.Action.WITHDRAWN))
    return actions


class _Writes:
    """The rows of one batch for each table, inserted together at the end."""

    def __init__(self) -> None:
        self.points: list[tuple] = []
        self.addresses: list[tuple] = []
        self.events: list[tuple] = []
        self.entries: list[tuple] = []
        self.tags: list[tuple[int, list[str]]] = []
        self.words: set[str] = set()

    def related(self, context: BatchContext, customer_id: int, site_id: int | None, data: dict, *, points, primary_kinds, consents, now) -> None:
        network_id, by_id = context.network_id, context.by_id
        for kind, value in points:
            self.points.append((network_id, customer_id, kind, value, "", kind not in primary_kinds, now))
            primary_kinds.add(kind)
        if data.get("tags"):
            self.tags.append((customer_id, data["tags"]))
        for purpose, channel, action in consents:
            notice_id = context.notice.pk if action == ConsentEvent.Action.GRANTED else None
            self.events.append((network_id, customer_id, purpose, channel, action, ConsentEvent.Source.IMPORT, notice_id, now, by_id, None, "", None, context.consent_evidence, now))
            self.entries.append((network_id, site_id, customer_id, channel, f"consent.{action}", now, by_id, context.consent_summary, "", "", now))

    def flush(self, context: BatchContext) -> None:
        rows_insert(ContactPoint, POINT_COLUMNS, self.points, ignore_conflicts=True)
        rows_insert(Address, ADDRESS_COLUMNS, self.addresses)
        rows_insert(ConsentEvent, EVENT_COLUMNS, self.events)
        rows_insert(Interaction, ENTRY_COLUMNS, self.entries)
        tags_link(context.network, self.tags)
        words_remember(context, self.words)


def words_remember(context: BatchContext, words: set[str]) -> None:
    """Teach the typo dictionary the name words it does not know yet."""
    fresh = words - context.known_words
    if fresh:
        rows_insert(NameWord, ("network_id", "word", "variant"), [(context.network_id, w, v) for w in fresh for v in word_variants(w)], ignore_conflicts=True)
        context.known_words |= fresh


def _new_write(context: BatchContext, new: list[dict], now) -> None:
    ids = ids_reserve(Customer, len(new))
    writes = _Writes()
    customer_rows = []
    summary, network_id, by_id, import_id = context.import_summary, context.network_id, context.by_id, str(context.import_id)
    for pk, data in zip(ids, new):
        row = customer_row(context, data, now, pk)
        customer_rows.append(row)
        site_id = row[2]
        if any(data.get(f) for f in ADDRESS_FIELDS):
            writes.addresses.append((pk, "", data.get("street", ""), data.get("cap", ""), data.get("city", ""), data.get("province", ""), "IT", True))
        writes.entries.append((network_id, site_id, pk, Channel.OTHER, "customer.imported", now, by_id, summary, "people.customerimport", import_id, now))
        writes.related(context, pk, site_id, data, points=_contacts(data), primary_kinds=set(), consents=_consent_actions(None, data, context), now=now)
        writes.words |= data["name_words"]
    rows_insert(Customer, CUSTOMER_COLUMNS, customer_rows, one_statement=True)
    writes.flush(context)


def _updates_write(context: BatchContext, changed: list[tuple[dict, Customer, dict]], now) -> None:
    """Save what changed on existing customers, audited field by field as any edit is."""
    with_changes = [(customer, changes) for _data, customer, changes in changed if changes]
    for customer, _changes in with_changes:
        customer.search_text = search_text_for(customer)
        customer.name_key = name_key_for(customer)
        customer.updated_at = timezone.now()
    if with_changes:
        fields = sorted({name for _c, changes in with_changes for name in changes} | {"search_text", "name_key", "updated_at"})
        Customer.objects.bulk_update([customer for customer, _c in with_changes], fields)
        AuditEntry.objects.bulk_create([
            AuditEntry(network=context.network, site=customer.site, actor=context.by, action="customer.update",
                       target_type="people.customer", target_id=str(customer.pk), target_repr=str(customer)[:200], changes=changes)
            for customer, changes in with_changes
        ])  # fmt: skip
    writes = _Writes()
    for data, customer, _changes in changed:
        primary = {p.kind for p in customer.contact_points.all()}
        if not customer.addresses.all() and any(data.get(f) for f in ADDRESS_FIELDS):
            writes.addresses.append((customer.pk, "", data.get("street", ""), data.get("cap", ""), data.get("city", ""), data.get("province", ""), "IT", True))
        writes.related(
            context, customer.pk, customer.site_id, data, points=_contacts_missing(customer, data), primary_kinds=primary,
            consents=_consent_actions(customer, data, context), now=now,
        )  # fmt: skip
        writes.words |= name_words(customer.first_name, customer.last_name, customer.company_name)
    writes.flush(context)


def tags_link(network: Network, links: list[tuple[int, list[str]]]) -> None:
    if not links:
        return
    tags = {tag.name.casefold(): tag for tag in tags_ensure(network=network, names={n for _c, names in links for n in names})}
    through = Customer.tags.through
    rows = [(customer_id, tags[n.casefold()].pk) for customer_id, names in links for n in names if n.casefold() in tags]
    rows_insert(through, ("customer_id", "tag_id"), rows, ignore_conflicts=True)


# The problems an import reports on its page: the first ones, enough to fix a file by.
REPORTED_ERRORS = 200


def progress_save(customer_import: CustomerImport, *, rows: int, created: int, updated: int, unchanged: int, skipped: int, problems: list[dict]) -> None:
    """Count a written batch in the import's progress (in the batch's transaction); the rows
    it could not write join the check's report, unless the check reported them already."""
    customer_import.rows_done += rows
    customer_import.created_count += created
    customer_import.updated_count += updated
    customer_import.unchanged_count += unchanged
    customer_import.skipped_count += skipped + len(problems)
    reported = {error["row"] for error in customer_import.errors}
    fresh = [problem for problem in problems if problem["row"] not in reported]
    customer_import.errors = customer_import.errors + fresh[: max(0, REPORTED_ERRORS - len(customer_import.errors))]
    customer_import.save(
        update_fields=["rows_done", "created_count", "updated_count", "unchanged_count", "skipped_count", "errors", "updated_at"]
    )
