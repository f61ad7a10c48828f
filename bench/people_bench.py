"""Benchmarks of the people app: import rate, search latency, customer page time.

Runs on a fresh database of its own (SQLite under a temporary folder by default, or
PostgreSQL when DATABASE_URL is set) through the real code paths: the import goes
through upload → check → batches exactly as the page does, search through
`customer_search`, the customer page through the Django test client.

    .venv/bin/python bench/people_bench.py --rows 1000000           # all three
    .venv/bin/python bench/people_bench.py --rows 100000 --only import
    .venv/bin/python bench/people_bench.py --rows 1000000 --postgres        # on a throwaway PostgreSQL
    VICINO_VAR_DIR=/tmp/b .venv/bin/python bench/people_bench.py --only search   # reuses /tmp/b's data

With VICINO_VAR_DIR pointing at an earlier run's folder, the customers imported then are
reused and only the measurements after the import run again.

Prints medians and p95s; it is not a test and asserts nothing about time.
"""

import argparse
import statistics
import time

from benchenv import django_start, percentile  # noqa: E402

django_start(prefix="vicino-bench-", shared_buffers="2GB")

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from customers_generate import HEADER, customer_rows  # noqa: E402


def setup():
    from vicino.core import services
    from vicino.core.models import Network, Site, User
    from vicino.core.roles import Role
    from vicino.people import services as people

    call_command("migrate", verbosity=0)
    existing = Network.objects.filter(slug="bench").first()
    if existing:
        user = User.objects.get(email="bench@bench.example")
        return existing, existing.sites.first(), user, existing.privacy_notices.first()
    network = services.network_create(by=None, name="Bench Motori", slug="bench", kind=Network.Kind.BRAND)
    site = services.site_create(by=None, network=network, code="MI01", name="Bench Milano", kind=Site.Kind.DEALERSHIP, city="Milano", province="MI")
    user = services.user_create(by=None, email="bench@bench.example", full_name="Bench", password="bench-password-1")
    services.membership_create(by=None, user=user, network=network, role=Role.NETWORK_ADMIN)
    notice = people.privacy_notice_publish(by=None, network=network, version="1", title="Informativa", text="…")
    return network, site, user, notice


def csv_bytes(rows: int) -> bytes:
    lines = [";".join(HEADER)]
    lines += [";".join(value.replace(";", ",") for value in row) for row in customer_rows(rows, seed=42)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def bench_import(rows: int, network, site, user, notice) -> None:
    from vicino.people import imports

    data = csv_bytes(rows)
    print(f"import: {rows:,} rows, {len(data) / 2**20:.0f} MB CSV ({connection.vendor})")
    started = time.perf_counter()
    customer_import = imports.import_upload(by=user, network=network, site=site, upload=SimpleUploadedFile("bench.csv", data))
    customer_import.notice = notice
    imports._check(customer_import)
    checked = time.perf_counter()
    imports.import_start(by=user, customer_import=customer_import)
    result = imports.import_run(import_id=customer_import.pk)
    done = time.perf_counter()
    print(f"  check (dry run):  {checked - started:7.1f} s  ({rows / (checked - started):,.0f} rows/s)")
    print(f"  import batches:   {done - checked:7.1f} s  ({rows / (done - checked):,.0f} rows/s)")
    print(f"  whole path:       {done - started:7.1f} s  ({rows / (done - started):,.0f} rows/s)")
    print(f"  created {result.created_count:,}, skipped {result.skipped_count:,} (bad rows)")


def bench_search(network, user, samples: int = 200) -> None:
    import random

    from vicino.core.actor import actor_for
    from vicino.people.models import ContactPoint, Customer
    from vicino.people.search import customer_search

    actor = actor_for(user=user)
    rng = random.Random(7)
    ids = list(Customer.objects.filter(network=network).values_list("pk", flat=True)[:: max(1, Customer.objects.count() // 5000)])
    people = list(Customer.objects.filter(pk__in=rng.sample(ids, min(samples, len(ids)))).exclude(last_name=""))
    phones = list(ContactPoint.objects.filter(network=network, kind="phone").values_list("value", flat=True)[:samples])

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    queries = {
        "surname": [c.last_name for c in people],
        "first + last name": [f"{c.first_name} {c.last_name}" for c in people],
        "name with a typo": [typo(c.last_name.replace("'", "")) for c in people if len(c.last_name) >= 5],
        "phone (national)": [p[3:6] + " " + p[6:] for p in phones],
    }
    print(f"search ({connection.vendor}, {Customer.objects.count():,} customers; first page of 50):")
    for label, texts in queries.items():
        times = []
        for text in texts:
            started = time.perf_counter()
            list(customer_search(actor=actor, text=text)[:50])
            times.append((time.perf_counter() - started) * 1000)
        slowest = max(zip(times, texts))
        print(
            f"  {label:20s} p50 {statistics.median(times):6.1f} ms   p95 {percentile(times, 95):6.1f} ms   "
            f"({len(times)} queries; slowest {slowest[0]:.0f} ms: {slowest[1]!r})"
        )


def bench_customer_page(network, user, entries: int = 500, samples: int = 50) -> None:
    from django.test import Client

    from vicino.people import services as people
    from vicino.people.models import Customer, Interaction

    customer = Customer.objects.filter(network=network).exclude(last_name="").first() or people.customer_create(
        by=None, network=network, first_name="Pagina", last_name="Lunga"
    )
    Interaction.objects.bulk_create(
        [Interaction(network=network, customer=customer, channel="phone", kind="call", summary=f"Chiamata {n}") for n in range(entries)]
    )
    client = Client()
    client.force_login(user)
    entries_now = customer.interactions.count()
    for label, url in (
        (f"customer page with {entries_now} timeline entries", f"/customers/{customer.pk}/"),
        ("list page, first", "/customers/"),
        ("list page 150", "/customers/?page=150"),
        (f"list page, search {customer.last_name!r}", f"/customers/?q={customer.last_name}"),
    ):
        times = _page_times(client, url, samples)
        print(f"{label}: p50 {statistics.median(times):.1f} ms   p95 {percentile(times, 95):.1f} ms")


def _page_times(client, url: str, samples: int) -> list[float]:
    """Server time of `samples` requests for `url` (after one to warm up), in ms."""
    client.get(url)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=["import", "search", "page"], default=None)
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL server started for the run")
    args = parser.parse_args()
    network, site, user, notice = setup()
    if network.customers.exists():
        print(f"reusing the {network.customers.count():,} customers already imported")
    else:
        bench_import(args.rows, network, site, user, notice)
    if args.only in (None, "search"):
        bench_search(network, user)
    if args.only in (None, "page"):
        bench_customer_page(network, user)


if __name__ == "__main__":
    main()
