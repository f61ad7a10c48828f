"""Fast bulk writes for imports: plain INSERTs through executemany, ids reserved up front.

Django's bulk_create compiles SQL for every object, which costs more than the database
work when a million rows arrive. These helpers take already-clean values, adapt them
for the database once per value, and hand the rows to the driver in one call.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


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


def rows_insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence], *, ignore_conflicts: bool = False) -> None:
    """INSERT `rows` (tuples in the order of `columns`, database column names) in one executemany.

    Values go to the driver as they are: pass dates and times through `db_value` first.
    """
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES ({placeholders})"
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def db_value(value):
    """A date or datetime as this database's driver expects it; other values unchanged."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value
