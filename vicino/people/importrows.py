"""Cleaning one row of a customer import: raw text in, typed values and per-field errors out.

Pure functions, no database. The importer service reads the file with
importfile.file_read, maps columns with importfile.mapping_apply, cleans each
row here, and decides what to write.
"""

import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva

from vicino.core.italy import fiscal_code_is_valid
from vicino.people.importfile import MULTI_FIELDS, message_format
from vicino.people.phones import phone_normalise

TAG_MAX_LENGTH = 50

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_EMAIL_SPLIT_RE = re.compile(r"[;,\s]+")
# Most addresses are plain (mario.rossi@example.it): a strict subset of what Django's
# validate_email accepts, checked with one regex; anything else goes to validate_email.
_PLAIN_EMAIL_RE = re.compile(r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_PHONE_SPLIT_RE = re.compile(r"[;,]")
_COMPACT_CODE_RE = re.compile(r"[A-Za-z0-9]{16}")
_TAG_SPLIT_RE = re.compile(r"[,;|]")
_DATE_DMY_RE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?:[ T][0-9:.]+)?")
_DATE_YMD_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9:.]+)?")
_LANGUAGES = {"it": "it", "ita": "it", "italiano": "it", "italian": "it",
              "en": "en", "eng": "en", "inglese": "en", "english": "en"}  # fmt: skip
_CONSENT = {**dict.fromkeys(("sì", "si", "s", "yes", "y", "1", "x", "true", "vero"), True),
            **dict.fromkeys(("no", "n", "0", "false", "falso"), False)}  # fmt: skip
_TEXT_FIELDS = ("first_name", "last_name", "company_name", "street", "city")
_CONSENT_FIELDS = ("consent_marketing_email", "consent_marketing_sms", "consent_marketing_phone", "consent_profiling")


@dataclass(frozen=True)
class RowError:
    """One problem in an import row, told to the user in their language; field is "" for the whole row."""

    field: str
    code: str
    message: str


@dataclass
class RowResult:
    """A cleaned import row: data holds only the fields that were in the file and are valid."""

    data: dict = dataclasses.field(default_factory=dict)
    errors: list[RowError] = dataclasses.field(default_factory=list)


# Every cleaner takes the trimmed NFC text and a report(code, template, value)
# callback, and returns the clean value or _INVALID after reporting why.
Report = Callable[[str, str, str], None]
_INVALID = object()
_OUTPUT_NAMES = {"email": "emails", "phone": "phones"}
_MISSING_NAME = _("The row has no name: give a first name, a last name or a company name.")


def row_clean(values: dict[str, str], *, provinces: set[str], today: datetime.date | None = None) -> RowResult:
    """Turn one mapped import row (field -> raw text) into typed values and errors.

    A field absent from values is absent from data, so an update can tell "not
    in the file" from "blank in the file"; so is a field with an error. Keys of
    data: kind (always), the given fields, but email -> emails and phone ->
    phones (lists). today is for tests; birth dates after it are refused.
    """
    return RowCleaner(provinces=provinces, today=today).clean(values)


class RowCleaner:
    """`row_clean` for many rows: the cleaners are set up once, not for every row of a million."""

    def __init__(self, *, provinces: set[str], today: datetime.date | None = None) -> None:
        self.cleaners: dict[str, Callable[[str, Report], object]] = {
            **dict.fromkeys(_TEXT_FIELDS, _text_clean),
            **dict.fromkeys(("member_number", "external_id", "site_code"), lambda text, report: text),
            **dict.fromkeys(_CONSENT_FIELDS, _consent_clean),
            "email": _emails_clean,
            "phone": _phones_clean,
            "cap": _cap_clean,
            "province": partial(_province_clean, provinces=provinces),
            "fiscal_code": _fiscal_code_clean,
            "vat_number": _vat_number_clean,
            "birth_date": partial(_birth_date_clean, today=today or timezone.localdate()),
            "language": _language_clean,
            "tags": _tags_clean,
        }
        # The row being cleaned's error list: each field's reporter appends to it, so no
        # reporter is made per row and field.
        self._errors: list[RowError] = []
        self._fields = {name: _Field(self, name, cleaner) for name, cleaner in self.cleaners.items()}

    def clean(self, values: dict[str, str]) -> RowResult:
        """Clean one row given as field -> raw text (what `importfile.mapping_apply` makes)."""
        return self._clean([(self._fields[name], raw) for name, raw in values.items() if name in self._fields])

    def for_columns(self, headers: list[str], mapping: dict[str, str]) -> Callable[[list[str]], RowResult]:
        """`clean` for rows read as lists of values under `headers`: the mapping worked out once.

        Gives what `clean(mapping_apply(headers, values, mapping))` gives: a field mapped from
        several columns takes the first that is not blank, or, for e-mails, phones and tags,
        all of them.
        """
        columns: dict[str, list[int]] = {}
        for index, header in enumerate(headers):
            name = mapping.get(header)
            if name in self._fields:
                columns.setdefault(name, []).append(index)
        plan = [(self._fields[name], indexes) for name, indexes in columns.items()]
        if all(len(indexes) == 1 for _field, indexes in plan):
            single = [(field, indexes[0]) for field, indexes in plan]
            return lambda values: self._clean([(field, values[index]) for field, index in single])

        def joined(field: _Field, values: list[str], indexes: list[int]) -> str:
            given = [values[index] for index in indexes if values[index].strip()]
            if not given:
                return ""
            return "; ".join(given) if field.name in MULTI_FIELDS else given[0]

        return lambda values: self._clean([(field, joined(field, values, indexes)) for field, indexes in plan])

    def _clean(self, pairs: list[tuple["_Field", str]]) -> RowResult:
        result = RowResult()
        data = result.data
        self._errors = result.errors
        for field, raw in pairs:
            text = raw.strip() if raw else ""
            if not text and field.blank is not _CALL:
                value = field.blank
            else:
                value = field.cleaner(text if text.isascii() else unicodedata.normalize("NFC", text), field.report)
            if value is not _INVALID:
                data[field.output] = value
        first, last, company = data.get("first_name", ""), data.get("last_name", ""), data.get("company_name", "")
        if not (first or last or company):
            result.errors.append(RowError("", "missing_name", _MISSING_NAME))
        data["kind"] = "company" if company and not (first or last) else "person"
        return result


_CALL = object()  # a cleaner whose blank value is a fresh list: called every time


class _Field:
    """One field of the import: its cleaner, where its clean value goes, its reporter."""

    __slots__ = ("owner", "name", "output", "cleaner", "blank")

    def __init__(self, owner: RowCleaner, name: str, cleaner: Callable[[str, Report], object]) -> None:
        self.owner, self.name, self.cleaner = owner, name, cleaner
        self.output = _OUTPUT_NAMES.get(name, name)
        # A blank cell is never an error, and most cells of most files are blank: its
        # value is worked out once (lists are not shared between rows).
        blank = cleaner("", self._refuse_blank)
        self.blank = _CALL if isinstance(blank, list) else blank

    def report(self, code: str, template: str, value: str) -> None:
        self.owner._errors.append(RowError(self.name, code, message_format(template, value=value)))

    def _refuse_blank(self, code: str, template: str, value: str) -> None:
        raise AssertionError(f"a blank {self.name} must not be an error")


def _text_clean(text: str, report: Report) -> str:
    # Names are kept as typed (D'Angelo, Nicolò) but with one kind of
    # apostrophe, so the same person typed on a Mac and on Windows is one person.
    return " ".join((text if text.isascii() else text.translate(_APOSTROPHES)).split())


def _emails_clean(text: str, report: Report) -> list[str]:
    emails: list[str] = []
    for address in filter(None, _EMAIL_SPLIT_RE.split(text.lower())):
        if not (len(address) <= 254 and _PLAIN_EMAIL_RE.fullmatch(address)):
            try:
                validate_email(address)
            except ValidationError:
                report("bad_email", _("“%(value)s” is not a valid e-mail address."), address)
                continue
        if address not in emails:
            emails.append(address)
    return emails


def _phones_clean(text: str, report: Report) -> list[str]:
    phones: list[str] = []
    for part in filter(None, (part.strip() for part in _PHONE_SPLIT_RE.split(text))):
        numbers = _phones_parse(part)
        if numbers is None:
            report("bad_phone", _("“%(value)s” is not a valid phone number."), part)
            continue
        phones.extend(number for number in numbers if number not in phones)
    return phones


def _cap_clean(text: str, report: Report) -> object:
    # Excel reads a CAP as a number and drops its leading zeros: 06129
    # (Perugia) becomes 6129 and 00185 (Roma) becomes 185. The lowest CAP in
    # use is 00010, so two to four digits can only be such a number.
    if not text:
        return ""
    if text.isascii() and text.isdigit() and 2 <= len(text) <= 5 and int(text) >= 10:
        return text.zfill(5)
    report("bad_cap", _("“%(value)s” is not a valid CAP: it must be five digits."), text)
    return _INVALID


def _province_clean(text: str, report: Report, *, provinces: set[str]) -> object:
    province = text.strip("()").strip().upper()  # "(MI)", as written after a city
    if not province or province in provinces:
        return province
    report("unknown_province", _("“%(value)s” is not an Italian province code."), text)
    return _INVALID


def _fiscal_code_clean(text: str, report: Report) -> object:
    # A company's codice fiscale is its 11-digit partita IVA, which loses its
    # leading zeros in Excel just like a CAP.
    code = text.upper() if _COMPACT_CODE_RE.fullmatch(text) else _zeros_restore(codicefiscale.compact(text))
    if not code or fiscal_code_is_valid(code):
        return code
    report("bad_fiscal_code", _("“%(value)s” is not a valid codice fiscale."), text)
    return _INVALID


def _vat_number_clean(text: str, report: Report) -> object:
    number = _zeros_restore(iva.compact(text))  # compact also drops the "IT" prefix
    if not number or iva.is_valid(number):
        return number
    report("bad_vat_number", _("“%(value)s” is not a valid partita IVA."), text)
    return _INVALID


def _birth_date_clean(text: str, report: Report, *, today: datetime.date) -> object:
    if not text:
        return None
    date, template = _date_parse(text, today)
    if template:
        report("bad_date", template, text)
        return _INVALID
    return date


def _language_clean(text: str, report: Report) -> object:
    if not text:
        return ""  # the importer applies the network's default
    if text.casefold() in _LANGUAGES:
        return _LANGUAGES[text.casefold()]
    report("bad_language", _("“%(value)s” is not a language we know: write “it” or “en”."), text)
    return _INVALID


def _tags_clean(text: str, report: Report) -> list[str]:
    tags: list[str] = []
    for tag in (" ".join(part.split()) for part in _TAG_SPLIT_RE.split(text)):
        if len(tag) > TAG_MAX_LENGTH:
            report("bad_tag", _("The tag “%(value)s” is longer than 50 characters."), tag)
        elif tag and tag.casefold() not in {seen.casefold() for seen in tags}:
            tags.append(tag)
    return tags


def _consent_clean(text: str, report: Report) -> object:
    if not text:
        return None  # not stated, which is not the same as a no
    if text.casefold() in _CONSENT:
        return _CONSENT[text.casefold()]
    report("bad_consent", _("“%(value)s” is not a yes or no answer."), text)
    return _INVALID


def _zeros_restore(number: str) -> str:
    # An 11-digit number (partita IVA) that lost leading zeros; only put back
    # when the check digit then agrees, so a wrong number is not made right.
    if number.isascii() and number.isdigit() and 7 <= len(number) < 11 and iva.is_valid(number.zfill(11)):
        return number.zfill(11)
    return number


def _phone_parse(text: str) -> str | None:
    try:
        return phone_normalise(text)
    except ValidationError:
        return None


def _phones_parse(text: str) -> list[str] | None:
    # "/" separates two numbers ("333 1234567 / 347 7654321") but is also how
    # Italians write an area code ("02/12345678"): split only when every side
    # is a valid number on its own.
    if "/" in text:
        sides = [_phone_parse(side) for side in text.split("/")]
        if all(sides):
            return sides
    number = _phone_parse(text)
    return [number] if number else None


def _date_parse(text: str, today: datetime.date) -> tuple[datetime.date | None, str | None]:
    if match := _DATE_YMD_RE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DATE_DMY_RE.fullmatch(text):
        day, _separator, month, year = match.groups()
        if len(year) != 4:
            # 01/02/03 could be 1903 or 2003, and a birth date can be either.
            return None, _("“%(value)s” has a two-digit year: write the year in full, e.g. 01/02/1980.")
    else:
        return None, _("“%(value)s” is not a date: write it as dd/mm/yyyy.")
    try:
        date = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None, _("“%(value)s” is not a date that exists.")
    if date > today:
        return None, _("“%(value)s” is in the future.")
    return date, None


_MONEY_NOISE_RE = re.compile(r"€|eur|\s", re.IGNORECASE)
_DECIMAL_COMMA_RE = re.compile(r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")
_DECIMAL_POINT_RE = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
# "1.234" is 1234 to an Italian and 1.234 to a spreadsheet; "1,234" the other
# way round. Guessing wrong is a thousandfold error, so neither is guessed.
_AMBIGUOUS_RE = re.compile(r"[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}")


def decimal_parse(text: str) -> Decimal:
    """Read an amount as Italians and spreadsheets write it: "€ 1.234,56", "1234,56" or "1234.56"."""
    compact = _MONEY_NOISE_RE.sub("", text)
    if _AMBIGUOUS_RE.fullmatch(compact):
        raise ValueError(f"ambiguous amount, thousands or decimals: {text!r}")
    # Whichever separator comes last is the decimal one. A lone "." is a
    # decimal point, as a spreadsheet writes 1234.5, and a lone "," a decimal
    # comma; several dots ("1.234.567") can only be thousands.
    if compact.rfind(",") > compact.rfind(".") or compact.count(".") > 1:
        ok, normal = _DECIMAL_COMMA_RE.fullmatch(compact), compact.replace(".", "").replace(",", ".")
    else:
        ok, normal = _DECIMAL_POINT_RE.fullmatch(compact), compact.replace(",", "")
    if not ok:
        raise ValueError(f"not an amount: {text!r}")
    try:
        return Decimal(normal)
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {text!r}") from error
