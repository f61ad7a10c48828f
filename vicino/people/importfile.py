"""Reading a customer import file (CSV or XLSX) into headers and a stream of rows.

Pure functions, no database: the importer service maps and cleans the rows
(see importrows.py) and does the writing. The same module makes exported cells
safe to open in a spreadsheet, because both are about what Excel does to text.
"""

import codecs
import csv
import datetime
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# A million customers is about 120 MB of CSV: a whole network's base fits in one file.
MAX_BYTES = 200 * 1024 * 1024
SNIFF_BYTES = 8192
DELIMITERS = (";", ",", "\t")  # in order of preference on a tie: Italian Excel writes ";"

_XLSX_MAGIC = b"PK\x03\x04"
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other OLE2 files
# Control bytes never found in text. Tab, newlines, form feed and Ctrl-Z (the
# end-of-file mark some old DOS exports still carry) are allowed.
_BINARY_RE = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")
# The five bytes Windows-1252 leaves undefined: a file that is not UTF-8 and
# holds one of them is not a Windows-1252 text either.
_CP1252_UNDEFINED_RE = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_CHUNK = 256 * 1024


class ImportFileError(Exception):
    """A file that cannot be imported at all, with a stable code and a message for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImportTable:
    """An import file opened for reading: its column names and its data rows, read on demand.

    `rows` is a one-shot iterator; read the file again for a second pass. Every
    row has exactly len(headers) values. Blank rows inside the data are kept so
    that enumerate(rows, start=2) is the row number the user sees in the
    spreadsheet; blank rows at the end are dropped. Iterating may raise
    ImportFileError("unreadable") when the damage is past the first lines.
    """

    headers: list[str]
    rows: Iterator[list[str]]
    encoding: str
    delimiter: str | None
    format: Literal["csv", "xlsx"]


def file_read(data: bytes, filename: str) -> ImportTable:
    """Open an uploaded CSV or XLSX file, whatever its extension says, for the importer."""
    if not data:
        raise ImportFileError("empty", _("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            "too_large",
            message_format(
                _("The file is larger than %(max)d MB: split it into smaller files."), max=MAX_BYTES // 2**20
            ),
        )
    if data.startswith(_XLSX_MAGIC):
        return _xlsx_read(data, filename)
    if data.startswith(_OLD_EXCEL_MAGIC):
        raise ImportFileError(
            "unreadable",
            message_format(
                _("“%(name)s” is an old Excel file (.xls): save it as .xlsx or CSV and try again."), name=filename
            ),
        )
    return _csv_read(data, filename)


def _message_build(template: str, params: dict[str, object]) -> str:
    return str(template) % params


_message_lazy = lazy(_message_build, str)


def message_format(template: str, **params: object) -> str:
    """Fill a translatable message's %(name)s placeholders, translating only when it is shown.

    An import runs in a background task with no user language active; the
    report is read later, in the reader's language.
    """
    return _message_lazy(template, params)


def _unreadable(filename: str) -> ImportFileError:
    return ImportFileError(
        "unreadable",
        message_format(_("“%(name)s” is neither a CSV file nor an Excel (.xlsx) workbook."), name=filename),
    )


def _encoding_detect(data: bytes, filename: str) -> str:
    # Excel's "Unicode text" export is UTF-16 with a BOM, full of NUL bytes,
    # so it must be recognised before the binary check.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if data.startswith(b"%PDF") or _BINARY_RE.search(data, 0, SNIFF_BYTES):
            raise _unreadable(filename)
        if data.isascii():
            return "utf-8"
        candidates = ["utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"]
        if not _CP1252_UNDEFINED_RE.search(data):
            candidates.append("cp1252")
    for encoding in candidates:
        if _decodes(data, encoding):
            return encoding
    raise _unreadable(filename)


def _decodes(data: bytes, encoding: str) -> bool:
    # Decoded chunk by chunk and thrown away, so a big file is never held twice.
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _delimiter_sniff(line: str) -> str:
    # The header row decides: data rows hold commas in addresses and decimal
    # numbers, column names almost never do. Parsing (not counting) the line
    # respects quoted names such as "Nome, cognome".
    widths = {d: len(next(csv.reader([line], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: widths[d])
    return best if widths[best] > 1 else DELIMITERS[0]


def _csv_read(data: bytes, filename: str) -> ImportTable:
    encoding = _encoding_detect(data, filename)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_line = text.readline()
    delimiter = _delimiter_sniff(first_line)
    records = csv.reader(itertools.chain([first_line], text), delimiter=delimiter)
    headers, rows = _table_split(_csv_records(records, filename))
    return ImportTable(headers=headers, rows=rows, encoding=encoding, delimiter=delimiter, format="csv")


def _csv_records(records: Iterator[list[str]], filename: str) -> Iterator[list[str]]:
    try:
        yield from records
    except csv.Error as error:  # e.g. a field past csv.field_size_limit()
        raise _unreadable(filename) from error


def _xlsx_read(data: bytes, filename: str) -> ImportTable:
    import openpyxl  # only needed for workbooks; keeps CSV imports light

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # openpyxl raises whatever its zip and XML layers raise (BadZipFile,
        # KeyError for a .docx, InvalidFileException, ParseError...): to the
        # user they all mean the same thing.
        raise _unreadable(filename) from error
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError("empty", _("The file is empty."))
    sheet = workbook.worksheets[0]
    # The stored dimensions are often wrong in files written by other tools;
    # without them openpyxl reads the rows as they really are.
    sheet.reset_dimensions()
    headers, rows = _table_split(_xlsx_records(workbook, sheet, filename))
    return ImportTable(headers=headers, rows=rows, encoding="", delimiter=None, format="xlsx")


def _xlsx_records(workbook, sheet, filename: str) -> Iterator[list[str]]:
    try:
        for values in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in values]
    except Exception as error:  # damaged XML past the first rows; see _xlsx_read
        raise _unreadable(filename) from error
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """Turn a spreadsheet cell value into the text a person typed or saw in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    # A CAP, phone or member number typed in a cell is stored as a float.
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_split(records: Iterator[list[str]]) -> tuple[list[str], Iterator[list[str]]]:
    first = next(records, None)
    if first is None:
        raise ImportFileError("empty", _("The file is empty."))
    headers = [header.strip() for header in first]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        if any(any(cell.strip() for cell in record) for record in records):
            raise ImportFileError("no_header", _("The first row is empty: it must hold the column names."))
        raise ImportFileError("empty", _("The file is empty."))
    seen: set[str] = set()
    for header in headers:
        key = header.casefold()
        if key in seen:
            raise ImportFileError(
                "duplicate_columns",
                message_format(
                    _("The column “%(name)s” appears more than once: rename or remove the copies."), name=header
                ),
            )
        if key:
            seen.add(key)
    return headers, _rows_shape(records, len(headers))


def _rows_shape(records: Iterable[list[str]], width: int) -> Iterator[list[str]]:
    # Blank rows are counted rather than stored, so a sheet with a million
    # formatted but empty rows at the bottom costs no memory and yields nothing.
    blank = 0
    for record in records:
        if not any(cell.strip() for cell in record):
            blank += 1
            continue
        for _i in range(blank):
            yield [""] * width
        blank = 0
        # Values past the last named column have nothing to be mapped to.
        yield (record + [""] * (width - len(record)))[:width]


# Canonical import fields, in the order the mapping page lists them.
FIELDS: dict[str, str] = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "company_name": _("Company name"),
    "email": _("E-mail"),
    "phone": _("Phone"),
    "street": _("Street address"),
    "cap": _("CAP"),
    "city": _("City"),
    "province": _("Province"),
    "fiscal_code": _("Codice fiscale"),
    "vat_number": _("Partita IVA"),
    "member_number": _("Member number"),
    "birth_date": _("Birth date"),
    "language": _("Language"),
    "tags": _("Tags"),
    "site_code": _("Site code"),
    "consent_marketing_email": _("Marketing consent: e-mail"),
    "consent_marketing_sms": _("Marketing consent: SMS"),
    "consent_marketing_phone": _("Marketing consent: phone calls"),
    "consent_profiling": _("Profiling consent"),
    "external_id": _("External ID"),
}

# Fields that hold lists: several columns ("Telefono", "Cellulare") may feed
# one of them, and mapping_apply joins them with ";", which row_clean splits on.
MULTI_FIELDS = frozenset({"email", "phone", "tags"})

# Header names as _header_key reduces them: lower case, no accents, no
# spaces or punctuation ("C.A.P." -> "cap", "P. IVA" -> "piva").
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("nome", "firstname", "givenname", "forename"),
    "last_name": ("cognome", "surname", "lastname", "familyname"),
    "company_name": (
        "ragionesociale", "azienda", "company", "companyname", "societa", "ditta", "denominazione",
        "organization", "organisation",
    ),
    "email": ("email", "mail", "postaelettronica", "indirizzoemail", "emailaddress"),
    "phone": (
        "telefono", "tel", "cellulare", "cell", "phone", "mobile", "telephone", "phonenumber", "numeroditelefono",
        "numerotelefono", "mobilephone", "cellphone",
    ),
    "street": ("indirizzo", "via", "address", "street", "streetaddress"),
    "cap": ("cap", "codicepostale", "postalcode", "postcode", "zip", "zipcode"),
    "city": ("citta", "comune", "localita", "city", "town"),
    "province": ("provincia", "prov", "pr", "province", "siglaprovincia"),
    "fiscal_code": ("codicefiscale", "cf", "codfisc", "codfiscale", "fiscalcode", "taxcode"),
    "vat_number": ("partitaiva", "piva", "iva", "vat", "vatnumber", "vatid", "vatcode"),
    "member_number": (
        "numerosocio", "nsocio", "nrsocio", "tessera", "ntessera", "nrtessera", "notessera", "numerotessera",
        "membernumber", "membershipnumber",
    ),
    "birth_date": ("datadinascita", "datanascita", "natoil", "natail", "natoail", "birthdate", "dateofbirth", "dob"),
    "language": ("lingua", "language", "lang"),
    "tags": ("tag", "tags", "etichetta", "etichette", "labels"),
    "site_code": ("sede", "codicesede", "site", "sitecode", "puntovendita", "filiale"),
    "consent_marketing_email": (
        "consensomarketingemail", "consensoemail", "newsletter", "consensonewsletter", "marketingemail",
        "emailmarketing", "consentmarketingemail", "emailconsent",
    ),
    "consent_marketing_sms": (
        "consensosms", "consensomarketingsms", "marketingsms", "smsmarketing", "consentmarketingsms", "smsconsent",
    ),
    "consent_marketing_phone": (
        "consensotelefono", "consensotelefonico", "consensomarketingtelefono", "consensomarketingtelefonico",
        "marketingtelefonico", "phonemarketing", "consentmarketingphone", "phoneconsent",
    ),
    "consent_profiling": ("consensoprofilazione", "profilazione", "profiling", "consentprofiling"),
    "external_id": ("id", "codicecliente", "codcliente", "idcliente", "externalid", "customerid", "customercode"),
}
_ALIAS_FIELD: dict[str, str] = {alias: field for field, aliases in _HEADER_ALIASES.items() for alias in aliases}


def _header_key(header: str) -> str:
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


def mapping_guess(headers: list[str]) -> dict[str, str]:
    """Propose which import field each column holds, from its Italian or English name."""
    mapping: dict[str, str] = {}
    for header in headers:
        key = _header_key(header)
        # "Telefono 2", "E-mail 2": a numbered copy of a list field.
        field = _ALIAS_FIELD.get(key) or _ALIAS_FIELD.get(key.rstrip("0123456789"))
        if field and (field in MULTI_FIELDS or field not in mapping.values()):
            mapping[header] = field
    return mapping


def mapping_apply(headers: list[str], values: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Turn one row of the file into field -> raw text, ready for row_clean."""
    fields: dict[str, str] = {}
    for header, value in zip(headers, values):
        field = mapping.get(header)
        if not field:
            continue
        if field not in fields or not fields[field].strip():
            fields[field] = value
        elif field in MULTI_FIELDS and value.strip():
            fields[field] = f"{fields[field]}; {value}"
    return fields


# OWASP's CSV injection list: a cell starting with one of these is run as a
# formula by Excel and LibreOffice.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: str) -> str:
    """Make text safe to put in an exported CSV or spreadsheet cell, so it is never run as a formula."""
    # No exception for things that look like numbers: "+39 333 1234567" is a
    # formula to Excel (it evaluates "+39 333..." and shows #NAME? or worse),
    # and "-1+cmd|..." looks numeric until it is not. The quote is hidden by
    # Excel and keeps the phone number readable.
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
