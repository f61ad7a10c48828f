"""Benchmarks of the sales app: ADF import rate, and the pipeline board of a busy site.

Runs on a fresh database of its own (SQLite under a temporary folder, or a throwaway
PostgreSQL with --postgres) through the real code paths: `adf_import` exactly as an upload,
the API and the folder pickup call it (reading the XML, routing, matching customers,
writing leads and timeline entries), and the board through the Django test client.

    .venv/bin/python bench/sales_bench.py                       # 100,000 ADF leads, board with 5,000 open leads
    .venv/bin/python bench/sales_bench.py --leads 20000 --board-leads 5000
    .venv/bin/python bench/sales_bench.py --postgres

A third of the prospects carry the e-mail of a customer already on file, so matching
finds them; the rest are new people. Prints rates, medians and p95s; asserts nothing.
"""

import argparse
import os
import statistics
import time

from benchenv import django_start, percentile  # noqa: E402

django_start(prefix="vicino-sales-bench-", shared_buffers="1GB")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

FIRST = ["Marco", "Giulia", "Nicolò", "Lucia", "Andrea", "Chiara", "Francesco", "Sara", "Matteo", "Elena", "Davide", "Martina"]
LAST = ["Rossi", "D'Angelo", "Paternò", "Cantù", "Esposito", "Dell'Acqua", "Bianchi", "Lo Russo", "Ferrari", "Dal Bò", "Romano", "Gallo"]
PROVINCES = ["MI", "TV", "PG", "PC", "BG", "VE", "RM", "TO", "BO", "PD"]
MODELS = [("Stella", "1.5 Hybrid"), ("Luna", "EV Long Range"), ("Cometa", "2.0 Plug-in AWD"), ("Brezza", "1.0 Turbo")]


def prospect_xml(n: int, email: str, vendor: str = "") -> str:
    first, last = FIRST[n % len(FIRST)], LAST[(n // 7) % len(LAST)]
    model, trim = MODELS[n % len(MODELS)]
    vendor_xml = f"<vendor><id>{vendor}</id></vendor>" if vendor else ""
    trade = ('<vehicle interest="trade-in" status="used"><year>2016</year><make>Fiat</make><model>Punto</model>'
             '<odometer units="km">90000</odometer></vehicle>') if n % 10 == 0 else ""  # fmt: skip
    return (
        f'<prospect status="new"><id source="BenchPortal">BP-{n}</id><requestdate>2026-11-30T10:00:00+01:00</requestdate>'
        f'<vehicle interest="buy" status="new"><year>2026</year><make>Aurora</make><model>{model}</model><trim>{trim}</trim>'
        f'<price currency="EUR">{24000 + n % 9000}</price></vehicle>{trade}'
        f'<customer><contact><name part="first">{first}</name><name part="last">{last.replace("&", "&amp;")}</name>'
        f"<email>{email}</email><phone>+39 3{n % 100:02d} {1000000 + n}</phone>"
        f"<address><regioncode>{PROVINCES[n % len(PROVINCES)]}</regioncode></address></contact></customer>"
        f"{vendor_xml}<provider><name>BenchPortal</name><service>Preventivi</service></provider></prospect>"
    )


def document(prospects: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><?adf version="1.0"?><adf>' + "".join(prospects) + "</adf>").encode()


def setup():
    call_command("migrate", verbosity=0)
    from vicino.conftest import PASSWORD
    from vicino.core import services
    from vicino.core.models import Network, Site
    from vicino.core.roles import Role

    network = services.network_create(by=None, name="Aurora Motori", slug="aurora", kind=Network.Kind.BRAND)
    sites = []
    for code, city, province, cap in [("MI01", "Milano", "MI", "20156"), ("TV01", "Treviso", "TV", "31100"), ("PG01", "Perugia", "PG", "06129"),
                                      ("PC01", "Piacenza", "PC", "29122")]:  # fmt: skip
        site = services.site_create(by=None, network=network, code=code, name=f"Aurora {city}", kind=Site.Kind.DEALERSHIP, city=city,
                                    province=province, cap=cap)  # fmt: skip
        services.opening_hours_set(by=None, site=site, intervals=[(d, __import__("datetime").time(9), __import__("datetime").time(19)) for d in range(6)])
        for k in range(3):
            user = services.user_create(by=None, email=f"sales{k}@{code.lower()}.example", full_name=f"Consulente {k} {city}", password=PASSWORD)
            services.membership_create(by=None, user=user, network=network, site=site, role=Role.SALES_CONSULTANT)
        sites.append(site)
    return network, sites


def seed_customers(network, count: int) -> list[str]:
    """Customers already on file, whose e-mails a third of the prospects bring."""
    from vicino.people.matching import PersonIn, customers_match_or_create

    emails = [f"cliente{n}@example.it" for n in range(count)]
    for start in range(0, count, 1000):
        people = [PersonIn(first_name=FIRST[n % 12], last_name=LAST[n % 12], emails=(emails[n],)) for n in range(start, min(count, start + 1000))]
        customers_match_or_create(by=None, network=network, site=None, people=people, channel="other", summary="Bench")
    return emails


def bench_import(network, total: int, per_document: int, known: list[str]) -> None:
    from vicino.sales.adfimport import adf_import
    from vicino.sales.models import Lead

    documents = []
    for start in range(0, total, per_document):
        prospects = []
        for n in range(start, min(total, start + per_document)):
            email = known[n % len(known)] if n % 3 == 0 else f"nuovo{n}@example.it"
            prospects.append(prospect_xml(n, email))
        documents.append(document(prospects))
    size = sum(len(d) for d in documents)
    print(f"ADF import: {total:,} prospects in {len(documents)} documents ({size / 1e6:.1f} MB), one third matching known customers")
    timings = []
    started = time.perf_counter()
    for number, data in enumerate(documents):
        t = time.perf_counter()
        result = adf_import(by=None, network=network, data=data, filename=f"bench-{number}.xml", source="api")
        timings.append(time.perf_counter() - t)
        assert not result.problems, result.problems[:3]
    elapsed = time.perf_counter() - started
    leads = Lead.objects.filter(network=network).count()
    per_doc = [per_document / t for t in timings]
    print(f"  {leads:,} leads in {elapsed:.1f} s: {leads / elapsed:,.0f} leads/s overall; per document median {statistics.median(per_doc):,.0f} leads/s"
          f" (min {min(per_doc):,.0f}, max {max(per_doc):,.0f})")  # fmt: skip


def board_site(network):
    """A site opened after the import, so that its board holds exactly the leads given to it."""
    from vicino.conftest import PASSWORD
    from vicino.core import services
    from vicino.core.models import Site
    from vicino.core.roles import Role

    site = services.site_create(by=None, network=network, code="BA01", name="Aurora Bari", kind=Site.Kind.DEALERSHIP, city="Bari", province="BA")
    for k in range(3):
        user = services.user_create(by=None, email=f"sales{k}@ba01.example", full_name=f"Consulente {k} Bari", password=PASSWORD)
        services.membership_create(by=None, user=user, network=network, site=site, role=Role.SALES_CONSULTANT)
    return site


def bench_board(network, site, open_leads: int, runs: int) -> None:
    from vicino.core.models import Membership
    from vicino.sales.adfimport import adf_import
    from vicino.sales.models import Lead

    have = Lead.objects.filter(site=site, stage__in=Lead.OPEN_STAGES).count()
    missing = open_leads - have
    for start in range(0, max(0, missing), 5000):
        chunk = range(start, min(missing, start + 5000))
        adf_import(by=None, network=network, data=document([prospect_xml(10_000_000 + n, f"board{n}@example.it", vendor=site.code) for n in chunk]))
    leads = Lead.objects.filter(site=site, stage__in=Lead.OPEN_STAGES)
    # Spread them over the columns as a real site's would be.
    stages = ["contacted", "appointment", "test_drive", "quote"]
    ids = list(leads.values_list("pk", flat=True))
    for index, stage in enumerate(stages):
        Lead.objects.filter(pk__in=ids[index::8]).update(stage=stage)
    open_count = leads.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load; the planner needs the new sizes
    consultant = Membership.objects.filter(site=site, role="sales_consultant").select_related("user").first().user
    client = Client()
    client.force_login(consultant)
    url = "/leads/"
    client.get(url)
    timings, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
        queries.append(len(captured.captured_queries))
    print(f"Board of {site.name}: {open_count:,} open leads, {runs} requests")
    print(f"  server time median {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms; queries per page {min(queries)}–{max(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--per-document", type=int, default=5_000)
    parser.add_argument("--known", type=int, default=20_000)
    parser.add_argument("--board-leads", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print(f"Database: {connection.vendor}; data in {os.environ['VICINO_VAR_DIR']}")
    network, sites = setup()
    known = seed_customers(network, args.known)
    bench_import(network, args.leads, args.per_document, known)
    bench_board(network, board_site(network), args.board_leads, args.runs)


if __name__ == "__main__":
    main()
