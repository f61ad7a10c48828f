"""Reading import files (importfile.py) and cleaning their rows (importrows.py); no database."""

import codecs
import datetime
import io
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from vicino.core.italy import PROVINCE_NAMES
from vicino.people.importfile import (
    FIELDS,
    MAX_BYTES,
    ImportFileError,
    cell_safe,
    file_read,
    mapping_apply,
    mapping_guess,
)
from vicino.people.importrows import RowCleaner, decimal_parse, row_clean


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source messages; the Italian ones are checked through the pages."""
    with translation.override("en"):
        yield

PROVINCES = set(PROVINCE_NAMES)
TODAY = datetime.date(2025, 6, 1)


def clean(**values: str):
    return row_clean(values, provinces=PROVINCES, today=TODAY)


def codes(result) -> list[str]:
    return [error.code for error in result.errors]


def xlsx(*rows: list) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_error(data: bytes, filename: str = "clienti.csv") -> ImportFileError:
    with pytest.raises(ImportFileError) as error:
        table = file_read(data, filename)
        list(table.rows)
    return error.value


# Reading files


def test_a_semicolon_csv_from_italian_excel_in_windows_1252_keeps_nicolo_and_d_angelo():
    data = "Nome;Cognome;Indirizzo\r\nNicolò;D’Angelo;Via Roma, 1\r\n".encode("cp1252")
    assert b"Nicol\xf2" in data and b"D\x92Angelo" in data

    table = file_read(data, "clienti.csv")

    assert (table.format, table.encoding, table.delimiter) == ("csv", "cp1252", ";")
    assert table.headers == ["Nome", "Cognome", "Indirizzo"]
    assert list(table.rows) == [["Nicolò", "D’Angelo", "Via Roma, 1"]]


def test_utf8_with_a_bom_is_read_and_the_bom_does_not_stick_to_the_first_column():
    data = codecs.BOM_UTF8 + "Nome;Città\nNicolò;Forlì\n".encode()

    table = file_read(data, "clienti.csv")

    assert table.encoding == "utf-8-sig"
    assert table.headers == ["Nome", "Città"]
    assert mapping_guess(table.headers) == {"Nome": "first_name", "Città": "city"}
    assert list(table.rows) == [["Nicolò", "Forlì"]]


def test_utf8_without_a_bom_is_preferred_to_windows_1252():
    table = file_read("Nome,Cognome\nNicolò,Sà\n".encode(), "clienti.csv")
    assert (table.encoding, table.delimiter) == ("utf-8", ",")
    assert list(table.rows) == [["Nicolò", "Sà"]]


def test_a_tab_delimited_file_is_read():
    table = file_read(b"Nome\tCognome\tIndirizzo\nMario\tRossi\tVia Po, 3; scala B\n", "clienti.txt")
    assert table.delimiter == "\t"
    assert list(table.rows) == [["Mario", "Rossi", "Via Po, 3; scala B"]]


def test_the_header_decides_the_delimiter_even_when_data_is_full_of_commas():
    data = b'"Nome, completo";Note\nMario Rossi;"a, b, c, d, e"\n'
    table = file_read(data, "clienti.csv")
    assert table.delimiter == ";"
    assert table.headers == ["Nome, completo", "Note"]


def test_excel_unicode_text_in_utf16_is_read():
    data = "Nome\tCognome\r\nNicolò\tD’Angelo\r\n".encode("utf-16")
    table = file_read(data, "clienti.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert list(table.rows) == [["Nicolò", "D’Angelo"]]


def test_short_rows_are_padded_and_values_past_the_last_named_column_dropped():
    table = file_read(b"Nome;Cognome;;\nMario\nLuigi;Verdi;extra;more\n", "clienti.csv")
    assert table.headers == ["Nome", "Cognome"]
    assert list(table.rows) == [["Mario", ""], ["Luigi", "Verdi"]]


def test_blank_rows_in_the_middle_keep_row_numbers_and_blank_rows_at_the_end_are_dropped():
    table = file_read(b"Nome;Cognome\nMario;Rossi\n;\n\nLuigi;Verdi\n;\n;;\n\n", "clienti.csv")
    assert list(table.rows) == [["Mario", "Rossi"], ["", ""], ["", ""], ["Luigi", "Verdi"]]


def test_an_xlsx_gives_text_as_excel_shows_it_and_never_evaluates_formulas():
    data = xlsx(
        ["Nome", "Cognome", "CAP", "Data di nascita", "Totale", "Sconto", "Note"],
        ["Mario", "Rossi", 6129, datetime.date(1980, 3, 12), "=1+1", 12.5, None],
        ["Luigi", "Verdi", 20121.0, datetime.datetime(1975, 1, 2), '=HYPERLINK("http://x.example","y")', 3, True],
    )

    table = file_read(data, "clienti.csv")  # the content decides, not the name

    assert (table.format, table.delimiter) == ("xlsx", None)
    assert table.headers == ["Nome", "Cognome", "CAP", "Data di nascita", "Totale", "Sconto", "Note"]
    rows = list(table.rows)
    # A workbook saved by openpyxl has no cached results: a formula is empty, not computed nor its text.
    assert rows == [
        ["Mario", "Rossi", "6129", "12/03/1980", "", "12.5", ""],
        ["Luigi", "Verdi", "20121", "02/01/1975", "", "3", "TRUE"],
    ]
    values = mapping_apply(table.headers, rows[0], mapping_guess(table.headers))
    result = clean(**values)
    assert result.data["cap"] == "06129"
    assert result.data["birth_date"] == datetime.date(1980, 3, 12)


def test_only_the_first_sheet_of_a_workbook_is_read():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nome"])
    workbook.active.append(["Mario"])
    workbook.create_sheet("Altro").append(["Cognome"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = file_read(buffer.getvalue(), "clienti.xlsx")

    assert table.headers == ["Nome"] and list(table.rows) == [["Mario"]]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b";;;\n;;\n", codecs.BOM_UTF8])
def test_an_empty_file_is_refused(data):
    assert read_error(data).code == "empty"


def test_an_empty_workbook_is_refused():
    assert read_error(xlsx(), "clienti.xlsx").code == "empty"


def test_a_file_whose_first_row_is_blank_has_no_header():
    error = read_error(b";;\nMario;Rossi;Milano\n")
    assert error.code == "no_header"
    assert str(error.message) == "The first row is empty: it must hold the column names."


def test_a_workbook_whose_first_row_is_blank_has_no_header():
    assert read_error(xlsx([None, None], ["Mario", "Rossi"]), "clienti.xlsx").code == "no_header"


def test_a_file_over_50_mb_is_refused():
    error = read_error(b"a" * (MAX_BYTES + 1))
    assert error.code == "too_large"
    assert "200 MB" in str(error.message)


def zip_of_a_text_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("clienti.csv", "Nome;Cognome\nMario;Rossi\n")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", id="png"),
        pytest.param(zip_of_a_text_file(), id="zip-of-something-else"),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken-zip"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), id="old-xls"),
        pytest.param(b"Nome;Cognome\nMario\x00\x01;Rossi\n", id="nul-bytes"),
        pytest.param(b"Nome;Cognome\nMario;\xc3\x81\x81\x9d\n", id="neither-utf8-nor-cp1252"),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_unreadable_and_the_message_names_it(data):
    error = read_error(data, "scansione.pdf")
    assert error.code == "unreadable"
    assert "scansione.pdf" in str(error.message)


def test_an_old_xls_gets_told_how_to_save_it():
    error = read_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "clienti.xls")
    assert ".xlsx or CSV" in str(error.message)


def test_damage_past_the_first_lines_is_an_import_file_error_while_reading_rows():
    data = b"Nome;Note\nMario;" + b'"' + b"x" * 200_000 + b'"\n'
    table = file_read(data, "clienti.csv")
    with pytest.raises(ImportFileError) as error:
        list(table.rows)
    assert error.value.code == "unreadable"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Nome;Email;Cognome;email\nMario;a@b.it;Rossi;c@d.it\n", id="csv"),
        pytest.param(xlsx(["Nome", "Email", "Cognome", " EMAIL "]), id="xlsx"),
    ],
)
def test_a_header_row_with_the_same_column_twice_is_refused(data):
    error = read_error(data)
    assert error.code == "duplicate_columns"
    assert "mail" in str(error.message).lower()


def test_a_200000_row_file_streams_without_being_held_twice_in_memory():
    line = "Nicolò;D’Angelo;nicolo.{}@example.it;333 1234567;Via Roma, 1;06129;Perugia;PG\n"
    data = ("Nome;Cognome;Email;Telefono;Indirizzo;CAP;Città;Provincia\n" + "".join(
        line.format(number) for number in range(200_000)
    )).encode()

    tracemalloc.start()
    try:
        table = file_read(data, "clienti.csv")
        count = sum(1 for _row in table.rows)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 200_000
    assert len(data) > 15_000_000
    assert peak < len(data) // 2, f"peak {peak:,} bytes for a {len(data):,}-byte file"


# Mapping columns to fields


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nome", "first_name"), ("First name", "first_name"), ("Cognome", "last_name"), ("Surname", "last_name"),
        ("Last name", "last_name"), ("Ragione sociale", "company_name"), ("Azienda", "company_name"),
        ("Company", "company_name"), ("E-mail", "email"), ("Email", "email"), ("Posta elettronica", "email"),
        ("Telefono", "phone"), ("Cellulare", "phone"), ("Tel.", "phone"), ("Phone", "phone"), ("Mobile", "phone"),
        ("Indirizzo", "street"), ("Via", "street"), ("Address", "street"), ("CAP", "cap"), ("C.A.P.", "cap"),
        ("Postal code", "cap"), ("ZIP", "cap"), ("Città", "city"), ("CITTA'", "city"), ("Comune", "city"),
        ("Località", "city"), ("City", "city"), ("Provincia", "province"), ("Prov.", "province"),
        ("Province", "province"), ("Codice fiscale", "fiscal_code"), ("CF", "fiscal_code"),
        ("Partita IVA", "vat_number"), ("P.IVA", "vat_number"), ("P. IVA", "vat_number"), ("VAT", "vat_number"),
        ("Numero socio", "member_number"), ("Tessera", "member_number"), ("N. tessera", "member_number"),
        ("N° tessera", "member_number"), ("Member number", "member_number"), ("Data di nascita", "birth_date"),
        ("Nato il", "birth_date"), ("Birth date", "birth_date"), ("Lingua", "language"), ("Tag", "tags"),
        ("Etichette", "tags"), ("Sede", "site_code"), ("Codice sede", "site_code"), ("Site", "site_code"),
        ("Consenso marketing e-mail", "consent_marketing_email"), ("Newsletter", "consent_marketing_email"),
        ("Consenso SMS", "consent_marketing_sms"), ("Consenso profilazione", "consent_profiling"),
        ("Consenso marketing telefonico", "consent_marketing_phone"), ("ID", "external_id"),
        ("Codice cliente", "external_id"), ("External id", "external_id"), ("  nome  ", "first_name"),
    ],
)  # fmt: skip
def test_common_italian_and_english_headers_are_recognised(header, field):
    assert mapping_guess([header]) == {header: field}


def test_unknown_headers_map_to_nothing_and_every_guess_is_a_field():
    mapping = mapping_guess(["Nome", "Colore preferito", "", "Note", "Targa"])
    assert mapping == {"Nome": "first_name"}
    assert set(mapping.values()) <= set(FIELDS)


def test_several_phone_columns_feed_the_phones_but_a_second_name_column_is_left_unmapped():
    headers = ["Nome", "First name", "Telefono", "Cellulare", "Telefono 2"]
    mapping = mapping_guess(headers)
    assert mapping == {"Nome": "first_name", "Telefono": "phone", "Cellulare": "phone", "Telefono 2": "phone"}

    values = mapping_apply(headers, ["Mario", "Mario", "02 12345678", "333 1234567", ""], mapping)

    assert values == {"first_name": "Mario", "phone": "02 12345678; 333 1234567"}
    assert clean(**values).data["phones"] == ["+390212345678", "+393331234567"]



def test_rows_cleaned_by_column_are_cleaned_as_the_mapped_rows():
    # The import cleans a million rows straight from their columns; a hand-made mapping
    # may send two columns to one field, as a user can choose in the mapping form.
    headers = ["Nome", "Altro nome", "E-mail", "Email 2", "Telefono", "Cellulare", "Nascita", "Ignota"]
    mapping = {"Nome": "first_name", "Altro nome": "first_name", "E-mail": "email", "Email 2": "email",
               "Telefono": "phone", "Cellulare": "phone", "Nascita": "birth_date"}  # fmt: skip
    rows = [
        ["", " Nicolò ", "a@example.it", "", "333 1234567", "02 12345678", "31/12/1980", "x"],
        ["Mario", "Marco", "", "b@example.it", "", "", "", ""],
        ["", "", "not-an-e-mail", "c@example.it", "12", "", "32/01/1980", ""],
        ["", "", "", "", "", "", "", ""],
    ]
    by_column = RowCleaner(provinces=PROVINCES, today=TODAY).for_columns(headers, mapping)
    for row in rows:
        expected = clean(**mapping_apply(headers, row, mapping))
        result = by_column(row)
        assert (result.data, result.errors) == (expected.data, expected.errors)
    assert by_column(rows[0]).data["first_name"] == "Nicolò"
    assert by_column(rows[0]).data["phones"] == ["+393331234567", "+390212345678"]
    assert {error.code for error in by_column(rows[2]).errors} == {"bad_email", "bad_phone", "bad_date", "missing_name"}

# Cleaning rows


def test_names_are_trimmed_and_collapsed_but_keep_accents_and_get_a_plain_apostrophe():
    result = clean(first_name="  Nicolo\u0300  Maria ", last_name=" D’Angelo ", city="Sant’Agata  de’ Goti")
    assert result.errors == []
    assert result.data == {
        "first_name": "Nicolò Maria", "last_name": "D'Angelo", "city": "Sant'Agata de' Goti", "kind": "person"
    }  # fmt: skip


def test_a_row_without_any_name_is_refused():
    result = clean(first_name=" ", last_name="", company_name="", email="mario@example.it")
    assert codes(result) == ["missing_name"]
    assert str(result.errors[0].message) == (
        "The row has no name: give a first name, a last name or a company name."
    )


def test_a_company_name_alone_makes_a_company_and_with_a_person_name_a_person():
    assert clean(company_name="Rossi S.r.l.").data["kind"] == "company"
    assert clean(company_name="Rossi S.r.l.", last_name="Rossi").data["kind"] == "person"
    assert clean(last_name="Rossi").data["kind"] == "person"


def test_fields_not_in_the_file_are_not_in_the_data():
    assert clean(last_name="Rossi").data == {"last_name": "Rossi", "kind": "person"}


def test_several_emails_are_lower_cased_and_deduplicated():
    result = clean(last_name="Rossi", email=" Mario.Rossi@Example.it; mario.rossi@example.it,m@ex.it  x@y.it ")
    assert result.errors == []
    assert result.data["emails"] == ["mario.rossi@example.it", "m@ex.it", "x@y.it"]


def test_a_bad_email_is_named_in_the_error_and_the_good_ones_kept():
    result = clean(last_name="Rossi", email="mario@example.it; mario@@example")
    assert codes(result) == ["bad_email"]
    assert result.errors[0].field == "email"
    assert str(result.errors[0].message) == "“mario@@example” is not a valid e-mail address."
    assert result.data["emails"] == ["mario@example.it"]


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("333 1234567", "+393331234567"),
        ("+39 333 123 4567", "+393331234567"),
        ("0039 333 123 4567", "+393331234567"),
        ("02/12345678", "+390212345678"),
        ("(02) 1234 5678", "+390212345678"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phones_are_stored_in_e164_however_they_are_written(text, e164):
    result = clean(last_name="Rossi", phone=text)
    assert result.errors == []
    assert result.data["phones"] == [e164]


def test_a_slash_splits_two_numbers_only_when_each_side_is_a_number():
    assert clean(last_name="R", phone="02/12345678").data["phones"] == ["+390212345678"]
    assert clean(last_name="R", phone="333 1234567 / 347 7654321").data["phones"] == ["+393331234567", "+393477654321"]
    assert clean(last_name="R", phone="333 1234567; 02 12345678, 333 1234567").data["phones"] == [
        "+393331234567", "+390212345678"
    ]  # fmt: skip


def test_a_bad_phone_is_named_in_the_error():
    result = clean(last_name="Rossi", phone="333 1234567; 12345")
    assert codes(result) == ["bad_phone"]
    assert "12345" in str(result.errors[0].message)
    assert result.data["phones"] == ["+393331234567"]


@pytest.mark.parametrize(
    ("text", "cap"),
    [("20121", "20121"), (" 6129 ", "06129"), ("185", "00185"), ("19", "00019"), ("", "")],
)
def test_a_cap_that_lost_its_leading_zeros_in_excel_gets_them_back(text, cap):
    result = clean(last_name="Rossi", cap=text)
    assert result.errors == []
    assert result.data["cap"] == cap


@pytest.mark.parametrize("text", ["2012A", "201211", "5", "0", "20 121"])
def test_a_cap_that_is_not_five_digits_is_refused(text):
    result = clean(last_name="Rossi", cap=text)
    assert codes(result) == ["bad_cap"]
    assert "cap" not in result.data


def test_a_province_is_a_known_sigla_in_any_case():
    assert clean(last_name="R", province="mi").data["province"] == "MI"
    assert clean(last_name="R", province="(TV)").data["province"] == "TV"
    assert clean(last_name="R", province="").data["province"] == ""
    result = clean(last_name="R", province="XX")
    assert codes(result) == ["unknown_province"]
    assert "XX" in str(result.errors[0].message)


def test_fiscal_codes_are_upper_cased_and_checked():
    assert clean(last_name="R", fiscal_code=" rssmra85t10a562s ").data["fiscal_code"] == "RSSMRA85T10A562S"
    assert clean(company_name="F", fiscal_code="00743110157").data["fiscal_code"] == "00743110157"
    result = clean(last_name="R", fiscal_code="RSSMRA85T10A562X")
    assert codes(result) == ["bad_fiscal_code"]
    assert "RSSMRA85T10A562X" in str(result.errors[0].message)


def test_vat_numbers_lose_the_it_prefix_and_get_back_zeros_excel_dropped():
    assert clean(company_name="F", vat_number="IT 00743110157").data["vat_number"] == "00743110157"
    assert clean(company_name="F", vat_number="743110157").data["vat_number"] == "00743110157"
    result = clean(company_name="F", vat_number="12345678901")
    assert codes(result) == ["bad_vat_number"]
    assert "12345678901" in str(result.errors[0].message)


@pytest.mark.parametrize(
    "text", ["12/03/1980", "12/3/1980", "12-03-1980", "12.03.1980", "1980-03-12", "12/03/1980 00:00:00"]
)
def test_birth_dates_are_read_in_the_usual_formats(text):
    result = clean(last_name="Rossi", birth_date=text)
    assert result.errors == []
    assert result.data["birth_date"] == datetime.date(1980, 3, 12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12/03/80", "“12/03/80” has a two-digit year: write the year in full, e.g. 01/02/1980."),
        ("31/02/1980", "“31/02/1980” is not a date that exists."),
        ("02/06/2025", "“02/06/2025” is in the future."),
        ("marzo 1980", "“marzo 1980” is not a date: write it as dd/mm/yyyy."),
        ("12/03-1980", "“12/03-1980” is not a date: write it as dd/mm/yyyy."),
    ],
)
def test_ambiguous_impossible_and_future_birth_dates_are_refused(text, message):
    result = clean(last_name="Rossi", birth_date=text)
    assert codes(result) == ["bad_date"]
    assert str(result.errors[0].message) == message


def test_a_blank_birth_date_is_none():
    assert clean(last_name="Rossi", birth_date=" ").data["birth_date"] is None


@pytest.mark.parametrize(
    ("text", "language"),
    [("it", "it"), ("Italiano", "it"), ("ITA", "it"), ("en", "en"), ("Inglese", "en"), ("English", "en"), ("", "")],
)
def test_languages_are_read_in_italian_or_english(text, language):
    assert clean(last_name="Rossi", language=text).data["language"] == language


def test_an_unknown_language_is_refused():
    result = clean(last_name="Rossi", language="tedesco")
    assert codes(result) == ["bad_language"]
    assert "tedesco" in str(result.errors[0].message)


def test_tags_are_split_trimmed_and_deduplicated_ignoring_case():
    result = clean(last_name="Rossi", tags=" VIP, flotta;vip | Elettrico  auto ;; ")
    assert result.data["tags"] == ["VIP", "flotta", "Elettrico auto"]


def test_a_tag_longer_than_50_characters_is_refused():
    result = clean(last_name="Rossi", tags="VIP, " + "x" * 51)
    assert codes(result) == ["bad_tag"]
    assert result.data["tags"] == ["VIP"]


@pytest.mark.parametrize("text", ["sì", "SI", "s", "Yes", "y", "1", "x", "TRUE", "Vero"])
def test_consent_yes(text):
    assert clean(last_name="R", consent_marketing_email=text).data["consent_marketing_email"] is True


@pytest.mark.parametrize("text", ["no", "N", "0", "false", "FALSO"])
def test_consent_no(text):
    assert clean(last_name="R", consent_marketing_sms=text).data["consent_marketing_sms"] is False


def test_a_blank_consent_is_not_stated_and_anything_else_is_refused():
    assert clean(last_name="R", consent_profiling=" ").data["consent_profiling"] is None
    result = clean(last_name="R", consent_marketing_phone="forse")
    assert codes(result) == ["bad_consent"]
    assert result.errors[0].field == "consent_marketing_phone"
    assert "forse" in str(result.errors[0].message)


def test_codes_are_trimmed_strings():
    result = clean(last_name="R", member_number=" 000123 ", external_id=" C-42 ", site_code=" MI01 ")
    assert (result.data["member_number"], result.data["external_id"], result.data["site_code"]) == (
        "000123", "C-42", "MI01"
    )  # fmt: skip


def test_a_full_row_from_a_file_comes_out_clean():
    data = (
        "Nome;Cognome;E-mail;Cellulare;Via;CAP;Città;Prov.;Codice fiscale;Nato il;Lingua;Tag;Newsletter;Tessera\n"
        "Mario;Rossi;Mario.Rossi@Example.it;333 1234567;Via Roma 1;6129;Perugia;pg;RSSMRA85T10A562S;"
        "10/12/1985;italiano;VIP;sì;0042\n"
    ).encode("cp1252")
    table = file_read(data, "clienti.csv")
    row = next(table.rows)

    result = clean(**mapping_apply(table.headers, row, mapping_guess(table.headers)))

    assert result.errors == []
    assert result.data == {
        "first_name": "Mario", "last_name": "Rossi", "emails": ["mario.rossi@example.it"],
        "phones": ["+393331234567"], "street": "Via Roma 1", "cap": "06129", "city": "Perugia", "province": "PG",
        "fiscal_code": "RSSMRA85T10A562S", "birth_date": datetime.date(1985, 12, 10), "language": "it",
        "tags": ["VIP"], "consent_marketing_email": True, "member_number": "0042", "kind": "person",
    }  # fmt: skip


# Amounts


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("1234.56", "1234.56"), ("€ 1.234,56", "1234.56"),
        ("1.234,56 €", "1234.56"), ("EUR 12", "12"), ("-12,5", "-12.5"), ("1.234.567", "1234567"),
        ("1,234.56", "1234.56"), ("0,125", "0.125"), ("1234.5", "1234.5"),
    ],
)  # fmt: skip
def test_amounts_are_read_with_a_decimal_comma_or_point(text, amount):
    assert decimal_parse(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "€", "12a", "1,2,3", "1.23,4.5", "12.34.5", "1e5", "NaN", "1.234", "1,234"])
def test_anything_else_is_not_an_amount(text):
    with pytest.raises(ValueError):
        decimal_parse(text)


# Exporting


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+39 333 1234567", "'+39 333 1234567"),
        ("-12", "'-12"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Mario Rossi", "Mario Rossi"),
        ("D'Angelo", "D'Angelo"),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(value, safe):
    assert cell_safe(value) == safe


def _writings(rng) -> list[str]:
    """Phone numbers written the ways Italians write them, valid or not (random digits, lengths, prefixes)."""
    texts = []
    for _ in range(6000):
        national = rng.choice("03") + "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 11)))
        cut = rng.randint(1, len(national) - 1)
        body = rng.choice([national, national[:cut] + " " + national[cut:], national[:cut] + "-" + national[cut:],
                           national[:cut] + "/" + national[cut:], national[:cut] + "." + national[cut:]])  # fmt: skip
        texts.append(rng.choice(["", "", "+39 ", "+39", "0039 "]) + body)
    return texts


def test_the_fast_phone_paths_agree_with_the_full_parse():
    import random

    from django.core.exceptions import ValidationError

    from vicino.people.phones import phone_normalise, phone_parse

    def outcome(normalise, text):
        try:
            return normalise(text)
        except ValidationError:
            return None

    texts = _writings(random.Random(39))
    disagreements = [t for t in texts if outcome(phone_normalise, t) != outcome(phone_parse, t)]
    assert disagreements == []
    valid = sum(outcome(phone_normalise, t) is not None for t in texts)
    assert 1000 < valid < 5000  # both kinds were tried
