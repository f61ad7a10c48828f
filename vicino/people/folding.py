"""Text as search sees it: accents, apostrophes and case folded away, the same on every database.

"D'Angelo Nicolò" is stored and searched as "dangelo d angelo nicolo", so `dangelo`,
`angelo` and `nicolo` all find it on SQLite and PostgreSQL alike.
"""

import re
import unicodedata
from typing import NamedTuple

_APOSTROPHES = "'’`´ʼ‘"
_NON_WORD = re.compile(r"[^0-9a-z]+")


_PLAIN_ASCII = re.compile(r"[A-Za-z0-9 ]*")


def fold(text: str) -> str:
    """Lower-case ASCII words; an apostrophe joins its word both ways (d'angelo → dangelo d angelo)."""
    if not text:
        return ""
    if _PLAIN_ASCII.fullmatch(text):
        # Most names are plain letters: nothing to unaccent or join.
        return " ".join(dict.fromkeys(text.lower().split()))
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    words: list[str] = []
    for raw in plain.split():
        if any(mark in raw for mark in _APOSTROPHES):
            joined = _NON_WORD.sub("", raw)
            if joined:
                words.append(joined)
        words.extend(part for part in _NON_WORD.split(raw) if part)
    return " ".join(dict.fromkeys(words))


def fold_query(text: str) -> list[str]:
    """The words of a search: folded, apostrophes joined (what a person types as one word)."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    return [word for word in _NON_WORD.split(plain) if word]


def digits(text: str) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


# Name words shorter than this are not corrected for typos (too many near neighbours).
TYPO_MIN_LENGTH = 4


class NameTexts(NamedTuple):
    """What a customer's names become for search and duplicates, each part folded once."""

    search_text: str  # names and member number: what the search box matches
    name_key: str  # "first last" (or the company): records sharing it are duplicate candidates
    words: set[str]  # the name words worth correcting a typo against


def name_texts(first_name: str, last_name: str, company_name: str, member_number: str = "") -> NameTexts:
    first, last, company = fold(first_name), fold(last_name), fold(company_name)
    search_text = " ".join(part for part in (first, last, company, fold(member_number)) if part)
    name_key = (f"{first} {last}".strip() if first_name or last_name else company)[:200]
    words = {w for part in (first, last, company) for w in part.split() if len(w) >= TYPO_MIN_LENGTH and not w.isdigit()}
    return NameTexts(search_text, name_key, words)


def name_words(first_name: str, last_name: str, company_name: str) -> set[str]:
    """The folded words of a name worth correcting typos against."""
    return name_texts(first_name, last_name, company_name).words
