"""Importing and exporting customers through the real pipeline (file → check → batches)."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vicino.conftest import client_of
from vicino.core.models import AuditEntry
from vicino.people import importbatch, imports, services
from vicino.people.models import ConsentEvent, ContactPoint, Customer, CustomerImport, Interaction

MESSY = (
    "Codice cliente;Nome;Cognome;E-mail;Cellulare;CAP;Città;Prov.;Consenso marketing e-mail\r\n"
    "A1;Nicolò;D’Angelo;nicolo.dangelo@libero.it;333 1234567;6129;Perugia;PG;sì\r\n"
    "A2;Lucia;Paternò;lucia@@example;347 7654321;20121;Milano;MI;no\r\n"
    "A3;Giuseppe;Dell'Acqua;g.dellacqua@alice.it;+39 340 1112223;31100;Treviso;TV;\r\n"
    "A4;Anna;Cantù;anna.cantu@gmail.com;0039 320 9998887;40121;Bologna;BO;x\r\n"
).encode("cp1252")


def upload(user, network, data=MESSY, name="clienti.csv", site=None):
    return imports.import_upload(by=user, network=network, site=site, upload=SimpleUploadedFile(name, data))


def check_and_run(customer_import, notice):
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    imports.import_start(by=customer_import.uploaded_by, customer_import=customer_import)
    return imports.import_run(import_id=customer_import.pk)


def test_a_messy_italian_csv_is_read_checked_and_imported(dario, aurora, milano, notice, django_capture_on_commit_callbacks):
    customer_import = upload(dario, aurora, site=milano)
    assert customer_import.mapping["Prov."] == "province" and customer_import.mapping["Cellulare"] == "phone"
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    assert (customer_import.total_rows, customer_import.valid_rows, customer_import.error_rows) == (4, 3, 1)
    assert customer_import.errors == [{"row": 3, "field": "email", "message": "“lucia@@example” non è un indirizzo e-mail valido."}]
    assert not Customer.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        imports.import_start(by=dario, customer_import=customer_import)
    customer_import.refresh_from_db()
    assert customer_import.status == "done"
    assert (customer_import.created_count, customer_import.skipped_count) == (3, 1)

    nicolo = Customer.objects.get(external_id="A1")
    assert (nicolo.first_name, nicolo.last_name, nicolo.site) == ("Nicolò", "D'Angelo", milano)
    assert nicolo.addresses.get().cap == "06129"
    assert sorted(nicolo.contact_points.values_list("value", flat=True)) == ["+393331234567", "nicolo.dangelo@libero.it"]
    grants = ConsentEvent.objects.filter(source="import", action="granted")
    assert {e.customer.external_id for e in grants} == {"A1", "A4"} and all(e.notice == notice for e in grants)
    assert Interaction.objects.filter(kind="customer.imported").count() == 3
    assert AuditEntry.objects.filter(action="customer.import", actor=dario).exists()


def test_importing_the_same_file_again_changes_nothing(dario, aurora, notice):
    check_and_run(upload(dario, aurora), notice)
    before = (Customer.objects.count(), ContactPoint.objects.count(), ConsentEvent.objects.count(), Interaction.objects.count())
    again = check_and_run(upload(dario, aurora), notice)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert (Customer.objects.count(), ContactPoint.objects.count(), ConsentEvent.objects.count(), Interaction.objects.count()) == before


def test_a_file_with_updates_updates_and_is_audited(dario, aurora, notice):
    check_and_run(upload(dario, aurora), notice)
    changed = MESSY.decode("cp1252").replace("Dell'Acqua;g.dellacqua@alice.it;+39 340 1112223", "Dell'Acqua Neri;g.dellacqua@alice.it;+39 340 1112223").replace(";x\r\n", ";no\r\n")
    result = check_and_run(upload(dario, aurora, changed.encode("cp1252")), notice)
    assert (result.created_count, result.updated_count, result.unchanged_count) == (0, 2, 1)
    assert Customer.objects.get(external_id="A3").last_name == "Dell'Acqua Neri"
    assert AuditEntry.objects.get(action="customer.update", target_id=str(Customer.objects.get(external_id="A3").pk)).changes == {
        "last_name": ["Dell'Acqua", "Dell'Acqua Neri"]
    }
    anna = Customer.objects.get(external_id="A4")
    assert anna.consent_events.order_by("-occurred_at", "-id").first().action == "withdrawn"


def test_a_killed_import_keeps_whole_batches_and_resumes_where_it_stopped(dario, aurora, notice, monkeypatch):
    rows = "\r\n".join(f"K{n};Cliente;Numero{n};k{n}@example.it" for n in range(7))
    data = ("Codice cliente;Nome;Cognome;E-mail\r\n" + rows + "\r\n").encode()
    customer_import = upload(dario, aurora, data)
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    imports.import_start(by=dario, customer_import=customer_import)
    monkeypatch.setattr(imports, "BATCH_SIZE", 3)
    real_apply, calls = importbatch.batch_apply, []

    def dies_on_the_second_batch(context, batch):
        calls.append(len(batch))
        result = real_apply(context, batch)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return result

    monkeypatch.setattr(importbatch, "batch_apply", dies_on_the_second_batch)
    with pytest.raises(RuntimeError):
        imports.import_run(import_id=customer_import.pk)
    customer_import.refresh_from_db()
    assert customer_import.status == "failed" and customer_import.rows_done == 3
    assert Customer.objects.count() == 3

    monkeypatch.setattr(importbatch, "batch_apply", real_apply)
    imports.import_start(by=dario, customer_import=customer_import)
    done = imports.import_run(import_id=customer_import.pk)
    assert (done.status, done.rows_done, done.created_count) == ("done", 7, 7)
    assert Customer.objects.count() == 7 and ContactPoint.objects.count() == 7


@pytest.mark.parametrize(("data", "name"), [(b"%PDF-1.7\x00\x01binary", "clienti.csv"), (b"", "vuoto.csv"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1xx", "vecchio.xls")])
def test_an_unreadable_file_is_refused_with_a_clear_message(dario, aurora, data, name):
    with pytest.raises(ValidationError) as error:
        upload(dario, aurora, data, name)
    assert error.value.messages[0]
    assert not CustomerImport.objects.exists()


def test_consent_columns_need_the_notice_they_were_given_on(dario, aurora):
    customer_import = upload(dario, aurora)
    with pytest.raises(ValidationError) as error:
        imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=None)
    assert "informativa" in error.value.messages[0]


def test_the_import_pages_walk_from_upload_to_report(giulia, milano, notice, django_capture_on_commit_callbacks):
    client = client_of(giulia)
    response = client.post(reverse("people:import-list"), {"file": SimpleUploadedFile("clienti.csv", MESSY)}, follow=True)
    assert "Nicolò" in response.text and "D’Angelo" in response.text
    customer_import = CustomerImport.objects.get()
    assert customer_import.site == milano
    form = {f"col_{i}": customer_import.mapping.get(h, "") for i, h in enumerate(customer_import.headers)} | {"notice": notice.pk}
    report = client.post(reverse("people:import-detail", args=[customer_import.pk]), form, follow=True)
    assert "non è un indirizzo e-mail valido" in report.text and "Importa 3 righe corrette" in report.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:import-start", args=[customer_import.pk]))
    done = client.get(reverse("people:import-detail", args=[customer_import.pk]))
    assert "3 nuovi clienti" in done.text


def test_another_networks_import_is_not_found(roberta, dario, aurora):
    customer_import = upload(dario, aurora)
    assert client_of(roberta).get(reverse("people:import-detail", args=[customer_import.pk])).status_code == 404


def test_the_export_neutralises_formulas_and_follows_the_filters(dario, aurora, milano, treviso):
    services.customer_create(by=None, network=aurora, site=milano, first_name="=HYPERLINK(\"http://x\")", last_name="Rossi", phones=["333 1234567"])
    services.customer_create(by=None, network=aurora, site=treviso, first_name="Bruno", last_name="Verdi")
    response = client_of(dario).get(reverse("people:customer-export"), {"site": milano.pk})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[1][5] == "'+393331234567"
    assert AuditEntry.objects.filter(action="customer.export", actor=dario).exists()


def test_the_excel_export_opens_with_the_same_rows(dario, aurora, carla):
    import openpyxl

    response = client_of(dario).get(reverse("people:customer-export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][2] == "D'Angelo Paternò" and values[1][4] == "carla.dangelo@example.it"


def test_a_consultant_cannot_import_or_export(anna):
    assert client_of(anna).get(reverse("people:import-list")).status_code == 403
    assert client_of(anna).get(reverse("people:customer-export")).status_code == 403


def test_the_import_writes_the_rows_the_check_cleaned_and_then_forgets_them(dario, aurora, notice, monkeypatch):
    from pathlib import Path

    customer_import = upload(dario, aurora)
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    kept = Path(customer_import.file.path + ".checked")
    assert kept.exists()

    def no_second_cleaning(job):
        raise AssertionError("the import cleaned the file again")

    monkeypatch.setattr(imports, "_rows_clean", no_second_cleaning)
    imports.import_start(by=dario, customer_import=customer_import)
    done = imports.import_run(import_id=customer_import.pk)
    assert (done.created_count, done.skipped_count) == (3, 1)
    assert Customer.objects.get(external_id="A1").last_name == "D'Angelo"
    assert not kept.exists()


def test_checked_rows_that_do_not_fit_the_import_are_not_used(dario, aurora, notice):
    from pathlib import Path

    customer_import = upload(dario, aurora)
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    # The mapping changed after the check (as a stale or foreign file would say): clean again.
    customer_import.mapping = {header: field for header, field in customer_import.mapping.items() if field != "email"}
    customer_import.save()
    imports.import_start(by=dario, customer_import=customer_import)
    done = imports.import_run(import_id=customer_import.pk)
    assert (done.created_count, done.skipped_count) == (4, 0)  # no e-mail column: no bad e-mail
    assert not ContactPoint.objects.filter(kind="email").exists()
    assert not Path(customer_import.file.path + ".checked").exists()


def test_a_birth_date_survives_the_checked_rows(dario, aurora, notice):
    import datetime

    data = "Nome;Cognome;Data di nascita\r\nMaria;Esposito;07/03/1961\r\n".encode()
    done = check_and_run(upload(dario, aurora, data), notice)
    assert done.created_count == 1
    assert Customer.objects.get(last_name="Esposito").birth_date == datetime.date(1961, 3, 7)


def test_a_member_number_on_two_people_in_a_file_goes_to_the_first_and_the_second_is_reported(dario, aurora, notice):
    data = (
        "Codice cliente;Nome;Cognome;E-mail;Numero socio\r\n"
        "A1;Anna;Rossi;anna@example.it;S-1\r\n"
        "A2;Bruno;Verdi;bruno@example.it;S-1\r\n"  # someone else with Anna's number
        "A1;Anna;Rossi;anna@example.it;S-1\r\n"  # Anna again: the same member, nothing wrong
    )
    done = check_and_run(upload(dario, aurora, data.encode()), notice)
    assert (done.status, done.created_count, done.unchanged_count, done.skipped_count) == ("done", 1, 1, 1)
    assert done.errors == [{"row": 3, "field": "member_number", "message": "Il numero socio “S-1” appartiene già a un altro cliente."}]
    assert Customer.objects.get(member_number="S-1").first_name == "Anna"


def test_a_member_number_of_another_customer_skips_the_row_and_says_why(dario, aurora, notice):
    services.customer_create(by=None, network=aurora, first_name="Carla", last_name="Bianchi", member_number="S-9")
    services.customer_create(by=None, network=aurora, first_name="Franco", last_name="Riva", member_number="S-8")
    services.customer_create(by=None, network=aurora, first_name="Dora", last_name="Neri", emails=["dora@example.it"])
    data = (
        "Codice cliente;Nome;Cognome;E-mail;Numero socio\r\n"
        "A1;Anna;Rossi;anna@example.it;S-9\r\n"  # a new customer with Carla's number
        "A2;Dora;Neri;dora@example.it;S-8\r\n"  # Dora, given Franco's number
        "A3;Elio;Gatti;elio@example.it;S-10\r\n"
    )
    done = check_and_run(upload(dario, aurora, data.encode()), notice)
    assert (done.status, done.created_count, done.skipped_count) == ("done", 1, 2)
    assert [(e["row"], e["field"]) for e in done.errors] == [(2, "member_number"), (3, "member_number")]
    assert done.errors[0]["message"] == "Il numero socio “S-9” appartiene già a un altro cliente."
    assert Customer.objects.get(member_number="S-9").first_name == "Carla"
    assert Customer.objects.get(first_name="Dora").member_number == ""


def test_member_numbers_are_looked_up_through_their_index(dario, aurora, notice):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    # More numbers than PostgreSQL proves a partial index's condition for (a hundred).
    rows = "".join(f"A{n};Socio;Numero{n};S-{n}\r\n" for n in range(150))
    customer_import = upload(dario, aurora, ("Codice cliente;Nome;Cognome;Numero socio\r\n" + rows).encode())
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    imports.import_start(by=dario, customer_import=customer_import)
    with CaptureQueriesContext(connection) as queries:
        imports.import_run(import_id=customer_import.pk)
    (lookup,) = [q["sql"] for q in queries.captured_queries if "member_number IN" in q["sql"] or "member_number = ANY" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table this small is read whole anyway: ask whether the index could serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + lookup)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + lookup)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "customer_member_number_unique" in plan  # not a scan of every customer
