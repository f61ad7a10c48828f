"""Database objects that Django's migrations do not manage, installed and repaired after every migrate.

- The consent ledger's append-only trigger (an UPDATE may only move events to
  another customer, as a merge does).
- The search indexes over `Customer.search_text`: an FTS5 trigram table kept in step
  by triggers on SQLite; pg_trgm's GIN index on PostgreSQL.

SQLite rebuilds a table to alter it, which silently drops its triggers; running this
after every migrate (it is idempotent) puts them back and re-indexes what they missed.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

LEDGER_COLUMNS = [
    "id", "network_id", "purpose", "channel", "action", "source", "notice_id", "occurred_at", "actor_id",
    "ip_address", "user_agent", "double_opt_in_at", "evidence", "created_at",
]  # fmt: skip

SQLITE_TRIGGERS = {
    "people_consentevent_append_only": f"""
        CREATE TRIGGER people_consentevent_append_only
        BEFORE UPDATE OF {", ".join(LEDGER_COLUMNS)} ON people_consentevent
        BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END""",
    "people_customer_fts_insert": """
        CREATE TRIGGER people_customer_fts_insert AFTER INSERT ON people_customer BEGIN
            INSERT INTO people_customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "people_customer_fts_delete": """
        CREATE TRIGGER people_customer_fts_delete AFTER DELETE ON people_customer BEGIN
            INSERT INTO people_customer_fts(people_customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
    "people_customer_fts_update": """
        CREATE TRIGGER people_customer_fts_update AFTER UPDATE OF search_text ON people_customer BEGIN
            INSERT INTO people_customer_fts(people_customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO people_customer_fts(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}

_PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in LEDGER_COLUMNS)
POSTGRES = [
    # pg_trgm is a trusted extension: the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS people_customer_search_trgm ON people_customer USING gin (search_text gin_trgm_ops)",
    f"""CREATE OR REPLACE FUNCTION people_consentevent_append_only() RETURNS trigger AS $$
        BEGIN
            IF {_PG_CHANGED} THEN RAISE EXCEPTION 'consent events are append-only'; END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS people_consentevent_append_only ON people_consentevent",
    """CREATE TRIGGER people_consentevent_append_only BEFORE UPDATE ON people_consentevent
        FOR EACH ROW EXECUTE FUNCTION people_consentevent_append_only()""",
]


def database_objects_install(connection: BaseDatabaseWrapper) -> None:
    tables = connection.introspection.table_names()
    if "people_customer" not in tables or "people_consentevent" not in tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRES:
                cursor.execute(sql)
            return
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS people_customer_fts USING fts5("
            "search_text, content='people_customer', content_rowid='id', tokenize='trigram')"
        )
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        if any(name.startswith("people_customer_fts") for name in missing):
            # Rows written while the triggers were gone are not in the index: rebuild it.
            cursor.execute("INSERT INTO people_customer_fts(people_customer_fts) VALUES ('rebuild')")
