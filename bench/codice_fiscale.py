"""The codice fiscale algorithm (DM 23/12/1976): surname and name letters, date, place, check character."""

from __future__ import annotations

import unicodedata


def ascii_letters(text: str) -> str:
    """'Nicolò D'Angelo' -> 'Nicolo D'Angelo'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _cf_letters(text: str) -> str:
    return "".join(c for c in ascii_letters(text).upper() if "A" <= c <= "Z")


_VOWELS = frozenset("AEIOU")


def cf_surname_code(surname: str) -> str:
    letters = _cf_letters(surname)
    consonants = [c for c in letters if c not in _VOWELS]
    vowels = [c for c in letters if c in _VOWELS]
    return ("".join(consonants + vowels) + "XXX")[:3]


def cf_name_code(name: str) -> str:
    letters = _cf_letters(name)
    consonants = [c for c in letters if c not in _VOWELS]
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    vowels = [c for c in letters if c in _VOWELS]
    return ("".join(consonants + vowels) + "XXX")[:3]


_CF_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        (1, 0, 5, 7, 9, 13, 15, 17, 19, 21) + (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12,
                                              14, 16, 10, 22, 25, 24, 23),
        strict=True,
    )
)
_CF_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + k): k for k in range(26)}}
CF_MONTHS = "ABCDEHLMPRST"


def cf_partial(chunk: str, start: int) -> int:
    """Sum of the check-character values of chunk placed at 0-based position start of the code."""
    return sum((_CF_ODD if (start + k) % 2 == 0 else _CF_EVEN)[c] for k, c in enumerate(chunk))


def cf_check_char(first15: str) -> str:
    return chr(65 + cf_partial(first15, 0) % 26)


def fiscal_code(surname: str, name: str, female: bool, year: int, month: int, day: int, belfiore: str) -> str:
    """The codice fiscale by the official algorithm (no omocodia). Rows get the same result from precomputed parts."""
    body = (
        cf_surname_code(surname) + cf_name_code(name) + f"{year % 100:02d}" + CF_MONTHS[month - 1]
        + f"{day + (40 if female else 0):02d}" + belfiore
    )
    return body + cf_check_char(body)
