"""A large first import on SQLite: the indexes built once at the end, the rows planned by a second process.

When a file brings at least as many customers as the database holds (a network's first
import, typically), keeping the name, codice fiscale, contact and text indexes in step row
by row costs more than writing the rows: SQLite builds each of them from sorted keys in a
second or two. So a bulk load

1. drops those indexes and the text indexes' triggers (`DEFERRED`), keeping every
   uniqueness index, so no duplicate member number or external code can get in meanwhile;
2. runs two processes on the machine's two cores: a *planner* (forked) reads the checked
   rows, matches them against the network's customers and the file's earlier rows with a
   dictionary of their keys (e-mails, phones, codici fiscali, external codes: the indexes
   that would answer are the ones dropped), gives the new customers their ids and writes
   their rows into a staging database of its own; the *writer* (this process) copies each
   staged batch into the real tables with INSERT … SELECT, derives addresses, consents and
   timeline entries in the same statements, applies the few rows that update an existing
   customer as any import does, and commits the batch with the import's progress;
3. builds the indexes again and rebuilds the text indexes, also when the import fails.

A killed import leaves whole batches, as always, and the indexes out until it is resumed
(which loads in bulk again, then builds them) or the daily tasks put them back. Customers
added in the web pages while a bulk load runs are found by the search once it ends. The
planner matches what the network held when the load started and what the file brought
since: a customer added in the pages meanwhile who holds a row's external code or member
number makes a uniqueness index refuse the batch, and the rest of the file is imported the
usual way; one who shares only an e-mail, a phone or a codice fiscale with a row becomes
a duplicate candidate for the duplicates page.
"""

import logging
import multiprocessing
import os
import sqlite3
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from vicino.core.bulk import collector_paused, db_value, ids_reserve, indexes_drop, indexes_restore

from . import importbatch, importcache
from .dbobjects import database_objects_install, search_trigger_names, search_triggers_drop
from .models import Channel, ConsentEvent, ContactPoint, Customer, CustomerImport

logger = logging.getLogger(__name__)

# A bulk load pays for building the indexes of the whole table again: it is worth it when
# the file's rows are at least as many as the customers already there, and many.
MIN_ROWS = 50_000
DEFERRED = {Customer: ("customer_network_name_order", "customer_network_fiscal_code", "customer_network_name_key"), ContactPoint: ("contact_point_lookup",)}

_STAGED_CUSTOMER = importbatch.CUSTOMER_COLUMNS + ("street", "cap", "city", "province", *importbatch.CONSENT_COLUMNS)
_STAGED_POINT = ("customer_id", "kind", "value", "is_primary")


def bulk_applies(customer_import: CustomerImport) -> bool:
    """Whether this import loads in bulk: SQLite, the check's rows at hand, and many rows left
    against few customers, or this import was loading in bulk when it was killed."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False  # (inside a caller's transaction its batches could not be committed one by one)
    if not importcache.checked_rows_ready(customer_import):
        return False
    if customer_import.rows_done and _indexes_deferred():
        return True
    rows_left = customer_import.valid_rows - customer_import.rows_done
    return rows_left >= MIN_ROWS and rows_left >= Customer.objects.count()


def bulk_import(customer_import: CustomerImport, context: importbatch.BatchContext, batch_size: int) -> bool:
    """Import the rest of the checked file in bulk. False when a collision with a customer added
    meanwhile stopped it: the indexes are back, and the caller imports the rest the usual way."""
    with transaction.atomic():
        for model, names in DEFERRED.items():
            indexes_drop(model, names)
        search_triggers_drop(connection)
    try:
        return _pipeline(customer_import, context, batch_size)
    finally:
        _indexes_build()


def _indexes_deferred() -> bool:
    """Whether an index or a text index's trigger that a bulk load drops is missing."""
    present = _schema_names()
    return not all(name in present for names in DEFERRED.values() for name in names) or search_triggers_missing(present)


def search_triggers_missing(present: set[str] | None = None) -> bool:
    """Whether a trigger keeping the text indexes in step is missing (a bulk load dropped it)."""
    present = _schema_names() if present is None else present
    return not all(name in present for name in search_trigger_names())


def _schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")
        return {row[0] for row in cursor.fetchall()}


def _indexes_build() -> None:
    with connection.cursor() as cursor:
        # Copy the load's write-ahead log into the database first: building from a log of a
        # million rows looks every page up in it, and took twice as long.
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
    indexes_restore(*DEFERRED)
    database_objects_install(connection)  # the text indexes' triggers, and the indexes rebuilt


@dataclass
class _Planned:
    """What the planner tells the writer of one batch of the file."""

    staging: str  # the batch's own staging database: its customers and contact points
    rows: int  # rows of the file in the batch, good and bad
    created: int
    matched: list[tuple[int, dict, int]]  # (number, row, customer id) for customers that exist
    repeated: int  # rows repeating an earlier one of the batch
    skipped: int
    problems: list[dict]  # rows that could not be written, as the check reports them
    tags: list[tuple[int, list[str]]]
    words: set[str]
    now: str


def _pipeline(customer_import: CustomerImport, context: importbatch.BatchContext, batch_size: int) -> bool:
    """Stage and write every batch; False when a uniqueness index refused one."""
    keys, identities = _network_keys(context.network_id)
    first_id = _ids_reserve(customer_import.total_rows - customer_import.rows_done)
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    # Forked: the planner shares this process's memory (the keys) and uses no Django
    # connection of its own; it writes only its staging databases. (The worker's one other
    # thread, the daily scheduler, touches the database for a moment a minute.)
    planner = multiprocessing.get_context("fork").Process(
        target=_plan, args=(customer_import, context, batch_size, keys, identities, first_id, _staging_base(customer_import), send)
    )
    planner.start()
    send.close()
    del keys, identities
    planned = None
    try:
        while True:
            planned = receive.recv()
            if isinstance(planned, BaseException):
                raise planned
            if planned is None:
                return True
            # A staging database of its own per batch: the writer's transaction locks every
            # database it has attached, and the planner stages the next batch meanwhile.
            with connection.cursor() as cursor:
                cursor.execute("ATTACH DATABASE %s AS staged", [planned.staging])
            try:
                _batch_write(customer_import, context, planned)
            except IntegrityError:
                logger.warning("Import %s collided with a customer added meanwhile at row %s: going on the usual way", customer_import.pk, customer_import.rows_done)
                return False
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("DETACH DATABASE staged")
                Path(planned.staging).unlink(missing_ok=True)
    finally:
        receive.close()
        planner.kill()
        planner.join()
        for leftover in Path(_staging_base(customer_import)).parent.glob(Path(_staging_base(customer_import)).name + ".*"):
            leftover.unlink(missing_ok=True)


def _staging_base(customer_import: CustomerImport) -> str:
    """Where the batches' staging databases go: beside the uploaded file, or in the temporary folder."""
    try:
        return customer_import.file.path + ".staged"
    except (NotImplementedError, ValueError):  # a storage without local paths
        return str(Path(tempfile.gettempdir()) / f"vicino-import-{customer_import.pk}.staged")


Identity = list  # [external code, codice fiscale, member number] of a customer, as the planner knows them


def _network_keys(network_id: int) -> tuple[dict[str, int], dict[int, Identity]]:
    """Every key a row may match a customer of the network by (see importbatch._keys), to its
    customer, and who holds each member number ("m:" keys, not matched by); and each
    customer's external code, codice fiscale and member number, to follow their changes."""
    keys: dict[str, int] = {}
    identities: dict[int, Identity] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, external_id, fiscal_code, member_number FROM people_customer WHERE network_id = %s AND merged_into_id IS NULL", [network_id])
        for pk, external, fiscal, member in cursor.fetchall():
            identities[pk] = [external, fiscal, member]
            _identity_learn(keys, pk, external, fiscal, member)
        cursor.execute(
            "SELECT p.customer_id, p.kind, p.value FROM people_contactpoint p JOIN people_customer c ON c.id = p.customer_id"
            " WHERE p.network_id = %s AND c.merged_into_id IS NULL",
            [network_id],
        )
        for pk, kind, value in cursor.fetchall():
            keys.setdefault(("e:" if kind == ContactPoint.Kind.EMAIL else "p:") + value, pk)
    return keys, identities


def _identity_learn(keys: dict[str, int], pk: int, external: str, fiscal: str, member: str) -> None:
    if external:
        keys.setdefault("x:" + external, pk)
    if fiscal:
        keys.setdefault("f:" + fiscal, pk)
    if member:
        keys["m:" + member] = pk


def _identity_change(keys: dict[str, int], identities: dict[int, Identity], pk: int, data: dict) -> None:
    """A matched row updates its customer's external code, codice fiscale or member number
    (an empty cell changes nothing): the old ones no longer find them, the new ones do."""
    current = identities.get(pk)
    if current is None:
        return
    for i, (name, prefix) in enumerate((("external_id", "x:"), ("fiscal_code", "f:"), ("member_number", "m:"))):
        value = data.get(name)
        if value and value != current[i]:
            if current[i] and keys.get(prefix + current[i]) == pk:
                del keys[prefix + current[i]]
            current[i] = value
    _identity_learn(keys, pk, *current)


def _ids_reserve(count: int) -> int:
    """The first of `count` customer ids set aside for this load: the table's counter jumps past
    them, so a customer added meanwhile takes the next one after."""
    with transaction.atomic(), connection.cursor() as cursor:
        first = ids_reserve(Customer, 1)[0]
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [first + count, Customer._meta.db_table])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [Customer._meta.db_table, first + count])
    return first


def _plan(customer_import, context, batch_size, keys, identities, next_id, staging, send) -> None:
    """The planner process: stage every batch, tell the writer, end with None (or the error)."""
    try:
        with collector_paused():
            _stage_all(customer_import, context, batch_size, keys, identities, next_id, staging, send)
        send.send(None)
    except BaseException:  # the writer raises it, with the planner's traceback
        send.send(RuntimeError("The import's planner stopped:\n" + traceback.format_exc()))
    finally:
        send.close()
        os._exit(0)  # no Django or atexit clean-up in a forked copy


def _stage_all(customer_import, context, batch_size, keys, identities, next_id, staging, send) -> None:
    # Dates stay ISO text, as the staged rows want them (matched rows get theirs back).
    rows = importcache.checked_rows(customer_import, skip=customer_import.rows_done, dates=False)
    batch: list = []
    number = 0
    for row in rows:
        batch.append(row)
        if len(batch) == batch_size:
            next_id = _stage(f"{staging}.{number}", context, batch, keys, identities, next_id, send)
            batch, number = [], number + 1
    if batch:
        _stage(f"{staging}.{number}", context, batch, keys, identities, next_id, send)


def _stage(path: str, context, batch, keys, identities, next_id, send) -> int:
    sites = context.sites
    good = [(number, data) for number, data, errors in batch if not errors and (not (code := data.get("site_code")) or code.casefold() in sites)]

    def known(row_keys: list[str]) -> int | None:
        for key in row_keys:
            if key in keys:
                return keys[key]
        return None

    new, matched, repeated = importbatch.rows_sort(good, known)
    now = db_value(timezone.now())
    problems: list[dict] = []
    # As member_numbers_clashing decides, with what the planner knows of who holds which.
    kept = []
    for number, data, pk in matched:
        member = data.get("member_number")
        if member and keys.get("m:" + member, pk) != pk:
            problems.append(importbatch.member_number_problem(number, member))
            continue
        for key in importbatch._keys(data):
            keys.setdefault(key, pk)  # the e-mails and phones it adds find the customer from now on
        _identity_change(keys, identities, pk, data)
        kept.append((number, data, pk))
    fresh = []
    for number, data, row_keys in new:
        member = data.get("member_number")
        if member and "m:" + member in keys:
            problems.append(importbatch.member_number_problem(number, member))
            continue
        fresh.append((data, row_keys))
    customers, points, tags, words = [], [], [], set()
    customer_row, contacts = importbatch.customer_row, importbatch._contacts
    consent_email, consent_sms, consent_phone, consent_profiling = importbatch.CONSENT_COLUMNS
    for pk, (data, row_keys) in enumerate(fresh, start=next_id):
        for key in row_keys:  # its external code and codice fiscale among them
            keys.setdefault(key, pk)
        get = data.get
        member = get("member_number", "")
        if member:
            keys["m:" + member] = pk
        identities[pk] = [get("external_id", ""), get("fiscal_code", ""), member]
        address = (get("street", ""), get("cap", ""), get("city", ""), get("province", ""))
        customers.append(
            (*customer_row(context, data, None, pk), *(address if any(address) else _NO_ADDRESS),
             get(consent_email), get(consent_sms), get(consent_phone), get(consent_profiling))
        )  # fmt: skip
        kinds: set[str] = set()
        for kind, value in contacts(data):
            points.append((pk, kind, value, kind not in kinds))  # the first of each kind is the primary one
            kinds.add(kind)
        if get("tags"):
            tags.append((pk, data["tags"]))
        words |= data["name_words"]
    Path(path).unlink(missing_ok=True)
    database = sqlite3.connect(path, isolation_level=None)
    database.execute("PRAGMA journal_mode = OFF")  # a staging file nobody reads after a crash
    database.execute("PRAGMA synchronous = OFF")
    database.execute("BEGIN")
    for table, columns, rows in (("customer", _STAGED_CUSTOMER, customers), ("point", _STAGED_POINT, points)):
        database.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
        database.executemany(f"INSERT INTO {table} VALUES ({', '.join(['?'] * len(columns))})", rows)
    database.execute("COMMIT")
    database.close()
    send.send(_Planned(path, len(batch), len(customers), kept, repeated, len(batch) - len(good), problems, tags, words, now))
    return next_id + len(fresh)


_NO_ADDRESS = (None, None, None, None)


@transaction.atomic
def _batch_write(customer_import: CustomerImport, context: importbatch.BatchContext, planned: _Planned) -> None:
    """Copy one staged batch into the tables and advance the progress: all of it or none."""
    columns = ", ".join(importbatch.CUSTOMER_COLUMNS)
    staged = ", ".join("%s" if name in ("created_at", "updated_at") else name for name in importbatch.CUSTOMER_COLUMNS)
    in_batch = "FROM staged.customer WHERE TRUE"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO people_customer ({columns}) SELECT {staged} {in_batch}", [planned.now, planned.now])
        cursor.execute(
            f"INSERT INTO people_contactpoint ({', '.join(importbatch.POINT_COLUMNS)})"
            " SELECT %s, customer_id, kind, value, '', is_primary, %s FROM staged.point WHERE TRUE ON CONFLICT DO NOTHING",
            [context.network_id, planned.now],
        )
        cursor.execute(
            f"INSERT INTO people_address ({', '.join(importbatch.ADDRESS_COLUMNS)})"
            f" SELECT id, '', street, cap, city, province, 'IT', 1 {in_batch} AND street IS NOT NULL",
        )
        cursor.execute(
            f"INSERT INTO people_interaction ({', '.join(importbatch.ENTRY_COLUMNS)})"
            f" SELECT network_id, site_id, id, %s, 'customer.imported', %s, %s, %s, 'people.customerimport', %s, %s {in_batch}",
            [Channel.OTHER, planned.now, context.by_id, context.import_summary, str(context.import_id), planned.now],
        )
        if context.notice is not None:
            # A new customer's consents are the file's yeses, each granted on the notice the
            # import names (as importbatch._consent_actions decides for a customer with none).
            for column, (purpose, channel) in importbatch.CONSENT_COLUMNS.items():
                granted = f"{in_batch} AND {column} = 1"
                cursor.execute(
                    f"INSERT INTO people_consentevent ({', '.join(importbatch.EVENT_COLUMNS)})"
                    f" SELECT network_id, id, %s, %s, %s, %s, %s, %s, %s, NULL, '', NULL, %s, %s {granted}",
                    [purpose, channel, ConsentEvent.Action.GRANTED, ConsentEvent.Source.IMPORT, context.notice.pk, planned.now,
                     context.by_id, context.consent_evidence, planned.now],
                )  # fmt: skip
                cursor.execute(
                    f"INSERT INTO people_interaction ({', '.join(importbatch.ENTRY_COLUMNS)})"
                    f" SELECT network_id, site_id, id, %s, %s, %s, %s, %s, '', '', %s {granted}",
                    [channel, f"consent.{ConsentEvent.Action.GRANTED}", planned.now, context.by_id, context.consent_summary,
                     planned.now],
                )  # fmt: skip
    importbatch.tags_link(context.network, planned.tags)
    importbatch.words_remember(context, planned.words)
    existing = importbatch.customers_for_update(context.network, [pk for _number, _data, pk in planned.matched])
    matched = [(number, importcache.dates_restored(data), existing.get(pk)) for number, data, pk in planned.matched]
    # A customer merged away meanwhile is no longer there to update: the row is a new customer,
    # as the usual import would have made it.
    gone = [(number, data, importbatch._keys(data)) for number, data, customer in matched if customer is None]
    gone, matched, problems = importbatch.member_numbers_clashing(context, gone, [row for row in matched if row[2] is not None])
    importbatch._new_write(context, [data for _number, data, _keys in gone], planned.now)
    updated, unchanged = importbatch.matched_apply(context, matched, planned.now)
    importbatch.progress_save(
        customer_import, rows=planned.rows, created=planned.created + len(gone), updated=updated,
        unchanged=unchanged + planned.repeated, skipped=planned.skipped, problems=planned.problems + problems,
    )  # fmt: skip

