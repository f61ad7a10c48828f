"""PostgreSQL: the newest customers whose names have, for every typed word, a word beginning so.

The GIN index over the words finds every match and then visits each customer to learn its
id and sort by it: 1.5 µs a match, 15–30 ms for a surname that a few thousand customers
share. The word table (`dbobjects.WORD_TABLE`) holds (network, word, customer) in a B-tree,
newest customer first within each word, so the newest matches of a word are the first
entries of its range, read without visiting anyone:

- *One typed word*: the words of the network it begins (a skip scan, an index probe each),
  then for each word its newest visible customers, merged: a few hundred index entries.
- *Several typed words*: the words each one begins go to the GIN index as exact lexemes (a
  prefix makes GIN gather and merge every word's list, four times dearer), which reads the
  few customers that have one of each. But when a typed word is a short particle that
  begins tens of thousands of names (De Luca, Lo Russo, Di Napoli), most customers with
  the other word have it too, and there are thousands of them: then the other word's
  newest customers are read off the word table and checked for the particle, up to
  DRIVE_BUDGET of them.

A prefix of one or two letters may begin more than MAX_WORDS words: the word table does
not answer it, and the caller walks the primary key or reads the GIN index with the prefix.
See docs/decisions/003-customer-search.md.
"""

from django.db import connection
from django.db.models import QuerySet

from .dbobjects import WORD_TABLE
from .models import Customer

# Words a typed prefix may begin for the word table to be read word by word.
MAX_WORDS = 64
# A typed word this short that begins this many names is a particle (de, di, lo, dal).
PARTICLE_LENGTH = 3
PARTICLE_ENTRIES = 20_000
# The other word's newest customers checked for the particle before the GIN index is asked;
# the other word may begin at most DRIVER_WORDS words.
DRIVE_BUDGET = 3_000
DRIVER_WORDS = 8

Groups = list[set[str]]


def words_beginning(network_id: int, groups: Groups) -> list[list[str] | None]:
    """For each group of spellings, the network's words that one of them begins (None: more than MAX_WORDS)."""
    spellings = sorted({spelling for group in groups for spelling in group})
    # One skip scan per spelling, all in one statement: each step is the next word of the range.
    ctes, selects, params = [], [], []
    for i, spelling in enumerate(spellings):
        ctes.append(
            f"w{i}(word) AS ((SELECT word FROM {WORD_TABLE} WHERE network_id = %s AND word >= %s AND word < %s ORDER BY word LIMIT 1)"
            f" UNION ALL SELECT (SELECT word FROM {WORD_TABLE} WHERE network_id = %s AND word > w{i}.word AND word < %s"
            f" ORDER BY word LIMIT 1) FROM w{i} WHERE w{i}.word IS NOT NULL)"
        )
        params += [network_id, spelling, _after(spelling), network_id, _after(spelling)]
        selects.append(f"(SELECT {i}, word FROM w{i} WHERE word IS NOT NULL LIMIT {MAX_WORDS + 1})")
    with connection.cursor() as cursor:
        cursor.execute("WITH RECURSIVE " + ", ".join(ctes) + " " + " UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    begun: dict[str, list[str]] = {spelling: [] for spelling in spellings}
    for i, word in rows:
        begun[spellings[i]].append(word)
    result: list[list[str] | None] = []
    for group in groups:
        if any(len(begun[spelling]) > MAX_WORDS for spelling in group):
            result.append(None)
        else:
            result.append(sorted({word for spelling in group for word in begun[spelling]}))
    return result


def particles(network_id: int, groups: Groups) -> set[int]:
    """The groups that are particles: every spelling at most PARTICLE_LENGTH letters, and
    beginning more than PARTICLE_ENTRIES names (asked of the planner only for short ones)."""
    if len(groups) < 2:
        return set()
    return {
        i for i, group in enumerate(groups)
        if max(map(len, group)) <= PARTICLE_LENGTH and _entries(network_id, group) > PARTICLE_ENTRIES
    }  # fmt: skip


def newest(
    customers: QuerySet[Customer], network_id: int, groups: Groups, words: list[list[str] | None], limit: int,
    *, particles: set[int], all_visible: bool,
) -> list[int] | None:
    """The ids of the `limit` + 1 newest of `customers` that match every group, newest first;
    None when the GIN index is the cheaper way (or the only one).

    `all_visible`: `customers` are all the network's live customers, so every customer in
    the word table is one of them (merged and erased customers have no words left) and none
    is looked up: the page that shows them is read through `customers` all the same.
    """
    if all_visible:
        visible, visible_params = "TRUE", []
    else:
        sql, visible_params = customers.order_by().values("pk").query.sql_with_params()
        visible = f"{{alias}}.customer_id IN ({sql})"
    if len(groups) == 1:
        if words[0] is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT DISTINCT x.customer_id FROM unnest(%s::text[]) AS t(word), LATERAL (
                        SELECT a.customer_id FROM {WORD_TABLE} a
                        WHERE a.network_id = %s AND a.word = t.word COLLATE "C" AND {visible.format(alias="a")}
                        ORDER BY a.customer_id DESC LIMIT %s) x
                    ORDER BY 1 DESC LIMIT %s""",
                [words[0], network_id, *visible_params, limit + 1, limit + 1],
            )
            return [row[0] for row in cursor.fetchall()]
    # Two words, one a particle: the other one's newest customers, checked for the particle.
    if len(groups) != 2 or len(particles) != 1:
        return None
    (particle,) = particles
    driver = 1 - particle
    if words[driver] is None or len(words[driver]) > DRIVER_WORDS:
        return None
    condition, condition_params = _ranges("b.word", groups[particle])
    with connection.cursor() as cursor:
        # The outer ORDER BY is the candidates' own: PostgreSQL streams them in order and
        # stops checking at the limit.
        cursor.execute(
            f"""SELECT c.customer_id FROM (
                    SELECT DISTINCT x.customer_id FROM unnest(%s::text[]) AS t(word), LATERAL (
                        SELECT customer_id FROM {WORD_TABLE} WHERE network_id = %s AND word = t.word COLLATE "C"
                        ORDER BY customer_id DESC LIMIT %s) x
                    ORDER BY 1 DESC LIMIT %s) c
                WHERE EXISTS (SELECT 1 FROM {WORD_TABLE} b WHERE b.customer_id = c.customer_id AND {condition})
                    AND {visible.format(alias="c")}
                ORDER BY 1 DESC LIMIT %s""",
            [words[driver], network_id, DRIVE_BUDGET, DRIVE_BUDGET, *condition_params, *visible_params, limit + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) > limit:
            return ids
        # Fewer than the limit among the candidates read: the answer if those were all of them.
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {WORD_TABLE} WHERE network_id = %s AND word = ANY(%s) LIMIT %s) t",
            [network_id, words[driver], DRIVE_BUDGET + 1],
        )
        return ids if cursor.fetchone()[0] <= DRIVE_BUDGET else None


def lexemes(groups: Groups, words: list[list[str] | None], *, leave_out: set[int]) -> str:
    """The GIN index's query: for each group its words as exact lexemes, or its prefixes where
    they begin too many. `leave_out`: groups the caller checks row by row (particles beside
    other words: their lists are the longest to merge and the least telling)."""
    # Quoted lexemes, not parsed text: the words are [a-z0-9]+ (fold_query) and stay whole.
    alternatives = [
        [f"'{spelling}':*" for spelling in sorted(group)] if found is None else [f"'{word}'" for word in found]
        for i, (group, found) in enumerate(zip(groups, words, strict=True))
        if i not in leave_out
    ]
    return " & ".join("(" + " | ".join(choice) + ")" for choice in alternatives)


def _entries(network_id: int, group: set[str]) -> float:
    """The planner's estimate of the word table's entries for the group: the B-tree's own statistics."""
    condition, params = _ranges("word", group)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {WORD_TABLE} WHERE network_id = %s AND {condition}", [network_id, *params])
        return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]


def _ranges(column: str, group: set[str]) -> tuple[str, list[str]]:
    """`column` begins with one of the spellings, as ranges of the "C"-ordered index."""
    spellings = sorted(group)
    condition = " OR ".join(f"({column} >= %s AND {column} < %s)" for _s in spellings)
    return f"({condition})", [value for spelling in spellings for value in (spelling, _after(spelling))]


def _after(prefix: str) -> str:
    """The first string past every string that begins with `prefix` ([a-z0-9] words)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
