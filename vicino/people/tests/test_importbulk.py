"""A large first import on SQLite: indexes built at the end, rows planned by a second process (importbulk.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from vicino.core.models import Site
from vicino.core.services import site_create
from vicino.people import importbulk, imports, services
from vicino.people.models import ConsentEvent, ContactPoint, Customer, Interaction, NameWord

pytestmark = [
    pytest.mark.skipif("config.getoption('--db') == 'postgres'", reason="bulk loads are SQLite's: PostgreSQL imports keep their indexes"),
    # A bulk load commits its own batches, outside any transaction, as the worker runs it.
    pytest.mark.django_db(transaction=True),
]

HEADER = "Codice cliente;Nome;Cognome;Ragione sociale;E-mail;Telefono;Indirizzo;CAP;Città;Prov.;Codice fiscale;Numero socio;Data di nascita;Tag;Sede;Consenso marketing e-mail;Consenso SMS"
ROWS = [
    "C1;Nicolò;D'Angelo;;nicolo@example.it;333 1234567;Via Roma 1;06129;Perugia;PG;;S-1;01/02/1980;VIP;MI01;sì;no",
    "C2;Lucia;Paternò;;lucia@example.it, lucia.p@example.it;347 7654321 / 02 87654321;;20121;Milano;MI;;;;;;;sì",
    "C3;;;Autofficina Cantù S.r.l.;info@cantu.it;02 1234 5678;Via Po 3;;Torino;TO;;;;Flotte, VIP;TV01;;",
    "C4;Anna;Bianchi;;anna@example.it;;;;;;;S-4;;;;x;x",
    "C5;Marco;Rossi;;rossi@example.it;340 1112223;;;;;RSSMRA80A01H501U;;;;;;",
    "C6;Marco;Rossi;;rossi@example.it;340 1112224;;;;;;;;;;;",  # the same e-mail as C5: the same person
    "C7;Giulia;Verdi;;già.cliente@example.it;;;;;;;;;;;sì;",  # a bad e-mail: skipped
    "C8;Elena;Neri;;elena@example.it;;;;;;;;;;;;",
    "C9;Paolo;Gallo;;paolo@example.it;;;;;;;;;;;;",
    "C10;Sara;Conti;;cliente.esistente@example.it;333 7777777;;;;;;;;;;sì;",  # matches a customer already there
    "C11;Ivo;Fontana;;ivo@example.it;;;;;;;;;;;;",
    "C12;Ugo;Bassi;;ugo@example.it;;;;;;;S-1;;;;;",  # C1's member number, someone else
    "C13;Rita;Sala;;rita@example.it;;;;;;;S-77;;;;;",  # a member number of a customer already there
    "c1;Nina;Bo;;nina@example.it;;;;;;;;;;;;",  # an external code differs from C1 by its case: someone else
    "C15;Sara;Conti;;;333 7777777;;;;;;;;;;;",  # only the phone C10 gave Sara: Sara again, with a new code
]


def csv_of(rows=ROWS) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def imported(user, network, notice, *, data: bytes):
    customer_import = imports.import_upload(by=user, network=network, site=None, upload=SimpleUploadedFile("clienti.csv", data))
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    imports.import_start(by=user, customer_import=customer_import)
    return imports.import_run(import_id=customer_import.pk)


@pytest.fixture
def bulk(monkeypatch):
    """Every import loads in bulk, in batches of three rows."""
    monkeypatch.setattr(importbulk, "MIN_ROWS", 1)
    monkeypatch.setattr(imports, "BATCH_SIZE", 3)


def snapshot(network) -> dict:
    """What a person would see of a network's customers, without ids and times."""
    customers = Customer.objects.filter(network=network).select_related("site")
    by_pk = {c.pk: c.external_id for c in customers}
    return {
        "customers": sorted(
            (c.external_id, c.kind, c.first_name, c.last_name, c.company_name, c.fiscal_code, c.member_number, str(c.birth_date),
             c.language, c.relation, c.search_text, c.name_key, c.site.code if c.site else None) for c in customers
        ),
        "points": sorted((by_pk[p.customer_id], p.kind, p.value, p.is_primary, p.label) for p in ContactPoint.objects.filter(network=network)),
        "addresses": sorted((c.external_id, a.street, a.cap, a.city, a.province, a.is_primary) for c in customers for a in c.addresses.all()),
        "consents": sorted(
            (by_pk[e.customer_id], e.purpose, e.channel, e.action, e.source, e.notice.version if e.notice else None, e.evidence)
            for e in ConsentEvent.objects.filter(network=network).select_related("notice")
        ),
        "timeline": sorted((by_pk[i.customer_id], i.channel, i.kind, i.summary, i.ref_type) for i in Interaction.objects.filter(network=network)),
        "tags": sorted((c.external_id, t.name) for c in customers for t in c.tags.all()),
        "words": sorted(NameWord.objects.filter(network=network).values_list("word", "variant")),
    }  # fmt: skip


def networks_alike(aurora, borgo):
    for network in (aurora, borgo):
        for code, city in (("MI01", "Milano"), ("TV01", "Treviso")):
            if not Site.objects.filter(network=network, code=code).exists():
                site_create(by=None, network=network, code=code, name=f"{network.name} {city}", kind=Site.Kind.DEALERSHIP, city=city, province="MI")
        services.customer_create(by=None, network=network, first_name="Sara", last_name="Conti", emails=["cliente.esistente@example.it"])
        services.customer_create(by=None, network=network, first_name="Teo", last_name="Vanni", member_number="S-77")
    return [services.privacy_notice_publish(by=None, network=n, version="2026.1", title="Informativa", text="…") for n in (aurora, borgo)]


def test_a_bulk_load_writes_what_the_usual_import_writes(dario, roberta, aurora, borgo, monkeypatch):
    aurora_notice, borgo_notice = networks_alike(aurora, borgo)
    monkeypatch.setattr(imports, "BATCH_SIZE", 3)
    monkeypatch.setattr(importbulk, "MIN_ROWS", 1)
    planned = []
    real_write = importbulk._batch_write
    monkeypatch.setattr(importbulk, "_batch_write", lambda *args: planned.append(1) or real_write(*args))
    loaded = imported(dario, aurora, aurora_notice, data=csv_of())
    monkeypatch.setattr(importbulk, "MIN_ROWS", 10**9)
    usual = imported(roberta, borgo, borgo_notice, data=csv_of())

    assert len(planned) == 5  # the bulk load did write the file, a batch of three rows at a time
    counts = ("created_count", "updated_count", "unchanged_count", "skipped_count", "rows_done")
    assert [getattr(loaded, name) for name in counts] == [getattr(usual, name) for name in counts] == [9, 2, 1, 3, 15]
    assert [(e["row"], e["field"]) for e in loaded.errors] == [(e["row"], e["field"]) for e in usual.errors] == [
        (8, "email"), (13, "member_number"), (14, "member_number")
    ]  # fmt: skip
    expected, got = snapshot(borgo), snapshot(aurora)
    for part in expected:
        assert got[part] == expected[part], part
    sara = Customer.objects.get(network=aurora, first_name="Sara")
    assert sara.external_id == "C15" and {p.value for p in sara.contact_points.all()} == {"cliente.esistente@example.it", "+393337777777"}


def test_after_a_bulk_load_every_index_is_back_and_the_search_finds_everyone(dario, aurora, notice, bulk):
    from vicino.conftest import actor_of
    from vicino.people.search import customer_search

    imported(dario, aurora, notice, data=csv_of())
    assert not importbulk._indexes_deferred()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert {"people_customer_fts_insert", "people_customer_words_update"} <= triggers
    assert {c.external_id for c in customer_search(actor=actor_of(dario), text="rossi")} == {"C5"}
    assert {c.external_id for c in customer_search(actor=actor_of(dario), text="cantu")} == {"C3"}
    assert {c.external_id for c in customer_search(actor=actor_of(dario), text="fontna")} == {"C11"}  # a typo: the dictionary too
    assert not list(importbulk.Path(imports.CustomerImport.objects.get().file.path).parent.glob("*.staged*"))


def test_a_killed_bulk_load_resumes_in_bulk_and_builds_its_indexes_at_the_end(dario, aurora, notice, bulk, monkeypatch):
    from vicino.core.tasks import database_statistics_refresh

    customer_import = imports.import_upload(by=dario, network=aurora, site=None, upload=SimpleUploadedFile("clienti.csv", csv_of()))
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    real_write, calls = importbulk._batch_write, []

    def killed_in_the_second_batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        real_write(*args)

    # Killed, not failed: the process is gone before it can build anything again.
    monkeypatch.setattr(importbulk, "_batch_write", killed_in_the_second_batch)
    monkeypatch.setattr(importbulk, "_indexes_build", lambda: None)
    imports.import_start(by=dario, customer_import=customer_import)
    customer_import.refresh_from_db()
    assert customer_import.status == "failed" and customer_import.rows_done == 3
    assert Customer.objects.filter(network=aurora).count() == 3
    assert importbulk._indexes_deferred()

    monkeypatch.setattr(importbulk, "_batch_write", real_write)
    monkeypatch.undo()
    monkeypatch.setattr(imports, "BATCH_SIZE", 3)
    monkeypatch.setattr(importbulk, "MIN_ROWS", 10**9)  # too few rows now: only the missing indexes make it bulk
    imports.import_start(by=dario, customer_import=customer_import)
    done = imports.import_run(import_id=customer_import.pk)
    assert (done.status, done.rows_done, done.created_count) == ("done", 15, 11)
    assert not importbulk._indexes_deferred()
    assert Customer.objects.filter(network=aurora).count() == 11

    # The daily tasks put back what a killed load left out, should nobody resume it.
    from vicino.people.tasks import search_indexes_repair

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX customer_network_name_key")
        cursor.execute("DROP TRIGGER people_customer_fts_insert")
    assert search_indexes_repair.call() == 1
    database_statistics_refresh.call()
    assert not importbulk._indexes_deferred()
    services.customer_create(by=None, network=aurora, first_name="Zeno", last_name="Nuovissimo")
    assert found_names(dario, "nuovissimo") == {"Zeno Nuovissimo"}


def test_a_customer_added_during_a_bulk_load_is_matched_the_usual_way(dario, aurora, notice, bulk, monkeypatch):
    # The planner's keys were read before this customer came: the uniqueness index refuses the
    # staged copy, and the rest of the file is imported the usual way, which finds them.
    services.customer_create(by=None, network=aurora, first_name="Ivo", last_name="Fontana", external_id="C11")
    monkeypatch.setattr(importbulk, "_network_keys", lambda network_id: ({}, {}))
    done = imported(dario, aurora, notice, data=csv_of())
    assert done.status == "done"
    assert Customer.objects.filter(network=aurora, external_id="C11").count() == 1
    assert (done.created_count, done.updated_count + done.unchanged_count) == (10, 3)
    assert not importbulk._indexes_deferred()


def found_names(user, text):
    from vicino.conftest import actor_of
    from vicino.people.search import customer_search

    return {c.display_name for c in customer_search(actor=actor_of(user), text=text)}


def test_a_customer_merged_away_during_a_bulk_load_leaves_their_row_a_new_customer(dario, aurora, notice, bulk, monkeypatch):
    from vicino.people import duplicates, importbatch

    sara, other = (services.customer_create(by=None, network=aurora, first_name="Sara", last_name=f"Conti{n}",
                                            emails=[f"{n}cliente.esistente@example.it"]) for n in ("", "bis"))  # fmt: skip
    real = importbatch.customers_for_update

    def merged_meanwhile(network, ids):
        if sara.pk in set(ids) and Customer.objects.filter(pk=sara.pk, merged_into__isnull=True).exists():
            duplicates.customer_merge(by=None, keep=other, merge_away=Customer.objects.get(pk=sara.pk))
        return real(network, ids)

    monkeypatch.setattr(importbatch, "customers_for_update", merged_meanwhile)
    done = imported(dario, aurora, notice, data=csv_of())
    counts = (done.created_count, done.updated_count, done.unchanged_count, done.skipped_count)
    assert sum(counts) == done.rows_done == 15
    assert Customer.objects.filter(network=aurora, external_id="C10", merged_into__isnull=True).exists()


def test_a_bulk_load_is_for_large_files_against_few_customers(dario, aurora, notice, monkeypatch):
    customer_import = imports.import_upload(by=dario, network=aurora, site=None, upload=SimpleUploadedFile("clienti.csv", csv_of()))
    imports.import_check(customer_import=customer_import, mapping=customer_import.mapping, notice=notice)
    assert not importbulk.bulk_applies(customer_import)  # fourteen good rows: fewer than MIN_ROWS
    monkeypatch.setattr(importbulk, "MIN_ROWS", 1)
    assert importbulk.bulk_applies(customer_import)
    for n in range(15):
        services.customer_create(by=None, network=aurora, first_name="Già", last_name=f"Cliente{n}")
    assert not importbulk.bulk_applies(customer_import)  # more customers than the file brings

    # Another import while indexes are out (a load running, or killed) goes the usual way.
    monkeypatch.setattr(importbulk, "MIN_ROWS", 10**9)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX customer_network_name_key")
    assert not importbulk.bulk_applies(customer_import)
    # Without the check's rows to read, there is no bulk load either.
    monkeypatch.setattr(importbulk, "MIN_ROWS", 1)
    importbulk.Path(customer_import.file.path + ".checked").unlink()
    assert not importbulk.bulk_applies(customer_import)
