"""The customer search box: names, e-mail, phone in any format, member number; accents and one typo forgiven.

Folding happens once, in Python (`folding.fold`), into `Customer.search_text`, so both
databases compare the same text. A name is looked for in three steps, each only when the
one before found nobody:

1. every typed word begins a word of the name ("ross" finds Rossi and Rossini): a word
   index, FTS5 `unicode61` on SQLite, a `tsvector` GIN index on PostgreSQL;
2. every typed word is part of the name ("ossi" finds Grossi): a trigram index, FTS5
   `trigram` on SQLite, pg_trgm on PostgreSQL;
3. one typo forgiven: each word is corrected against the network's dictionary of name
   words (`NameWord`: every word with its one-letter deletions), an exact Damerau
   distance-1 match that gives the same candidates on both, then looked up as in step 1.

See docs/decisions/003-customer-search.md.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL

from vicino.core.actor import Actor

from . import search_words
from .dbobjects import TRIGRAM_TABLE, WORDS_TABLE, WORDS_VECTOR
from .folding import TYPO_MIN_LENGTH, digits, edit_distance_at_most_one, fold_query
from .models import ContactPoint, Customer, NameWord
from .phones import phone_normalise

# A name search shows at most this many customers, the most recently added: ten pages,
# more than anyone reads before adding a first name, and few enough to sort by name at once.
SEARCH_LIMIT = 500
_PHONE_LIKE = re.compile(r"^[\d\s+().\-/]+$")
_FISCAL_CODE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")


class Among(NamedTuple):
    """Whose customers a search looks among: a network's, and whether all of its live ones."""

    network_id: int
    everyone: bool


class Found(NamedTuple):
    customers: QuerySet[Customer]
    capped: bool  # more names matched than SEARCH_LIMIT: the newest of them are shown


def customer_search(*, actor: Actor, text: str, base: QuerySet[Customer] | None = None, limit: int | None = SEARCH_LIMIT) -> QuerySet[Customer]:
    """The visible customers matching `text`; `base` is the scoped list to narrow (filters kept).

    A name search keeps the `limit` most recently added matches (None: all of them, for exports).
    """
    return customer_find(actor=actor, text=text, base=base, limit=limit).customers


def customer_find(*, actor: Actor, text: str, base: QuerySet[Customer] | None = None, limit: int | None = SEARCH_LIMIT) -> Found:
    """`customer_search`, also telling whether the name matches were cut at `limit`."""
    from .queries import customer_list

    customers = base if base is not None else customer_list(actor=actor)
    text = (text or "").strip()[:100]
    if not text:
        return Found(customers, False)
    by_identifier = _by_identifier(actor, customers, text)
    if by_identifier is not None:
        return Found(by_identifier, False)
    words = fold_query(text)
    if not words:
        return Found(customers.none(), False)
    as_typed = [{word} for word in words]
    # The default list of someone who sees the whole network holds every live customer of it.
    among = Among(network_id=actor.membership.network_id, everyone=base is None and actor.is_head_office)
    found = _matching(customers, as_typed, limit, whole_words=True, among=among) or _matching(
        customers, as_typed, limit, whole_words=False, among=among
    )
    if found is None:
        spelled = [_spellings(actor, word) for word in words]
        if spelled != as_typed:  # words too short to correct are not looked up again
            found = _matching(customers, spelled, limit, whole_words=True, among=among)
    return found or Found(customers.none(), False)


def _by_identifier(actor: Actor, customers: QuerySet[Customer], text: str) -> QuerySet[Customer] | None:
    """An e-mail, a phone number, a codice fiscale or partita IVA: exact lookups on their own
    indexes. None when the text is none of them (a name, then)."""
    if "@" in text:
        return customers.filter(pk__in=_by_email(actor, text.lower()))
    if _PHONE_LIKE.match(text) and len(digits(text)) >= 6:
        by_phone = customers.filter(pk__in=_by_phone(actor, text))
        if len(digits(text)) == 11 and text.strip().isdigit():
            # Eleven digits may be a partita IVA as well as a phone number.
            return by_phone | customers.filter(vat_number=text.strip())
        return by_phone
    if _FISCAL_CODE.fullmatch(text.replace(" ", "").upper()):
        return customers.filter(fiscal_code=text.replace(" ", "").upper())
    return None


def _by_email(actor: Actor, text: str) -> QuerySet:
    points = actor.scope(ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL))
    # A whole address or its beginning (what people type): an index range scan on the value.
    return points.filter(value__startswith=text).values("customer_id")


def _by_phone(actor: Actor, text: str) -> QuerySet:
    points = actor.scope(ContactPoint.objects.filter(kind=ContactPoint.Kind.PHONE))
    try:
        return points.filter(value=phone_normalise(text)).values("customer_id")
    except Exception:
        return points.filter(value__endswith=digits(text)).values("customer_id")


def _matching(customers: QuerySet[Customer], groups: list[set[str]], limit: int | None, *, whole_words: bool, among: "Among") -> Found | None:
    """The customers whose folded text has, for every group of spellings, one of them: at the
    start of a word (`whole_words`) or anywhere. None when there are none.

    The text index gives the ids of the `limit` newest matches among `customers`, and the
    database sorts those by name: sorting every Rossi of a million customers to show the
    first fifty would cost more than the whole search may. See docs/decisions/003-customer-search.md.
    """
    shortest = (SQLITE_SHORTEST_WORD if whole_words else SQLITE_SHORTEST_PART) if connection.vendor == "sqlite" else 1
    indexed = [group for group in groups if min(map(len, group)) >= shortest]
    for group in groups:
        if group not in indexed:
            # Too short for the SQLite index to answer cheaply: checked row by row.
            customers = customers.filter(_any_of(group, whole_words))
    if not indexed:
        if limit is None:
            return Found(customers, False) if customers.exists() else None
        ids = list(customers.order_by("-pk").values_list("pk", flat=True)[: limit + 1])
        return Found(customers.filter(pk__in=_id_list(ids[:limit])), len(ids) > limit) if ids else None
    if connection.vendor == "sqlite":
        table = WORDS_TABLE if whole_words else TRIGRAM_TABLE
        query = " AND ".join("(" + " OR ".join(_fts_phrase(spelling, whole_words) for spelling in sorted(group)) + ")" for group in indexed)
        if limit is None:
            matches = customers.filter(pk__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [query]))
            return Found(matches, False) if matches.exists() else None
        ids, capped = _sqlite_newest(customers, table, query, limit)
        return Found(customers.filter(pk__in=_id_list(ids)), capped) if ids else None
    return _postgres_matching(customers, indexed, limit, whole_words=whole_words, among=among)


def _postgres_matching(
    customers: QuerySet[Customer], groups: list[set[str]], limit: int | None, *, whole_words: bool, among: "Among"
) -> Found | None:
    """PostgreSQL: whole words from the word table when it answers cheaply (search_words.py);
    otherwise the newest matches by the cheaper of two plans (`_newest_first`)."""
    tsquery = None
    if whole_words:
        words = search_words.words_beginning(among.network_id, groups)
        if any(found == [] for found in words):
            return None  # a typed word begins no name of the network: nobody has them all
        particles = search_words.particles(among.network_id, groups)
        if limit is not None:
            ids = search_words.newest(
                customers, among.network_id, groups, words, limit, particles=particles, all_visible=among.everyone
            )
            if ids is not None:
                return Found(customers.filter(pk__in=_id_list(ids[:limit])), len(ids) > limit) if ids else None
        left_out = particles if len(particles) < len(groups) else set()
        tsquery = search_words.lexemes(groups, words, leave_out=left_out)
    # Each condition written twice, for the two plans `_newest_first` chooses between: in
    # the text index's terms (read through its GIN index) and as LIKE (checked row by row
    # along the primary key). Given both at once, the planner multiplies their
    # selectivities as if they were independent and misjudges by twenty times.
    by_row = by_index = customers.order_by()
    for group in groups:
        by_row = by_row.filter(_any_of(group, whole_words, past_the_index=True))
        if not whole_words:
            by_index = by_index.filter(_any_of(group, whole_words))  # pg_trgm's index serves this LIKE
    if tsquery is not None:
        by_index = by_index.filter(RawSQL(f"{WORDS_VECTOR} @@ %s::tsquery", [tsquery], output_field=BooleanField()))
        for i in left_out:
            by_index = by_index.filter(_any_of(groups[i], whole_words, past_the_index=True))
    if limit is None or not whole_words:
        # Parts of words are looked for after whole words found nobody, and mostly find
        # nobody too (a typo): the index says so at once, before any plan is weighed.
        if not by_index.exists():
            return None
        if limit is None:
            return Found(customers.filter(pk__in=by_index.values("pk")), False)
    with _planner_settings():
        ids = list(_newest_first(by_index, by_row, limit).values_list("pk", flat=True)[: limit + 1])
    return Found(customers.filter(pk__in=_id_list(ids[:limit])), len(ids) > limit) if ids else None


@contextmanager
def _planner_settings() -> Iterator[None]:
    """PostgreSQL, while a plan for the newest matches is weighed and run: no parallel
    workers and no JIT compilation, then put back (SQLite: nothing).

    Parallel workers take longer to start than either plan takes to run, and a walk along
    the primary key may be estimated dear enough to be compiled (100 ms) for a query of one.
    The word table's queries are estimated cheap and need neither.
    Set for the search only: inside a caller's transaction SET LOCAL would outlast it, so
    they are put back (an error rolls the savepoint back, and them with it).
    """
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'), current_setting('jit'),"
            " set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
        )
        workers, jit = cursor.fetchone()[:2]
        yield
        if nested:  # our own transaction's end puts them back by itself
            cursor.execute(
                "SELECT set_config('max_parallel_workers_per_gather', %s, true), set_config('jit', %s, true)", [workers, jit]
            )


def _id_list(ids: list[int]) -> RawSQL:
    """A subquery of these ids, as one parameter: the ORM's work on hundreds of IN
    parameters would cost more than the search, and the text index is not asked twice."""
    # As text: the driver's adaptation of a list of ints costs a search 0.4 ms each time.
    listed = ",".join(str(int(pk)) for pk in ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", ["{" + listed + "}"])
    return RawSQL("SELECT value FROM json_each(%s)", ["[" + listed + "]"])


# SQLite's word index answers a prefix of two letters cheaply (a single letter begins too
# many words); its trigram index needs three.
SQLITE_SHORTEST_WORD = 2
SQLITE_SHORTEST_PART = 3


def _sqlite_newest(customers: QuerySet[Customer], table: str, query: str, limit: int) -> tuple[list[int], bool]:
    """SQLite: the ids of the `limit` newest matches of `query` in the text index `table` that
    are among `customers` (the actor's, with the list's filters), and whether there are more.

    The index knows nothing of networks, sites or filters: it is read newest first in
    growing slices, each kept to what `customers` holds, until `limit` are found. With one
    network and no filter (the usual case) the first slice is the answer.
    """
    found: list[int] = []
    below, size = 2**63 - 1, limit + 1
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid < %s ORDER BY rowid DESC LIMIT %s"
    with connection.cursor() as cursor:
        while len(found) <= limit:
            cursor.execute(sql, [query, below, size])
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                break
            among = customers.order_by().filter(pk__in=_id_list(ids))
            kept = set(among.values_list("pk", flat=True))
            found += [pk for pk in ids if pk in kept]
            if len(ids) < size:
                break
            below, size = ids[-1], size * 4
    return found[:limit], len(found) > limit


# A row walked along the primary key costs about a tenth of a match read through a text
# index (0.24 µs against 2–3 µs, measured on a million customers).
WALK_COST_RATIO = 0.1


def _newest_first(by_index: QuerySet[Customer], by_row: QuerySet[Customer], limit: int) -> QuerySet[Customer]:
    """PostgreSQL: the matches newest first, by the cheaper of two plans.

    Walking the primary key backwards and checking each row (`by_row`) costs about
    limit / density rows; reading every match through the text index (`by_index`) and
    sorting costs about the matches, each dearer. They are equal at sqrt(ratio × limit ×
    rows): above it (the Rossi) walk, below it read the matches. Left to itself the planner
    often walks for a name with two thousand matches: 190 ms instead of 17. The estimate is
    the planner's own, from EXPLAIN.
    """
    sql, params = by_index.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        estimated = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
        # A table never analysed says -1: count it as one row rather than none.
        cursor.execute("SELECT GREATEST(reltuples, 1) FROM pg_class WHERE oid = 'people_customer'::regclass")
        rows = cursor.fetchone()[0]
    if estimated * estimated > WALK_COST_RATIO * limit * rows:
        return by_row.order_by("-pk")
    # "+ 0" hides the order from the primary key index: the planner reads the matches instead.
    return by_index.annotate(newest=F("pk") + 0).order_by("-newest")


def _any_of(spellings: set[str], whole_words: bool, *, past_the_index: bool = False) -> RawSQL:
    """Row by row: the folded text has one of the spellings, beginning a word or anywhere.

    `past_the_index` (PostgreSQL's walk along the primary key) writes the column so that
    pg_trgm's index cannot serve it (`|| ''`): misled by that index's estimates, the planner
    would otherwise read it after all, the plan that was judged dearer.
    """
    column = "(\"people_customer\".\"search_text\" || '')" if past_the_index else "\"people_customer\".\"search_text\""
    patterns = [p for s in sorted(spellings) for p in ((s + "%", "% " + s + "%") if whole_words else ("%" + s + "%",))]
    return RawSQL("(" + " OR ".join([f"{column} LIKE %s"] * len(patterns)) + ")", patterns, output_field=BooleanField())


def _fts_phrase(word: str, whole_words: bool) -> str:
    phrase = '"' + word.replace('"', "") + '"'
    return phrase + "*" if whole_words else phrase


def _spellings(actor: Actor, word: str) -> set[str]:
    """The word as typed and the known name words one edit away from it."""
    if len(word) < TYPO_MIN_LENGTH:
        return {word}
    return {word} | name_word_neighbours(network_id=actor.membership.network_id, word=word)


def name_word_neighbours(*, network_id: int, word: str) -> set[str]:
    """The network's name words within one insertion, deletion, substitution or swap of `word`."""
    keys = word_variants(word)
    found = NameWord.objects.filter(network_id=network_id, variant__in=keys).values_list("word", flat=True).distinct()
    return {candidate for candidate in found if edit_distance_at_most_one(word, candidate)}


def word_variants(word: str) -> set[str]:
    """The word and every form of it with one letter removed (the deletion neighbourhood)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
