"""The customer search box: names, e-mail, phone in any format, member number; accents and one typo forgiven.

Folding happens once, in Python (`folding.fold`), into `Customer.search_text`, so both
databases compare the same text. Each database then answers "which customers contain
these words" from its own index over that column — an FTS5 trigram table on SQLite,
a pg_trgm GIN index on PostgreSQL — and a typo is corrected against the network's
dictionary of name words (`NameWord`: every word with its one-letter deletions), an
exact Damerau distance-1 match that gives the same candidates on both.
See docs/decisions/003-customer-search.md.
"""

import re

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from vicino.core.actor import Actor

from .folding import digits, edit_distance_at_most_one, fold, fold_query
from .models import ContactPoint, Customer, NameWord
from .phones import phone_normalise

TYPO_MIN_LENGTH = 4
_PHONE_LIKE = re.compile(r"^[\d\s+().\-/]+$")
_FISCAL_CODE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")


def customer_search(*, actor: Actor, text: str, base: QuerySet[Customer] | None = None) -> QuerySet[Customer]:
    """The visible customers matching `text`; `base` is the scoped list to narrow (filters kept)."""
    from .queries import customer_list

    customers = base if base is not None else customer_list(actor=actor)
    text = (text or "").strip()[:100]
    if not text:
        return customers
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
    words = fold_query(text)
    if not words:
        return customers.none()
    exact = customers.filter(_contains_all(words))
    if exact.exists():
        return exact
    return customers.filter(_contains_any_spelling(actor, words))


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


def _contains_all(words: list[str]) -> Q:
    """Every word appears in the folded text (as a substring: prefixes and inner words match)."""
    condition = Q()
    for word in words:
        condition &= _contains(word)
    return condition


def _contains(word: str) -> Q:
    if connection.vendor == "sqlite" and len(word) >= 3:
        # The FTS5 trigram index answers substring queries of three letters or more.
        return Q(pk__in=RawSQL("SELECT rowid FROM people_customer_fts WHERE search_text MATCH %s", [_fts_phrase(word)]))
    # PostgreSQL's pg_trgm GIN index serves LIKE '%word%' (and SQLite scans for short words).
    return Q(search_text__contains=word)


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def _contains_any_spelling(actor: Actor, words: list[str]) -> Q:
    """Each word as typed or as a known name word one edit away from it."""
    condition = Q()
    for word in words:
        spellings = {word}
        if len(word) >= TYPO_MIN_LENGTH:
            spellings |= name_word_neighbours(network_id=actor.membership.network_id, word=word)
        alternatives = Q()
        for spelling in sorted(spellings):
            alternatives |= _contains(spelling)
        condition &= alternatives
    return condition


def name_word_neighbours(*, network_id: int, word: str) -> set[str]:
    """The network's name words within one insertion, deletion, substitution or swap of `word`."""
    keys = word_variants(word)
    found = NameWord.objects.filter(network_id=network_id, variant__in=keys).values_list("word", flat=True).distinct()
    return {candidate for candidate in found if edit_distance_at_most_one(word, candidate)}


def word_variants(word: str) -> set[str]:
    """The word and every form of it with one letter removed (the deletion neighbourhood)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def name_words(*parts: str) -> set[str]:
    """The folded words of a name worth correcting typos against."""
    return {w for part in parts for w in fold(part).split() if len(w) >= TYPO_MIN_LENGTH and not w.isdigit()}

