"""Importing customers from CSV or Excel: upload, check (dry run), then import in committed batches.

- Idempotent: each row is matched to an existing customer by external code, codice
  fiscale, e-mail or phone (in that order). A row that matches and says nothing new
  changes nothing; one with new values updates the customer (audited); consents are
  appended to the ledger only when they change the customer's state.
- Crash-safe: rows are applied in batches, each in one transaction together with the
  import's progress counter, so a killed import leaves whole batches only and
  `import_run` goes on from the first row not yet committed.
- Fast: a batch is matched with a handful of queries and written with bulk inserts.
"""

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.italy import PROVINCE_NAMES
from vicino.core.models import AuditEntry, Network, Site, User

from .importfile import MAX_BYTES, ImportFileError, file_read, mapping_apply, mapping_guess
from .importrows import RowResult, row_clean
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
from .search import name_words, word_variants
from .services import name_key_for, search_text_for, tags_ensure

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
REPORTED_ERRORS = 200
PROVINCES = set(PROVINCE_NAMES)
IDENTITY_FIELDS = ("kind", "first_name", "last_name", "company_name", "fiscal_code", "vat_number", "member_number", "birth_date", "language", "external_id")  # fmt: skip
ADDRESS_FIELDS = ("street", "cap", "city", "province")
CONSENT_COLUMNS = {
    "consent_marketing_email": (Purpose.MARKETING, Channel.EMAIL),
    "consent_marketing_sms": (Purpose.MARKETING, Channel.SMS),
    "consent_marketing_phone": (Purpose.MARKETING, Channel.PHONE),
    "consent_profiling": (Purpose.PROFILING, Channel.EMAIL),
}


@transaction.atomic
def import_upload(*, by: User, network: Network, site: Site | None, upload: UploadedFile) -> CustomerImport:
    """Keep the uploaded file and read its header; the column mapping starts from a guess."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(max)d MB: split it into smaller files.") % {"max": MAX_BYTES // 2**20})
    data = upload.read()
    try:
        table = file_read(data, upload.name)
    except ImportFileError as error:
        raise ValidationError(str(error.message), code=error.code) from None
    customer_import = CustomerImport(
        network=network, site=site, uploaded_by=by, filename=upload.name[-200:], sha256=hashlib.sha256(data).hexdigest(),
        headers=table.headers, mapping=mapping_guess(table.headers),
    )  # fmt: skip
    customer_import.file.save(upload.name, ContentFile(data), save=False)
    customer_import.save()
    return customer_import


def import_rows(customer_import: CustomerImport) -> Iterator[tuple[int, RowResult]]:
    """(spreadsheet row number, cleaned row) for every data row of the file, streamed."""
    with customer_import.file.open("rb") as handle:
        table = file_read(handle.read(), customer_import.filename)
    for number, values in enumerate(table.rows, start=2):
        yield number, row_clean(mapping_apply(table.headers, values, customer_import.mapping), provinces=PROVINCES)


# Files larger than this are checked by the worker while the page shows progress.
CHECK_IN_REQUEST_BYTES = 1_000_000


def import_check(*, customer_import: CustomerImport, mapping: dict[str, str], notice: PrivacyNotice | None) -> CustomerImport:
    """Save the mapping and run the dry run: at once for small files, in the background for large ones."""
    from .tasks import customer_import_check

    customer_import.mapping = {header: f for header, f in mapping.items() if f}
    customer_import.notice = notice
    if not customer_import.mapping:
        raise ValidationError(_("Choose at least one column to import."), code="no_mapping")
    consents_mapped = any(f in CONSENT_COLUMNS for f in customer_import.mapping.values())
    if consents_mapped and notice is None:
        raise ValidationError(_("The file has consent columns: choose the privacy notice those customers were shown."), code="notice_required")
    if customer_import.file.size <= CHECK_IN_REQUEST_BYTES:
        return _check(customer_import)
    customer_import.status = CustomerImport.Status.CHECKING
    customer_import.save()
    transaction.on_commit(lambda: customer_import_check.enqueue(import_id=customer_import.pk))
    return customer_import


def import_check_saved(*, import_id: int) -> CustomerImport:
    return _check(CustomerImport.objects.select_related("network").get(pk=import_id))


def _check(customer_import: CustomerImport) -> CustomerImport:
    """The dry run: clean every row, count the good and bad ones, keep the first problems; write no customer."""
    site_codes = _site_codes(customer_import.network)
    total = valid = bad = 0
    errors: list[dict] = []
    try:
        for number, row in import_rows(customer_import):
            total += 1
            row_errors = [(e.field, str(e.message)) for e in row.errors]
            code = row.data.get("site_code")
            if code and code.casefold() not in site_codes:
                row_errors.append(("site_code", _("“%(value)s” is not a site code of this network.") % {"value": code}))
            if row_errors:
                bad += 1
                errors.extend({"row": number, "field": f, "message": m} for f, m in row_errors if len(errors) < REPORTED_ERRORS)
            else:
                valid += 1
    except ImportFileError as error:
        raise ValidationError(str(error.message), code=error.code) from None
    customer_import.total_rows, customer_import.valid_rows, customer_import.error_rows = total, valid, bad
    customer_import.errors = errors
    customer_import.status = CustomerImport.Status.CHECKED
    customer_import.save()
    return customer_import


def import_start(*, by: User, customer_import: CustomerImport) -> CustomerImport:
    """Queue the import of the checked file's good rows; the page follows its progress."""
    from .tasks import customer_import_run

    if customer_import.status not in (CustomerImport.Status.CHECKED, CustomerImport.Status.RUNNING, CustomerImport.Status.FAILED):
        raise ValidationError(_("Check the file before importing it."), code="not_checked")
    CustomerImport.objects.filter(pk=customer_import.pk).update(status=CustomerImport.Status.RUNNING, failure="")
    customer_import.status = CustomerImport.Status.RUNNING
    transaction.on_commit(lambda: customer_import_run.enqueue(import_id=customer_import.pk))
    return customer_import


def import_run(*, import_id: int) -> CustomerImport:
    """Apply the file's good rows batch by batch from where the import stopped; then record it."""
    customer_import = CustomerImport.objects.select_related("network", "site", "uploaded_by", "notice").get(pk=import_id)
    if customer_import.status == CustomerImport.Status.DONE:
        return customer_import
    context = _BatchContext.build(customer_import)
    batch: list[tuple[int, RowResult]] = []
    try:
        for index, (number, row) in enumerate(import_rows(customer_import)):
            if index < customer_import.rows_done:
                continue
            batch.append((number, row))
            if len(batch) == BATCH_SIZE:
                _batch_commit(customer_import, context, batch)
                batch = []
        if batch:
            _batch_commit(customer_import, context, batch)
    except Exception as error:
        logger.exception("Import %s stopped at row %s", import_id, customer_import.rows_done)
        CustomerImport.objects.filter(pk=import_id).update(status=CustomerImport.Status.FAILED, failure=str(error)[:2000])
        raise
    with transaction.atomic():
        customer_import.status = CustomerImport.Status.DONE
        customer_import.finished_at = timezone.now()
        customer_import.save(update_fields=["status", "finished_at", "updated_at"])
        audit_record(
            by=customer_import.uploaded_by, action="customer.import", target=customer_import.network,
            changes={"file": [None, customer_import.filename], "created": [None, customer_import.created_count],
                     "updated": [None, customer_import.updated_count], "skipped": [None, customer_import.skipped_count]},
        )  # fmt: skip
    return customer_import


# --- One batch ---------------------------------------------------------------------------


@dataclass
class _BatchContext:
    network: Network
    site: Site | None
    by: User | None
    notice: PrivacyNotice | None
    filename: str
    import_id: int
    sites: dict[str, Site]
    known_words: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, customer_import: CustomerImport) -> "_BatchContext":
        return cls(
            network=customer_import.network, site=customer_import.site, by=customer_import.uploaded_by,
            notice=customer_import.notice, filename=customer_import.filename, import_id=customer_import.pk,
            sites=_site_codes(customer_import.network),
        )  # fmt: skip


def _site_codes(network: Network) -> dict[str, Site]:
    return {site.code.casefold(): site for site in Site.objects.filter(network=network)}


@transaction.atomic
def _batch_commit(customer_import: CustomerImport, context: _BatchContext, batch: list[tuple[int, RowResult]]) -> None:
    """Write one batch and advance the progress in the same transaction: all of it or none."""
    good = [(number, row.data) for number, row in batch if not row.errors and _site_ok(row.data, context)]
    created, updated, unchanged = _apply(context, good)
    customer_import.rows_done += len(batch)
    customer_import.created_count += created
    customer_import.updated_count += updated
    customer_import.unchanged_count += unchanged
    customer_import.skipped_count += len(batch) - len(good)
    customer_import.save(
        update_fields=["rows_done", "created_count", "updated_count", "unchanged_count", "skipped_count", "updated_at"]
    )


def _site_ok(data: dict, context: _BatchContext) -> bool:
    code = data.get("site_code")
    return not code or code.casefold() in context.sites


def _apply(context: _BatchContext, rows: list[tuple[int, dict]]) -> tuple[int, int, int]:
    matches = _match(context.network, [data for _n, data in rows])
    now = timezone.now()
    new: list[tuple[int, dict, Customer]] = []
    changed: list[tuple[dict, Customer, dict]] = []
    unchanged = 0
    claimed: dict[str, Customer] = {}
    for number, data in rows:
        keys = _keys(data)
        if any(k in claimed for k in keys):
            # The same person twice in one batch: the first row wins, as it would across batches.
            unchanged += 1
            continue
        customer = next((matches[k] for k in keys if k in matches), None)
        if customer is None:
            customer = _customer_build(context, data, now)
            new.append((number, data, customer))
            for key in keys:
                claimed[key] = customer
            continue
        changes = _changes(customer, data, context)
        if changes or _new_contacts(customer, data) or _consent_changes(customer, data, context):
            changed.append((data, customer, changes))
        else:
            unchanged += 1
    Customer.objects.bulk_create([customer for _n, _d, customer in new])
    _related_create(context, [(data, customer) for _n, data, customer in new], now, created=True)
    _updates_save(context, changed, now)
    return len(new), len(changed), unchanged


def _keys(data: dict) -> list[str]:
    keys = []
    if data.get("external_id"):
        keys.append("x:" + data["external_id"].casefold())
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
    customers = Customer.objects.filter(network=network, merged_into__isnull=True).prefetch_related("contact_points", "addresses", "consent_events")
    found: dict[str, Customer] = {}
    if external:
        found |= {"x:" + c.external_id.casefold(): c for c in customers.filter(external_id__in=external)}
    if fiscal:
        found |= {"f:" + c.fiscal_code: c for c in customers.filter(fiscal_code__in=fiscal)}
    by_point: dict[int, list[str]] = {}
    for kind, values, prefix in ((ContactPoint.Kind.EMAIL, emails, "e:"), (ContactPoint.Kind.PHONE, phones, "p:")):
        if values:
            points = ContactPoint.objects.filter(network=network, kind=kind, value__in=values).values_list("customer_id", "value")
            for customer_id, value in points:
                by_point.setdefault(customer_id, []).append(prefix + value)
    if by_point:
        for customer in customers.filter(pk__in=by_point):
            for key in by_point[customer.pk]:
                found.setdefault(key, customer)
    return found


def _customer_build(context: _BatchContext, data: dict, now) -> Customer:
    fields = {name: data[name] for name in IDENTITY_FIELDS if data.get(name) not in (None, "")}
    site = context.sites.get(data["site_code"].casefold()) if data.get("site_code") else context.site
    customer = Customer(network=context.network, site=site, created_at=now, **fields)
    customer.search_text = search_text_for(customer)
    customer.name_key = name_key_for(customer)
    return customer


def _changes(customer: Customer, data: dict, context: _BatchContext) -> dict:
    """Fields the row brings that differ from the record (an empty cell never erases a value)."""
    changes = {}
    for name in IDENTITY_FIELDS:
        value = data.get(name)
        if value not in (None, "") and getattr(customer, name) != value:
            changes[name] = [str(getattr(customer, name)), str(value)]
            setattr(customer, name, value)
    return changes


def _new_contacts(customer: Customer, data: dict) -> list[tuple[str, str]]:
    have = {(p.kind, p.value) for p in customer.contact_points.all()}
    wanted = [(ContactPoint.Kind.EMAIL, e) for e in data.get("emails", [])] + [(ContactPoint.Kind.PHONE, p) for p in data.get("phones", [])]
    return [point for point in dict.fromkeys(wanted) if point not in have]


def _consent_changes(customer: Customer | None, data: dict, context: _BatchContext) -> list[tuple[str, str, str]]:
    """(purpose, channel, action) for each consent column that changes the customer's current state."""
    latest: dict[tuple[str, str], str] = {}
    if customer is not None and customer.pk:
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


def _related_create(context: _BatchContext, rows: list[tuple[dict, Customer]], now, *, created: bool) -> None:
    """Contacts, addresses, tags, consents, name words and timeline entries for a batch, in bulk."""
    points, addresses, events, entries, words = [], [], [], [], set()
    tag_links: list[tuple[Customer, list[str]]] = []
    for data, customer in rows:
        existing_kinds = {p.kind for p in customer.contact_points.all()} if not created else set()
        for kind, value in _new_contacts(customer, data) if not created else _all_contacts(data):
            points.append(ContactPoint(network=context.network, customer=customer, kind=kind, value=value, is_primary=kind not in existing_kinds, created_at=now))
            existing_kinds.add(kind)
        if created and any(data.get(f) for f in ADDRESS_FIELDS):
            addresses.append(Address(customer=customer, **{f: data.get(f, "") for f in ADDRESS_FIELDS}))
        if data.get("tags"):
            tag_links.append((customer, data["tags"]))
        for purpose, channel, action in _consent_changes(customer if not created else None, data, context):
            events.append(ConsentEvent(
                network=context.network, customer=customer, purpose=purpose, channel=channel, action=action,
                source=ConsentEvent.Source.IMPORT, notice=context.notice if action == ConsentEvent.Action.GRANTED else None,
                occurred_at=now, actor=context.by, evidence=_("Import “%(file)s”") % {"file": context.filename},
            ))  # fmt: skip
        if created:
            entries.append(Interaction(
                network=context.network, site=customer.site, customer=customer, channel=Channel.OTHER, kind="customer.imported",
                occurred_at=now, actor=context.by, summary=_("Imported from “%(file)s”") % {"file": context.filename},
                ref_type="people.customerimport", ref_id=str(context.import_id),
            ))  # fmt: skip
        words |= name_words(customer.first_name, customer.last_name, customer.company_name)
    ContactPoint.objects.bulk_create(points, ignore_conflicts=True)
    Address.objects.bulk_create(addresses)
    ConsentEvent.objects.bulk_create(events)
    entries += [
        Interaction(network=context.network, site=e.customer.site, customer=e.customer, channel=e.channel, kind=f"consent.{e.action}",
                    occurred_at=now, actor=context.by, summary=_("Consent from the import “%(file)s”") % {"file": context.filename})
        for e in events
    ]  # fmt: skip
    Interaction.objects.bulk_create(entries)
    _tags_link(context.network, tag_links)
    _words_remember(context, words)


def _all_contacts(data: dict) -> list[tuple[str, str]]:
    wanted = [(ContactPoint.Kind.EMAIL, e) for e in data.get("emails", [])] + [(ContactPoint.Kind.PHONE, p) for p in data.get("phones", [])]
    return list(dict.fromkeys(wanted))


def _tags_link(network: Network, links: list[tuple[Customer, list[str]]]) -> None:
    if not links:
        return
    tags = {tag.name.casefold(): tag for tag in tags_ensure(network=network, names={n for _c, names in links for n in names})}
    through = Customer.tags.through
    rows = [through(customer_id=c.pk, tag_id=tags[n.casefold()].pk) for c, names in links for n in names if n.casefold() in tags]
    through.objects.bulk_create(rows, ignore_conflicts=True)


def _words_remember(context: _BatchContext, words: set[str]) -> None:
    fresh = words - context.known_words
    if fresh:
        NameWord.objects.bulk_create(
            [NameWord(network=context.network, word=w, variant=v) for w in fresh for v in word_variants(w)], ignore_conflicts=True
        )
        context.known_words |= fresh


def _updates_save(context: _BatchContext, changed: list[tuple[dict, Customer, dict]], now) -> None:
    """Save what changed on existing customers, audited field by field as any edit is."""
    with_changes = [(data, customer, changes) for data, customer, changes in changed if changes]
    for _data, customer, _changes in with_changes:
        customer.search_text = search_text_for(customer)
        customer.name_key = name_key_for(customer)
        customer.updated_at = now
    if with_changes:
        fields = sorted({name for _d, _c, changes in with_changes for name in changes} | {"search_text", "name_key", "updated_at"})
        Customer.objects.bulk_update([customer for _d, customer, _c in with_changes], fields)
        AuditEntry.objects.bulk_create([
            AuditEntry(network=context.network, site=customer.site, actor=context.by, action="customer.update",
                       target_type="people.customer", target_id=str(customer.pk), target_repr=str(customer)[:200], changes=changes)
            for _d, customer, changes in with_changes
        ])  # fmt: skip
    _related_create(context, [(data, customer) for data, customer, _c in changed], now, created=False)
