"""Benchmark of an event's busy moments, measured in the server (Django's test client, no network):

- registrations on the public page (the form's POST: customer matched or created, the place
  counted under the event's lock, the ticket e-mail drawn with its QR code and .ics);
- the door: a ticket scanned (half of them a second time), and a guest found by name;
- the event's public page, and the staff page with its guests.

An event of 2,000 places and 2,000 registrations (200 of them posted through the page, the rest
written through the service), in a network of 20,000 customers, on a fresh database of its own
(SQLite, or a throwaway PostgreSQL with --postgres). Prints medians and p95s; asserts nothing.

    .venv/bin/python bench/events_bench.py
    .venv/bin/python bench/events_bench.py --postgres
"""

import datetime
import logging
import statistics
import time

from benchenv import django_start, percentile  # noqa: E402

django_start(prefix="vicino-events-bench-", shared_buffers="512MB")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

GUESTS = 2000
POSTED = 200
CUSTOMERS = 20_000


def _figures(label: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{label:<44} n={len(ms):>5}  median {statistics.median(ms):7.1f} ms   p95 {percentile(ms, 95):7.1f} ms")


def main() -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from vicino.core import services as core
    from vicino.core.models import Network, Site
    from vicino.core.roles import Role
    from vicino.events import services
    from vicino.events.links import ticket_code
    from vicino.events.models import Event, Registration
    from vicino.people.matching import PersonIn, customers_match_or_create

    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("migrate", verbosity=0)
    network = core.network_create(by=None, name="Aurora Motori", slug="aurora", kind=Network.Kind.BRAND)
    site = core.site_create(by=None, network=network, code="MI01", name="Aurora Milano", kind=Site.Kind.DEALERSHIP, city="Milano", province="MI")
    rosa = core.user_create(by=None, email="rosa@aurora.example", full_name="Rosa Bianchi", password="x" * 12)
    core.membership_create(by=None, user=rosa, network=network, site=site, role=Role.RECEPTION)
    started = time.perf_counter()
    for first in range(0, CUSTOMERS, 5000):
        customers_match_or_create(by=None, network=network, site=site, channel="web", summary="bench", people=[
            PersonIn(first_name="Cliente", last_name=f"Numero {n}", emails=(f"c{n}@example.it",)) for n in range(first, first + 5000)])  # fmt: skip
    starts = timezone.now() + datetime.timedelta(days=10)
    event = Event.objects.create(network=network, site=site, kind=Event.Kind.LAUNCH, title="Anteprima Stella EV", slug="anteprima", capacity=GUESTS,
                                 max_companions=0, starts_at=starts, ends_at=starts + datetime.timedelta(hours=4), status=Event.Status.PUBLISHED)  # fmt: skip
    for n in range(GUESTS - POSTED):
        email = f"c{n}@example.it"
        services.registration_create(event=event, person=PersonIn(first_name="Cliente", last_name=f"Numero {n}", emails=(email,)), email=email)
    print(f"setup: {CUSTOMERS} customers, {GUESTS - POSTED} registrations in {time.perf_counter() - started:.0f} s")

    public = Client()
    url = reverse("events:public-event", args=["aurora", "anteprima"])
    posts = []
    for n in range(POSTED):
        body = {"first_name": "Ospite", "last_name": f"Nuovo {n}", "email": f"nuovo{n}@example.it", "phone": "", "companions": "0", "dietary_notes": ""}
        t = time.perf_counter()
        response = public.post(url, body)
        posts.append(time.perf_counter() - t)
        assert response.status_code == 302, response.status_code
    _figures("registration POST (with ticket e-mail)", posts)

    pages = []
    for _n in range(100):
        t = time.perf_counter()
        public.get(url)
        pages.append(time.perf_counter() - t)
    _figures("public event page GET", pages)

    staff = Client()
    staff.force_login(rosa)
    scan_url = reverse("events:door-scan", args=[event.pk])
    guests = list(Registration.objects.filter(event=event).order_by("?")[:300])
    scans, again = [], []
    for registration in guests:
        code = ticket_code(registration)
        t = time.perf_counter()
        staff.post(scan_url, {"code": code})
        scans.append(time.perf_counter() - t)
    for registration in guests[:150]:
        t = time.perf_counter()
        staff.post(scan_url, {"code": ticket_code(registration)})
        again.append(time.perf_counter() - t)
    _figures("door: ticket scanned (first time)", scans)
    _figures("door: ticket scanned again", again)

    door_url = reverse("events:door", args=[event.pk])
    searches = []
    for n in range(100):
        t = time.perf_counter()
        staff.get(door_url, {"q": f"numero {n * 17}"}, HTTP_HX_REQUEST="true")
        searches.append(time.perf_counter() - t)
    _figures("door: guest found by name (htmx)", searches)

    detail = []
    for _n in range(20):
        t = time.perf_counter()
        staff.get(reverse("events:detail", args=[event.pk]))
        detail.append(time.perf_counter() - t)
    _figures("staff event page (100 guests a page)", detail)
    confirmed = Registration.objects.filter(event=event, status="confirmed").count()
    print(f"registrations: {Registration.objects.filter(event=event).count()}, confirmed {confirmed}")


main()
