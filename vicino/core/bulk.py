"""Fast bulk writes for imports: plain INSERTs through executemany, ids reserved up front.

Django's bulk_create compiles SQL for every object, which costs more than the database
work when a million rows arrive. These helpers take already-clean values, adapt them
for the database once per value, and hand the rows to the driver in one call.
"""

import datetime
import gc
import logging
import operator
from enum import Enum
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)


def ids_reserve(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`; call it inside the transaction that inserts them."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite writers are serialised (transactions start IMMEDIATE), so the maximum is stable.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row and row[0] >= start:
            start = row[0] + 1
        return list(range(start, start + count))


# SQLite allows 32,766 parameters in one statement (since 3.32).
SQLITE_MAX_PARAMETERS = 32_766


def rows_insert(
    model: type[Model], columns: Sequence[str], rows: Iterable[Sequence], *, ignore_conflicts: bool = False, one_statement: bool = False
) -> None:
    """INSERT `rows` (tuples in the order of `columns`, database column names) in one executemany.

    Values go to the driver as they are: pass dates and times through `db_value` first.
    `one_statement` sends multi-row INSERTs instead (as many rows as the parameter limit
    allows): a table whose trigger writes an SQLite FTS5 index needs it, because FTS5
    flushes its pending terms into a new segment at every statement boundary, and one
    statement per row makes that twenty times slower than the insert itself.
    """
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        _postgres_insert(table, names, len(columns), rows, ignore_conflicts=ignore_conflicts)
        return
    # The driver's own cursor: Django's wrapper rewrites every statement's placeholders
    # with a regex, which costs more than SQLite's work on a thousand-row statement.
    placeholders = "(" + ", ".join(["?"] * len(columns)) + ")"
    sql = f"INSERT INTO {table} ({names}) VALUES "
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    cursor = connection.connection.cursor()
    try:
        if not one_statement:
            cursor.executemany(sql + placeholders + conflict, rows)
            return
        per_statement = max(1, SQLITE_MAX_PARAMETERS // len(columns))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(sql + ", ".join([placeholders] * len(chunk)) + conflict, [value for row in chunk for value in row])
    finally:
        cursor.close()


def _postgres_insert(table: str, names: str, width: int, rows: list[Sequence], *, ignore_conflicts: bool) -> None:
    """COPY when every row must go in; otherwise one prepared INSERT, pipelined.

    Django's cursors bind parameters on the client, parsing and quoting each statement in
    Python; a plain psycopg cursor sends them to the server to bind, and COPY streams.
    """
    import psycopg

    with psycopg.Cursor(connection.connection) as cursor:
        if not ignore_conflicts:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * width)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders}) ON CONFLICT DO NOTHING", rows)


def db_value(value):
    """A date or datetime as this database's driver expects it; other values unchanged."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def statistics_refresh(*tables: str) -> None:
    """Refresh the planner's table statistics (ANALYZE), and on PostgreSQL fold the GIN
    indexes' pending entries into the indexes proper.

    Without statistics SQLite guesses that a network has a handful of customers and walks
    the name index of a million rows instead of looking up the two thousand a search found
    (170 ms against 7). A full ANALYZE of a million customers takes about a second.
    PostgreSQL's GIN indexes take new rows into a pending list that every search reads
    from end to end until a vacuum merges it: after a bulk load that cost a name search
    5 ms before it had read a single match. `tables` limits it to those (all of them take
    SQLite 8 s at a million customers).
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 0")
        for target in [quote(table) for table in tables] or [""]:
            cursor.execute(f"ANALYZE {target}")
    if connection.vendor == "postgresql":
        _gin_pending_lists_clean(tables)


def _gin_pending_lists_clean(tables: tuple[str, ...]) -> None:
    """Merge the pending lists of the GIN indexes on `tables` (all tables: none given).

    It needs the indexes' owner, which the application's role is when it ran the
    migrations; a role that is not loses only this speed-up, not the import it follows.
    """
    on_tables = "AND t.relname = ANY(%s)" if tables else ""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
                " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                f" WHERE a.amname = 'gin' AND n.nspname = current_schema() {on_tables}",
                [list(tables)] if tables else [],
            )
    except DatabaseError:
        logger.warning("Could not merge the GIN indexes' pending lists (is the role the tables' owner?)", exc_info=True)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while bulk work runs; call `batch_collected()` after each batch.

    A million-row import allocates tens of millions of small objects, nearly none of them
    in cycles, and the collector's automatic passes over them cost a quarter of the import
    (measured: 400,000 rows in 37.6 s instead of 44.7 s). The cycles a batch does leave
    (a caught exception's traceback, a queryset) are collected between batches.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batch_collected() -> None:
    """Collect what the last batch left in cycles: only the young objects, so it costs what the batch allocated."""
    gc.collect(1)


# While an import writes, SQLite may keep this much of the database in memory (KiB, as
# cache_size takes it when negative) and lets its write-ahead log grow this far (pages)
# before copying it back: a large batch then writes each index page once, not once per
# spill and once per checkpoint.
BULK_CACHE_KIB = 524_288
BULK_CHECKPOINT_PAGES = 50_000


@contextmanager
def bulk_writing() -> Iterator[None]:
    """Tune this connection for a long run of large write transactions, then put it back (SQLite; a no-op elsewhere)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
            if not connection.in_atomic_block:
                # Copy the long log back now: until then every reader looks each page up in
                # it, and searches right after a million-row import took half as long again.
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def indexes_drop(model: type[Model], names: Iterable[str]) -> None:
    """Drop these of the indexes `model` declares, for a bulk load to build them once at its end."""
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


def indexes_restore(*models: type[Model]) -> list[str]:
    """Create every index the models declare (Meta.indexes) that the database lacks; returns their names.

    A bulk load drops some and builds them again when it ends, also when it fails; only a
    killed process leaves them out, and this puts them back: after every migrate, every day
    and before a bulk load starts again.
    """
    created = []
    # The editor only writes the statements: entered, SQLite's would check every foreign key
    # of the database on leaving (seconds at a million customers).
    editor = connection.schema_editor()
    with connection.cursor() as cursor:
        for model in models:
            present = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for index in model._meta.indexes:
                if index.name not in present:
                    cursor.execute(str(index.create_sql(model, editor)))
                    created.append(index.name)
    if created:
        logger.info("Indexes built: %s", ", ".join(created))
    return created


def objects_insert(model: type[Model], objects: Sequence[Model], *, one_statement: bool = False) -> None:
    """Insert unsaved instances of `model` with `rows_insert`, each given a reserved primary key
    (set on the instance, as bulk_create would): for batches whose ORM compilation would cost
    more than the insert. Values are read as the instances hold them; auto_now fields are set."""
    if not objects:
        return
    import json

    from django.db.models import DateField, DateTimeField, JSONField

    for obj, pk in zip(objects, ids_reserve(model, len(objects)), strict=True):
        obj.pk = pk
        obj._state.adding = False
    now = datetime.datetime.now(datetime.UTC)
    adapted: dict = {}  # a batch's rows mostly share their timestamps: adapt each once

    def when(value):
        if value not in adapted:
            adapted[value] = db_value(value)
        return adapted[value]

    columns, readers = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        attname = field.attname
        if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
            readers.append(lambda obj, a=attname: when(getattr(obj, a) or now))
        elif isinstance(field, (DateField, DateTimeField)):
            readers.append(lambda obj, a=attname: when(getattr(obj, a)))
        elif field.is_relation:
            # A related object saved after it was assigned: its id, as bulk_create would take it.
            readers.append(lambda obj, a=attname, f=field: getattr(obj, a) if getattr(obj, a) is not None else getattr(f.get_cached_value(obj, None), "pk", None))
        elif isinstance(field, JSONField):
            readers.append(lambda obj, a=attname: json.dumps(getattr(obj, a)))
        elif field.choices:
            readers.append(lambda obj, a=attname: _plain(getattr(obj, a)))
        else:
            readers.append(operator.attrgetter(attname))
    rows_insert(model, columns, [tuple(read(obj) for read in readers) for obj in objects], one_statement=one_statement)


def _plain(value):
    """A choice's enum member as its value (the drivers want plain types)."""
    return value.value if isinstance(value, Enum) else value


def values_insert(model: type[Model], rows: Sequence[dict]) -> list[int]:
    """Insert rows given as {attname: value} (a missing field takes its default, worked out once
    for the batch) with reserved primary keys; returns the keys. Cheaper than instances where
    nothing reads the rows back: building a model instance costs more than inserting it."""
    if not rows:
        return []
    import json

    from django.db.models import DateField, DateTimeField, JSONField

    ids = ids_reserve(model, len(rows))
    now = datetime.datetime.now(datetime.UTC)
    columns, readers = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.primary_key:
            readers.append(None)
            continue
        default = now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        if isinstance(field, (DateField, DateTimeField)):
            default = db_value(default)
            adapt = db_value
        elif isinstance(field, JSONField):
            adapt = json.dumps
        elif field.choices:
            adapt = _plain
        else:
            adapt = None
        readers.append((field.attname, default, adapt))
    adapted: dict = {}
    table = []
    for pk, row in zip(ids, rows, strict=True):
        values = []
        for reader in readers:
            if reader is None:
                values.append(pk)
                continue
            name, default, adapt = reader
            if name not in row:
                values.append(default)
            elif adapt is None:
                values.append(row[name])
            else:
                value = row[name]
                if adapt is db_value and value in adapted:
                    values.append(adapted[value])
                    continue
                converted = adapt(value)
                if adapt is db_value:
                    adapted[value] = converted
                values.append(converted)
        table.append(tuple(values))
    rows_insert(model, columns, table)
    return ids
