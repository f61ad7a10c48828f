"""Benchmark of free times: a week of a busy site, as the public booking page computes it.

A site open Monday to Saturday 8:00–20:00 with 50 resources (12 demo cars of 6 models, 12
consultants, 8 service bays, 8 advisors, 6 chargers, the delivery area, 3 lounge places) and
2,000 bookings in the measured week (test drives, services, charging: back to back, with about
one in fifteen left free — a busy week), on a fresh database of its own (SQLite, or a throwaway PostgreSQL with --postgres).
Before it, a year of weeks like it (`--past-weeks`, one booking in ten cancelled): a site's tables
hold its history, and reading one week must not mean reading all of it. PostgreSQL is then
analysed, as autovacuum would after such a load. Then `week_slots` — the database reads and the
computing — for a test drive (a demo car of the chosen model and a consultant), a service
appointment (a bay and an advisor) and a charging slot. Prints medians and p95s; asserts nothing.

    .venv/bin/python bench/bookings_bench.py
    .venv/bin/python bench/bookings_bench.py --postgres
    .venv/bin/python bench/bookings_bench.py --past-weeks 0     # the measured week alone
"""

import argparse
import datetime
import os
import random
import statistics
import time

from benchenv import django_start, percentile  # noqa: E402

django_start(prefix="vicino-bookings-bench-", shared_buffers="512MB")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def setup(bookings: int, seed: int, past_weeks: int):
    from vicino.bookings.models import Allocation, Booking, Offering, OfferingNeed, Resource
    from vicino.bookings.slots import zone
    from vicino.core import services
    from vicino.core.holidays import holidays_of
    from vicino.core.models import Network, Site
    from vicino.people.matching import PersonIn, customers_match_or_create
    from vicino.people.models import Customer
    from vicino.sales import stock
    from vicino.sales.models import Fuel

    call_command("migrate", verbosity=0)
    network = services.network_create(by=None, name="Aurora Motori", slug="aurora", kind=Network.Kind.BRAND)
    site = services.site_create(by=None, network=network, code="MI01", name="Aurora Milano", kind=Site.Kind.DEALERSHIP, city="Milano", province="MI")
    services.opening_hours_set(by=None, site=site, intervals=[(d, datetime.time(8), datetime.time(20)) for d in range(6)])
    models = [stock.vehicle_model_create(by=None, network=network, make="Aurora", model=f"Modello {n}", fuel=Fuel.ELECTRIC) for n in range(6)]
    R = Resource.Kind
    make = lambda kind, name, **extra: Resource.objects.create(network=network, site=site, kind=kind, name=name, **extra)  # noqa: E731
    for n in range(12):
        make(R.DEMO_VEHICLE, f"Demo {n}", vehicle_model=models[n % 6])
        make(R.CONSULTANT, f"Consulente {n}")
    for n in range(8):
        make(R.BAY, f"Ponte {n}")
        make(R.ADVISOR, f"Accettatore {n}")
    for n in range(6):
        make(R.CHARGER, f"Colonnina {n}")
    make(R.DELIVERY_AREA, "Area consegne")
    for n in range(3):
        make(R.LOUNGE, f"Lounge {n}")
    offer = lambda kind, name, slug, minutes, needs, after=0: _offering(Offering, OfferingNeed, network, site, kind, name, slug, minutes, needs, after)  # noqa: E731
    test_drive = offer(Offering.Kind.TEST_DRIVE, "Prova su strada", "prova", 45, [(R.DEMO_VEHICLE, True), (R.CONSULTANT, False)], after=15)
    service = offer(Offering.Kind.SERVICE, "Tagliando", "tagliando", 60, [(R.BAY, False), (R.ADVISOR, False)])
    charging = offer(Offering.Kind.CHARGING, "Ricarica rapida", "ricarica", 30, [(R.CHARGER, False)])
    customers_match_or_create(by=None, network=network, site=site, channel="web", summary="bench",
                              people=[PersonIn(first_name="Cliente", last_name=str(n), emails=(f"c{n}@example.it",)) for n in range(200)])  # fmt: skip
    customers = list(Customer.objects.filter(network=network))
    # The measured week, Monday to Saturday of next week: each pair of resources booked back to back
    # with about one in fifteen left free, written in bulk (the service is what is measured, not the filling).
    today = datetime.date.today()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    while any(monday + datetime.timedelta(days=d) in holidays_of((monday + datetime.timedelta(days=d)).year) for d in range(6)):
        monday += datetime.timedelta(days=7)  # an ordinary working week, not one with a holiday in it
    rng = random.Random(seed)
    cars, consultants = list(Resource.objects.filter(kind=R.DEMO_VEHICLE)), list(Resource.objects.filter(kind=R.CONSULTANT))
    plan = [(test_drive, [[car, person] for car, person in zip(cars, consultants)], 60, 0)]
    plan.append((service, [[bay, advisor] for bay, advisor in zip(Resource.objects.filter(kind=R.BAY), Resource.objects.filter(kind=R.ADVISOR))], 60, 0))
    plan.append((charging, [[charger] for charger in Resource.objects.filter(kind=R.CHARGER)], 30, 0))
    rows, holds = [], []
    for offering, groups, minutes, gap in plan:
        for group in groups:
            for day in range(6):
                start = datetime.datetime.combine(monday + datetime.timedelta(days=day), datetime.time(8), zone())
                start += datetime.timedelta(minutes=15 * rng.randrange(4))
                while start + datetime.timedelta(minutes=minutes) <= datetime.datetime.combine(start.date(), datetime.time(20), zone()):
                    if len(rows) < bookings and rng.random() < 0.93:
                        end = start + datetime.timedelta(minutes=minutes)
                        rows.append(Booking(network=network, site=site, offering=offering, customer=rng.choice(customers), starts_at=start,
                                            ends_at=end - datetime.timedelta(minutes=offering.buffer_after_minutes)))  # fmt: skip
                        holds.append((len(rows) - 1, group, start, end))
                    start += datetime.timedelta(minutes=minutes + gap)
    for week in range(past_weeks, -1, -1):  # the past weeks first, as they were booked; week 0 is the measured one
        shift = datetime.timedelta(weeks=week)
        cancelled = [week > 0 and rng.random() < 0.1 for _ in rows]
        written = Booking.objects.bulk_create(
            [Booking(network=network, site=site, offering=b.offering, customer=b.customer, starts_at=b.starts_at - shift, ends_at=b.ends_at - shift,
                     status=Booking.Status.CANCELLED if gone else Booking.Status.CONFIRMED) for b, gone in zip(rows, cancelled)]
        )  # fmt: skip
        Allocation.objects.bulk_create(
            [Allocation(booking=written[n], resource=resource, starts_at=start - shift, ends_at=end - shift, is_active=not cancelled[n])
             for n, group, start, end in holds for resource in group]
        )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    made, week_holds = len(rows), sum(len(group) for _n, group, _start, _end in holds)
    return monday, models, {"test drive": test_drive, "service": service, "charging": charging}, made, week_holds


def _offering(Offering, OfferingNeed, network, site, kind, name, slug, minutes, needs, after):
    offering = Offering.objects.create(network=network, site=site, kind=kind, name=name, slug=slug, duration_minutes=minutes,
                                       buffer_after_minutes=after, min_notice_minutes=0, horizon_days=60)  # fmt: skip
    for need_kind, of_model in needs:
        OfferingNeed.objects.create(offering=offering, kind=need_kind, of_chosen_model=of_model)
    return offering


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--past-weeks", type=int, default=52)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    from vicino.bookings.models import Allocation, Resource
    from vicino.bookings.slots import week_slots

    print(f"Database: {connection.vendor}; data in {os.environ['VICINO_VAR_DIR']}")
    t = time.perf_counter()
    monday, models, offerings, made, week_holds = setup(args.bookings, args.seed, args.past_weeks)
    print(f"Site with {Resource.objects.count()} resources; {made:,} bookings in the week of {monday:%d/%m/%Y} ({week_holds:,} holds; "
          f"{Allocation.objects.count() - week_holds:,} more in the {args.past_weeks} weeks before), made in {time.perf_counter() - t:.1f} s")  # fmt: skip
    for label, offering in offerings.items():
        model_id = models[0].pk if label == "test drive" else None
        week_slots(offering=offering, first=monday, vehicle_model_id=model_id)
        timings, free = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                week = week_slots(offering=offering, first=monday, vehicle_model_id=model_id)
                timings.append((time.perf_counter() - t) * 1000)
            free = sum(len(slots) for slots in week.values())
        print(f"  {label}: a week's free times in median {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms "
              f"({free} free times, {len(queries.captured_queries)} queries)")  # fmt: skip


if __name__ == "__main__":
    main()
