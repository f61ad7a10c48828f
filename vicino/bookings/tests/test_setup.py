"""Giulia, Milano's manager, sets the diary up: resources and their hours, offerings, closures, days with other hours, the patron saint."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vicino.bookings import services
from vicino.bookings.models import Booking, BookingCheck, Checklist, Closure, Offering, OpeningException, Resource, ResourceHours, SiteCalendar
from vicino.bookings.slots import week_slots
from vicino.conftest import PASSWORD, client_of
from vicino.core import services as core_services
from vicino.core.models import AuditEntry
from vicino.core.roles import Role

from .conftest import at, book

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]

SETUP = reverse("bookings:setup")


def _times(offering, model, day: datetime.date) -> list[str]:
    return [f"{s.starts_at.astimezone(at(1, 0).tzinfo):%H:%M}" for s in week_slots(offering=offering, first=day, days=1, vehicle_model_id=model.pk).get(day, [])]


def test_the_setup_page_shows_what_customers_book_and_the_resources(giulia, test_drive, luna_demo, anna_desk):
    page = client_of(giulia).get(SETUP)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Prova su strada" in text and "Luna demo FX123AB" in text and "Anna Colombo" in text
    assert "1 × Auto demo" in text and "del modello scelto" in text


@pytest.fixture
def treviso_manager(aurora, treviso):
    user = core_services.user_create(by=None, email="teresa@aurora.example", full_name="Teresa Bortolin", password=PASSWORD)
    core_services.membership_create(by=None, user=user, network=aurora, site=treviso, role=Role.SITE_MANAGER)
    return user


def test_a_consultant_cannot_set_the_diary_up_and_another_site_or_network_is_not_there(anna, treviso_manager, roberta, test_drive, luna_demo, milano):
    assert client_of(anna).get(SETUP).status_code == 403
    assert client_of(anna).get(reverse("bookings:resource-edit", args=[luna_demo.pk])).status_code == 403
    manager = client_of(treviso_manager)
    assert manager.get(reverse("bookings:resource-edit", args=[luna_demo.pk])).status_code == 404
    assert manager.get(reverse("bookings:offering-edit", args=[test_drive.pk])).status_code == 404
    assert manager.get(SETUP, {"site": milano.pk}).status_code == 404
    for client in (manager, client_of(roberta)):
        assert client.post(reverse("bookings:resource-edit", args=[luna_demo.pk]), {"kind": "bay", "name": "X"}).status_code == 404
    assert Resource.objects.get(pk=luna_demo.pk).name == "Luna demo FX123AB"


def test_giulia_adds_a_demo_car_with_its_own_hours_and_only_those_are_offered(giulia, test_drive, luna, anna_desk):
    test_drive.needs.filter(kind="demo_vehicle").delete()  # start over: the fixture's car is not there
    Resource.objects.filter(kind="demo_vehicle").delete()
    test_drive.needs.create(kind="demo_vehicle", of_chosen_model=True)
    response = client_of(giulia).post(reverse("bookings:resource-create"), {
        "kind": "demo_vehicle", "name": "Luna demo GH456CD", "vehicle_model": luna.pk, "is_active": "on", "hours_1": "9:00–12:00, 14.00-16:00",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    car = Resource.objects.get(name="Luna demo GH456CD")
    assert [(h.weekday, f"{h.starts_at:%H:%M}", f"{h.ends_at:%H:%M}") for h in car.hours.order_by("starts_at")] == [(1, "09:00", "12:00"), (1, "14:00", "16:00")]
    assert AuditEntry.objects.filter(action="booking_resource.save", target_id=str(car.pk)).exists()
    tuesday = _times(test_drive, luna, datetime.date(2026, 12, 15))
    assert tuesday[0] == "09:00" and "11:15" in tuesday and "11:30" not in tuesday and "14:00" in tuesday and "15:15" in tuesday and "15:30" not in tuesday
    assert _times(test_drive, luna, datetime.date(2026, 12, 16)) == []  # Wednesday: the car has no hours


@pytest.mark.parametrize(
    ("post", "field", "words"),
    [
        ({"kind": "demo_vehicle", "name": "Senza modello", "hours_0": ""}, "vehicle_model", "ha bisogno del suo modello"),
        ({"kind": "consultant", "name": "Senza persona"}, "user", "scegli chi"),
        ({"kind": "bay", "name": "Ponte 3", "hours_0": "9-13"}, "hours_0", "non è una fascia oraria"),
        ({"kind": "bay", "name": "Ponte 3", "hours_2": "9:00–13:00, 12:00–15:00"}, "hours_2", "si sovrappongono"),
        ({"kind": "bay", "name": "Ponte 3", "hours_4": "13:00–9:00"}, "hours_4", "non è una fascia oraria"),
    ],
    ids=["car-without-model", "consultant-without-person", "unreadable-hours", "overlapping-hours", "backwards-hours"],
)
def test_a_resource_that_cannot_be_is_refused_next_to_its_field_and_nothing_is_kept(giulia, milano, post, field, words):
    response = client_of(giulia).post(reverse("bookings:resource-create"), post)
    assert response.status_code == 422
    assert words in " ".join(str(e) for e in response.context["form"].errors[field])
    assert not Resource.objects.exists() and not ResourceHours.objects.exists()


def test_changing_a_resource_keeps_its_bookings_and_is_audited_with_what_changed(giulia, test_drive, luna, luna_demo, lucia):
    booking = book(test_drive, lucia, luna, at(15, 10))
    response = client_of(giulia).post(reverse("bookings:resource-edit", args=[luna_demo.pk]),
                                      {"kind": "demo_vehicle", "name": "Luna demo FX123AB (grigia)", "vehicle_model": luna.pk, "is_active": "on"})  # fmt: skip
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="booking_resource.save", target_id=str(luna_demo.pk))
    assert entry.changes == {"name": ["Luna demo FX123AB", "Luna demo FX123AB (grigia)"]}
    assert booking.allocations.filter(resource=luna_demo, is_active=True).exists()


def test_a_closure_over_a_booking_is_kept_names_the_booking_to_move_and_frees_nothing_else(giulia, test_drive, luna, luna_demo, lucia):
    book(test_drive, lucia, luna, at(15, 10))
    client = client_of(giulia)
    response = client.post(reverse("bookings:closure-add"), {
        "closure-resource": luna_demo.pk, "closure-starts_at": "2026-12-15T09:00", "closure-ends_at": "2026-12-15T13:00", "closure-reason": "Carrozzeria",
    }, follow=True)  # fmt: skip
    text = response.content.decode()
    assert "Luna demo FX123AB non si può prenotare dal 15/12/2026 09:00 al 15/12/2026 13:00." in text
    assert "Già prenotato in quel periodo, da spostare: 15/12/2026 10:00 Prova su strada – Lucia Dell&#x27;Acqua." in text
    assert _times(test_drive, luna, datetime.date(2026, 12, 15))[0] == "13:00"
    closure = Closure.objects.get()
    assert closure.reason == "Carrozzeria" and Booking.objects.get().status == Booking.Status.CONFIRMED
    client.post(reverse("bookings:closure-remove", args=[closure.pk]))
    assert not Closure.objects.exists() and _times(test_drive, luna, datetime.date(2026, 12, 15))[0] == "09:00"


def test_a_closure_that_ends_before_it_starts_is_refused_on_the_page(giulia, luna_demo):
    response = client_of(giulia).post(reverse("bookings:closure-add"), {
        "closure-resource": luna_demo.pk, "closure-starts_at": "2026-12-15T13:00", "closure-ends_at": "2026-12-15T09:00"})  # fmt: skip
    assert response.status_code == 422 and "La fine deve venire dopo l&#x27;inizio." in response.content.decode()
    assert not Closure.objects.exists()


def test_a_day_closed_for_stocktaking_refuses_bookings_and_one_with_shorter_hours_offers_only_those(giulia, test_drive, luna, lucia):
    client = client_of(giulia)
    assert client.post(reverse("bookings:exception-add"), {"exception-date": "2026-12-16", "exception-reason": "Inventario"}).status_code == 302
    with pytest.raises(ValidationError) as refused:
        book(test_drive, lucia, luna, at(16, 10))
    assert refused.value.code == "slot_closed"
    assert client.post(reverse("bookings:exception-add"),
                       {"exception-date": "2026-12-17", "exception-opens_at": "10:00", "exception-closes_at": "12:00"}).status_code == 302  # fmt: skip
    assert _times(test_drive, luna, datetime.date(2026, 12, 17)) == ["10:00", "10:15", "10:30", "10:45", "11:00", "11:15"]
    page = client.get(SETUP).content.decode()
    assert "16/12/2026" in page and "Inventario" in page and "10:00–12:00" in page
    client.post(reverse("bookings:exception-remove", args=[OpeningException.objects.get(date=datetime.date(2026, 12, 16)).pk]))
    assert book(test_drive, lucia, luna, at(16, 10)).pk


def test_a_day_with_only_one_time_is_refused_naming_both(giulia):
    response = client_of(giulia).post(reverse("bookings:exception-add"), {"exception-date": "2026-12-16", "exception-opens_at": "10:00"})
    assert response.status_code == 422 and "Indica entrambi gli orari" in response.content.decode()
    assert not OpeningException.objects.exists()


def test_the_patron_saints_day_closes_the_site(giulia, milano, test_drive, luna, lucia):
    client = client_of(giulia)
    response = client.post(reverse("bookings:patron-set"), {"patron-patron_saint": "Sant'Adelaide", "patron-patron_day": "16", "patron-patron_month": "12"})
    assert response.status_code == 302
    assert SiteCalendar.objects.get(site=milano).patron_date == (12, 16)
    with pytest.raises(ValidationError) as refused:
        book(test_drive, lucia, luna, at(16, 10))
    assert refused.value.code == "slot_holiday" and "Sant'Adelaide" in refused.value.messages[0]
    wrong = client.post(reverse("bookings:patron-set"), {"patron-patron_saint": "X", "patron-patron_day": "31", "patron-patron_month": "2"})
    assert wrong.status_code == 422 and "Questo giorno non esiste in quel mese." in wrong.content.decode()
    assert SiteCalendar.objects.get(site=milano).patron_date == (12, 16)


OFFERING = {
    "kind": "delivery", "name": "Consegna della tua nuova auto", "slug": "consegna", "duration_minutes": "60", "buffer_before_minutes": "30",
    "buffer_after_minutes": "0", "step_minutes": "30", "min_notice_minutes": "1440", "horizon_days": "30", "is_public": "on",
    "need_delivery_area": "1", "need_consultant": "1", "need_demo_vehicle": "0",
    "checklists": "Preparazione consegna\n- Auto lavata\n- Sanificata\n- Documenti pronti\n- Batteria carica\n",
}  # fmt: skip


def test_giulia_adds_the_delivery_with_its_needs_and_checklist_and_a_booking_gets_the_steps(giulia, milano, aurora, anna_desk, lucia):
    Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.DELIVERY_AREA, name="Area consegne")
    response = client_of(giulia).post(reverse("bookings:offering-create"), OFFERING)
    assert response.status_code == 302, response.context["form"].errors
    delivery = Offering.objects.get(slug="consegna")
    assert {(n.kind, n.quantity) for n in delivery.needs.all()} == {("delivery_area", 1), ("consultant", 1)}
    (checklist,) = delivery.checklists.all()
    assert checklist.name == "Preparazione consegna" and [s.label for s in checklist.steps.all()] == ["Auto lavata", "Sanificata", "Documenti pronti", "Batteria carica"]
    booking = services.booking_create(by=None, offering=delivery, customer=lucia, starts_at=at(16, 11))
    assert [c.label for c in booking.checks.order_by("position")] == ["Auto lavata", "Sanificata", "Documenti pronti", "Batteria carica"]
    edit = reverse("bookings:offering-edit", args=[delivery.pk])
    form = client_of(giulia).get(edit).context["form"]
    assert form["checklists"].value().startswith("Preparazione consegna\nAuto lavata") and form["need_consultant"].value() == 1
    client_of(giulia).post(edit, {**OFFERING, "checklists": "Preparazione consegna\nAuto lavata"})
    assert Checklist.objects.get(offering=delivery).steps.count() == 1
    assert BookingCheck.objects.filter(booking=booking).count() == 4  # the booking keeps what it was given


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"slug": "prova"}, "slug", "ha già questo indirizzo"),
        ({"need_delivery_area": "0", "need_consultant": "0"}, None, "almeno una risorsa"),
        ({"checklists": "Solo un nome"}, "checklists", "non ha passaggi"),
        ({"kind": "video"}, "meeting_room_url", "indirizzo delle sue stanze video"),
        ({"duration_minutes": "2"}, "duration_minutes", "5"),
    ],
    ids=["slug-taken", "no-needs", "checklist-without-steps", "video-without-rooms", "too-short"],
)
def test_an_offering_that_cannot_be_is_refused_and_nothing_is_kept(giulia, test_drive, change, field, words):
    response = client_of(giulia).post(reverse("bookings:offering-create"), {**OFFERING, **change})
    assert response.status_code == 422
    errors = response.context["form"].errors.get(field or "__all__", [])
    assert any(words in str(e) for e in errors), response.context["form"].errors
    assert list(Offering.objects.values_list("slug", flat=True)) == ["prova"]


def test_the_setup_page_does_not_grow_queries_with_rows(giulia, aurora, milano, luna, django_assert_max_num_queries):
    def one_more_of_each(n: int) -> None:
        car = Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.DEMO_VEHICLE, name=f"Auto {n}", vehicle_model=luna)
        car.hours.create(weekday=0, starts_at=datetime.time(9), ends_at=datetime.time(12))
        Closure.objects.create(resource=car, starts_at=at(15, 9), ends_at=at(15, 12))
        offering = Offering.objects.create(network=aurora, site=milano, kind="charging", name=f"Ricarica {n}", slug=f"ricarica-{n}", duration_minutes=30)
        offering.needs.create(kind="charger")
        Checklist.objects.create(offering=offering, name="Pronto").steps.create(label="Cavo")
        OpeningException.objects.create(site=milano, date=datetime.date(2026, 12, 21 + n), reason="x")

    client = client_of(giulia)
    one_more_of_each(0)
    with django_assert_max_num_queries(20) as few:
        client.get(SETUP)
    for n in range(1, 6):
        one_more_of_each(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(SETUP).content.decode()
    assert all(f"Ricarica {n}<" in page and f"Auto {n}<" in page for n in range(6))
