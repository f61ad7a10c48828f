"""Database objects that Django's migrations do not manage, installed and repaired after every migrate.

- The consent ledger's append-only trigger (an UPDATE may only move events to
  another customer, as a merge does).
- The search indexes over `Customer.search_text`, a word index and a trigram index on each
  database: on SQLite two FTS5 tables (`unicode61` words, `trigram`) kept in step by
  triggers; on PostgreSQL a GIN index over the text's `tsvector`, pg_trgm's GIN index, and
  a word table (one row per word of each customer, in a B-tree by network, word and
  newest customer) kept in step by statement triggers.

SQLite rebuilds a table to alter it, which silently drops its triggers; running this
after every migrate (it is idempotent) puts them back and re-indexes what they missed.
"""

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

LEDGER_COLUMNS = [
    "id", "network_id", "purpose", "channel", "action", "source", "notice_id", "occurred_at", "actor_id",
    "ip_address", "user_agent", "double_opt_in_at", "evidence", "created_at",
]  # fmt: skip

# The text indexes over Customer.search_text on SQLite: whole words (names, prefixes of
# names) and trigrams (any part of a name), each with its tokenizer.
WORDS_TABLE, TRIGRAM_TABLE = "people_customer_words", "people_customer_fts"
FTS_TABLES = {WORDS_TABLE: "unicode61", TRIGRAM_TABLE: "trigram"}
# The word index on PostgreSQL: the words between spaces, as SQLite's tokenizer sees them
# (PostgreSQL's text parser would cut a member number such as 12e3ab into "12e3" and
# "ab"). Searches repeat this very expression for its GIN index to serve them.
WORDS_VECTOR = "array_to_tsvector(array_remove(string_to_array(search_text, ' '), ''))"

SQLITE_TRIGGERS = {
    "people_consentevent_append_only": f"""
        CREATE TRIGGER people_consentevent_append_only
        BEFORE UPDATE OF {", ".join(LEDGER_COLUMNS)} ON people_consentevent
        BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END""",
    **{
        f"{table}_{event}": sql.format(table=table)
        for table in FTS_TABLES
        for event, sql in (
            ("insert", """
                CREATE TRIGGER {table}_insert AFTER INSERT ON people_customer BEGIN
                    INSERT INTO {table}(rowid, search_text) VALUES (new.id, new.search_text);
                END"""),
            ("delete", """
                CREATE TRIGGER {table}_delete AFTER DELETE ON people_customer BEGIN
                    INSERT INTO {table}({table}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                END"""),
            ("update", """
                CREATE TRIGGER {table}_update AFTER UPDATE OF search_text ON people_customer BEGIN
                    INSERT INTO {table}({table}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                    INSERT INTO {table}(rowid, search_text) VALUES (new.id, new.search_text);
                END"""),
        )
    },
}

# PostgreSQL's word table: the words of each customer's search text, so that the newest
# customers with a word are read off a B-tree in order, without visiting the customers
# (see search_words.py). Words compare byte by byte (COLLATE "C") whatever the database's
# collation, so that a prefix is a range of the index. Statement triggers with transition
# tables keep it in step: one INSERT … SELECT per statement, which a COPY of a million
# customers needs (a row trigger would cost it a function call a row).
WORD_TABLE = "people_customer_word"
_WORDS_OF = "SELECT DISTINCT c.network_id, w, c.id FROM {rows} c, unnest(string_to_array(c.search_text, ' ')) w WHERE w <> ''"
WORD_TABLE_SQL = [
    f"""CREATE TABLE IF NOT EXISTS {WORD_TABLE} (
        customer_id bigint NOT NULL, word text COLLATE "C" NOT NULL, network_id bigint NOT NULL,
        PRIMARY KEY (customer_id, word))""",
    f"CREATE INDEX IF NOT EXISTS {WORD_TABLE}_newest ON {WORD_TABLE} (network_id, word, customer_id DESC)",
    f"""CREATE OR REPLACE FUNCTION {WORD_TABLE}_insert() RETURNS trigger AS $$
        BEGIN
            INSERT INTO {WORD_TABLE} (network_id, word, customer_id) {_WORDS_OF.format(rows="new_rows")};
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION {WORD_TABLE}_update() RETURNS trigger AS $$
        BEGIN
            DELETE FROM {WORD_TABLE} w USING old_rows o JOIN new_rows n ON n.id = o.id
                WHERE w.customer_id = o.id AND (n.search_text IS DISTINCT FROM o.search_text OR n.network_id <> o.network_id);
            INSERT INTO {WORD_TABLE} (network_id, word, customer_id)
                {_WORDS_OF.format(rows="new_rows")} AND EXISTS (SELECT 1 FROM old_rows o WHERE o.id = c.id
                    AND (o.search_text IS DISTINCT FROM c.search_text OR o.network_id <> c.network_id));
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION {WORD_TABLE}_delete() RETURNS trigger AS $$
        BEGIN
            DELETE FROM {WORD_TABLE} w USING old_rows o WHERE w.customer_id = o.id;
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
    # Django's flush (and tests between them) truncates the customers: the words go with them.
    f"""CREATE OR REPLACE FUNCTION {WORD_TABLE}_truncate() RETURNS trigger AS $$
        BEGIN
            TRUNCATE {WORD_TABLE};
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {WORD_TABLE}_truncate ON people_customer",
    f"CREATE TRIGGER {WORD_TABLE}_truncate AFTER TRUNCATE ON people_customer FOR EACH STATEMENT EXECUTE FUNCTION {WORD_TABLE}_truncate()",
    *(
        sql
        for event, rows in (("insert", "NEW TABLE AS new_rows"), ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"), ("delete", "OLD TABLE AS old_rows"))
        for sql in (
            f"DROP TRIGGER IF EXISTS {WORD_TABLE}_{event} ON people_customer",
            f"""CREATE TRIGGER {WORD_TABLE}_{event} AFTER {event.upper()} ON people_customer
                REFERENCING {rows} FOR EACH STATEMENT EXECUTE FUNCTION {WORD_TABLE}_{event}()""",
        )
    ),
]

_PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in LEDGER_COLUMNS)
POSTGRES = [
    # pg_trgm is a trusted extension: the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS people_customer_search_trgm ON people_customer USING gin (search_text gin_trgm_ops)",
    "DROP INDEX IF EXISTS people_customer_search_words",  # over to_tsvector: see WORDS_VECTOR
    f"CREATE INDEX IF NOT EXISTS people_customer_search_wordlist ON people_customer USING gin ({WORDS_VECTOR})",
    f"""CREATE OR REPLACE FUNCTION people_consentevent_append_only() RETURNS trigger AS $$
        BEGIN
            IF {_PG_CHANGED} THEN RAISE EXCEPTION 'consent events are append-only'; END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS people_consentevent_append_only ON people_consentevent",
    """CREATE TRIGGER people_consentevent_append_only BEFORE UPDATE ON people_consentevent
        FOR EACH ROW EXECUTE FUNCTION people_consentevent_append_only()""",
]


def search_trigger_names() -> list[str]:
    """SQLite: the triggers that keep the text indexes in step with the customers."""
    return [name for name in SQLITE_TRIGGERS if name.startswith(tuple(FTS_TABLES))]


def search_triggers_drop(connection: BaseDatabaseWrapper) -> None:
    """SQLite: stop keeping the text indexes in step, for a bulk load; `database_objects_install`
    puts the triggers back and rebuilds the indexes from the customers."""
    with connection.cursor() as cursor:
        for name in search_trigger_names():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def database_objects_install(connection: BaseDatabaseWrapper) -> None:
    tables = connection.introspection.table_names()
    if "people_customer" not in tables or "people_consentevent" not in tables:
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRES:
                cursor.execute(sql)
            cursor.execute("SELECT to_regclass(%s) IS NULL", [WORD_TABLE])
            created = cursor.fetchone()[0]
            for sql in WORD_TABLE_SQL:
                cursor.execute(sql)
            if created:
                # Customers written before the table existed.
                cursor.execute(f"INSERT INTO {WORD_TABLE} (network_id, word, customer_id) {_WORDS_OF.format(rows='people_customer')}")
            return
        for table, tokenizer in FTS_TABLES.items():
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
                f"search_text, content='people_customer', content_rowid='id', tokenize='{tokenizer}')"
            )
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        for table in FTS_TABLES:
            if any(name.startswith(table + "_") for name in missing):
                # Rows written while its triggers were gone (or before it existed) are not in the index: rebuild it.
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
