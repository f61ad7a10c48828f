"""Benchmark of the customer portal: the repair order's progress, polled by customers waiting for their car.

A network with 10,000 open repair orders (each with its status history, a few updates the owner
may see, some internal ones, a finding), on a fresh database of its own (SQLite, or a throwaway
PostgreSQL with --postgres). Vicino is served by gunicorn (WSGI, the production server: 4 worker
processes of one thread each on this 2-core machine) and 200 customers — each signed in to the portal, each on their
own order — poll its progress every 5 seconds from a load generator on the same machine
(loopback), as the page's htmx does: the first answer is the live part, the next ones send its
version back and get 204 while nothing changed. The server's own time per request comes from gunicorn's
access log (%(D)s, microseconds): the figure the goal is about. The client's time is printed too.

    .venv/bin/python bench/portal_bench.py                    # 10,000 orders, 200 customers, 60 s
    .venv/bin/python bench/portal_bench.py --postgres
    .venv/bin/python bench/portal_bench.py --orders 2000 --customers 50 --seconds 20

Goal (issue 6): server p95 ≤ 50 ms. Prints medians and p95s; asserts nothing.
"""

import argparse
import collections
import datetime
import html
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from benchenv import ROOT, django_start, percentile  # noqa: E402

django_start(prefix="vicino-portal-bench-", shared_buffers="1GB")

from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

FIRST = ["Marco", "Giulia", "Nicolò", "Lucia", "Andrea", "Chiara", "Francesco", "Sara", "Matteo", "Elena", "Davide", "Martina"]
LAST = ["Rossi", "D'Angelo", "Paternò", "Cantù", "Esposito", "Dell'Acqua", "Bianchi", "Lo Russo", "Ferrari", "Dal Bò", "Romano", "Gallo"]
LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"


def plate(n: int) -> str:
    return f"{LETTERS[n // 22000 % 22]}{LETTERS[n // 1000 % 22]}{n % 1000:03d}{LETTERS[n // 22 % 22]}{LETTERS[n % 22]}"


def setup(orders: int, seed: int):
    """The network, its sites and people, and `orders` open repair orders with their history, in bulk."""
    from vicino.core import services as core
    from vicino.core.models import Network
    from vicino.core.roles import Role
    from vicino.people.models import ContactPoint, Customer
    from vicino.workshop.models import Finding, OrderEvent, OrderUpdate, RepairOrder, Vehicle

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    network = Network.objects.create(name="Aurora Motori Italia", slug="aurora", kind="brand")
    sites = [core.site_create(by=None, network=network, code=f"S{n:02d}", name=f"Aurora {n}", kind="dealership", city="Milano", province="MI", cap="20121")
             for n in range(10)]  # fmt: skip
    advisor = core.user_create(by=None, email="officina@aurora.example", full_name="Matteo Ricci", password="x")
    core.membership_create(by=None, user=advisor, network=network, site=sites[0], role=Role.SERVICE_ADVISOR)
    customers = Customer.objects.bulk_create(
        [Customer(network=network, site=sites[n % 10], first_name=FIRST[n % 12], last_name=LAST[n // 12 % 12], language="it") for n in range(orders)]
    )
    ContactPoint.objects.bulk_create([ContactPoint(network=network, customer=c, kind="email", value=f"cliente{n}@example.it") for n, c in enumerate(customers)])
    vehicles = Vehicle.objects.bulk_create([Vehicle(network=network, plate=plate(n), make="Aurora", model="Stella", km=30000 + n) for n in range(orders)])
    Vehicle.owners.through.objects.bulk_create([Vehicle.owners.through(vehicle=v, customer=c) for v, c in zip(vehicles, customers)])
    now = timezone.now()
    statuses = ["received", "diagnosis", "waiting_approval", "waiting_parts", "in_progress", "quality_check", "ready"]
    made = RepairOrder.objects.bulk_create(
        [RepairOrder(network=network, site=sites[n % 10], number=f"S{n % 10:02d}-2026-{n:05d}", vehicle=v, customer=c, source="counter",
                     status=statuses[n % len(statuses)], complaint="Tagliando e rumore ai freni", status_changed_at=now, advisor=advisor,
                     promised_at=now + datetime.timedelta(hours=rng.randint(1, 48)))
         for n, (v, c) in enumerate(zip(vehicles, customers))], batch_size=2000)  # fmt: skip
    events, updates = [], []
    for n, order in enumerate(made):
        reached = statuses[: statuses.index(order.status) + 1]
        events += [OrderEvent(order=order, status=s, at=now - datetime.timedelta(hours=len(reached) - i)) for i, s in enumerate(reached)]
        updates += [OrderUpdate(order=order, author=advisor, text=f"Nota {k} sul lavoro", is_visible=k % 2 == 0, created_at=now - datetime.timedelta(minutes=30 * k))
                    for k in range(6)]  # fmt: skip
    OrderEvent.objects.bulk_create(events, batch_size=5000)
    OrderUpdate.objects.bulk_create(updates, batch_size=5000)
    Finding.objects.bulk_create([Finding(order=o, title="Pastiglie freni anteriori", grade="amber", price=120, created_at=now)
                                 for o in made if o.status == "waiting_approval"], batch_size=5000)  # fmt: skip
    return network, customers, made


def portal_cookie(customer) -> str:
    """A signed-in portal session, as opening the e-mailed link leaves it (the link itself is not the subject here)."""
    import hashlib
    import secrets

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from vicino.portal.models import SignInLink
    from vicino.portal.session import CUSTOMER_KEY, LINK_KEY

    now = timezone.now()
    link = SignInLink.objects.create(customer=customer, email=f"c{customer.pk}@example.it", token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
                                     created_at=now, expires_at=now + datetime.timedelta(minutes=15), used_at=now)  # fmt: skip
    store = SessionStore()
    store[CUSTOMER_KEY], store[LINK_KEY] = customer.pk, link.pk
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_start(port: int, log: Path, workers: int, threads: int) -> subprocess.Popen:
    # Persistent database connections, as a production server keeps them (VICINO_DB_CONN_MAX_AGE).
    env = {"VICINO_DB_CONN_MAX_AGE": "60", **os.environ, "VICINO_DEBUG": "0", "VICINO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    command = [sys.executable, "-m", "gunicorn", "vicino.config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--threads", str(threads), "--worker-class", "gthread", "--access-logfile", str(log), "--access-logformat", "%(s)s %(D)s %(U)s",
               "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/portal/", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def poll(url: str, cookie: str, until: float, every: float, offset: float, timings: list, errors: list) -> None:
    time.sleep(offset)
    opener = urllib.request.build_opener()
    headers = {"Cookie": cookie, "HX-Request": "true", "Accept-Language": "it"}
    polled = url  # as the page does: the first answer carries the address to poll, `?since=` its version
    while time.monotonic() < until:
        started = time.monotonic()
        first = polled == url
        try:
            with opener.open(urllib.request.Request(polled, headers=headers), timeout=10) as response:
                body = response.read().decode()
                if response.status == 200:
                    polled = url.split("/portal/")[0] + html.unescape(body.split('hx-get="')[1].split('"')[0])
                elif response.status != 204:
                    errors.append(response.status)
        except Exception as error:  # noqa: BLE001 — a failed poll is counted, not raised
            errors.append(repr(error)[:80])
        timings.append(((time.monotonic() - started) * 1000, not first))
        time.sleep(max(0.0, every - (time.monotonic() - started)))


def workshop_notes(orders, until: float, every: float, written: list) -> None:
    """The workshop meanwhile: a visible note on one of the polled orders every `every` seconds, through the service."""
    from django.db import connection

    from vicino.workshop import services

    rng = random.Random(1)
    while time.monotonic() < until:
        order = rng.choice(orders)
        services.update_post(by=order.advisor, order=order, text="Aggiornamento dal ponte", is_visible=True)
        written.append(order.pk)
        time.sleep(every)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--every", type=float, default=5.0)
    # One thread per worker process: on two cores, threads of one process only queue for its GIL.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--note-every", type=float, default=1.0, help="seconds between two workshop notes on polled orders")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    from django.db import connection

    t = time.perf_counter()
    _network, customers, orders = setup(args.orders, args.seed)
    print(f"Database: {connection.vendor}; {len(orders):,} open repair orders, made in {time.perf_counter() - t:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    chosen = random.Random(args.seed).sample(range(len(orders)), args.customers)
    clients = [(reverse("portal:order", args=[orders[n].pk]), portal_cookie(customers[n])) for n in chosen]
    connection.close()
    port, log = free_port(), Path(os.environ["VICINO_VAR_DIR"]) / "access.log"
    server = server_start(port, log, args.workers, args.threads)
    try:
        # Warm both workers up (imports, first connections, templates), then measure from a clean log.
        for url, cookie in clients[:20]:
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers={"Cookie": cookie, "HX-Request": "true"}), timeout=30).read()
        time.sleep(1)
        log.write_text("")
        timings: list[float] = []
        errors: list = []
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=poll, args=(f"http://127.0.0.1:{port}{url}", cookie, until, args.every, args.every * i / len(clients), timings, errors))
                   for i, (url, cookie) in enumerate(clients)]  # fmt: skip
        written: list[int] = []
        polled_orders = [orders[n] for n in chosen]
        threads.append(threading.Thread(target=workshop_notes, args=(polled_orders, until, args.note_every, written)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    served = [line.split() for line in log.read_text().splitlines() if line.strip()]
    server_ms = [int(duration) / 1000 for status, duration, *_ in served]
    print(f"The workshop wrote {len(written)} visible notes on polled orders meanwhile")
    print(f"{args.customers} customers polling every {args.every:g} s for {args.seconds} s: {len(served):,} requests served "
          f"({len(served) / args.seconds:.1f}/s), statuses {dict(collections.Counter(status for status, *_ in served))}, {len(errors)} client errors")  # fmt: skip
    print(f"  server (gunicorn %(D)s): median {statistics.median(server_ms):.1f} ms, p95 {percentile(server_ms, 95):.1f} ms, "
          f"p99 {percentile(server_ms, 99):.1f} ms")  # fmt: skip
    # Each customer's first request is the page's live part in full, all 200 within the first 5 seconds; then the polls.
    steady = server_ms[len(clients):]
    print(f"  server, polls only (each customer's first load left out): median {statistics.median(steady):.1f} ms, "
          f"p95 {percentile(steady, 95):.1f} ms, p99 {percentile(steady, 99):.1f} ms")  # fmt: skip
    every_ms, polls_ms = [ms for ms, _poll in timings], [ms for ms, poll in timings if poll]
    print(f"  client (loopback, same machine): median {statistics.median(every_ms):.1f} ms, p95 {percentile(every_ms, 95):.1f} ms; "
          f"polls only: median {statistics.median(polls_ms):.1f} ms, p95 {percentile(polls_ms, 95):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
