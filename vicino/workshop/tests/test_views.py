"""The workshop's staff pages as advisors and technicians use them: the board, an order's page, opening an
order, the technician's phone page, staff-only media, courtesy cars — and nobody else's orders."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from vicino.bookings.models import Booking, Offering
from vicino.bookings.slots import zone
from vicino.conftest import client_of
from vicino.people import services as people
from vicino.people.models import Customer
from vicino.workshop import services
from vicino.workshop.models import CourtesyVehicle, Finding, Loan, OrderUpdate, RepairOrder, Vehicle

pytestmark = pytest.mark.django_db
S = RepairOrder.Status


def english(user):
    client = client_of(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def photo(size=(800, 600)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, "JPEG")
    return SimpleUploadedFile("disco.jpg", out.getvalue(), content_type="image/jpeg")


def url(name: str, *args) -> str:
    return reverse(f"workshop:{name}", args=args)


@pytest.fixture
def courtesy(aurora, milano):
    return CourtesyVehicle.objects.create(network=aurora, site=milano, name="Aurora Luna", plate="GG001AA")


@pytest.fixture
def finding(order, tommaso):
    return services.finding_propose(by=tommaso, order=order, title="Pastiglie anteriori", grade="red", price=Decimal("280.00"))


# --- The board ------------------------------------------------------------------------


def test_the_board_shows_each_open_order_in_its_status_column_with_the_late_and_the_urgent_marked(order, matteo, milano, carla, carla_car):
    services.order_status_move(by=matteo, order=order, status=S.DIAGNOSIS)
    RepairOrder.objects.filter(pk=order.pk).update(promised_at=timezone.now() - datetime.timedelta(hours=2))
    urgent = services.emergency_request(site=milano, plate="GH 456 JK", location="A4 km 132", what_happened="Ferma", phone="333 9876543", name="Paolo Neri")
    done = services.repair_order_open(by=matteo, site=milano, vehicle=carla_car, customer=carla, source=RepairOrder.Source.COUNTER)
    services.order_status_move(by=matteo, order=done, status=S.READY)
    services.order_deliver(by=matteo, order=done)
    page = english(matteo).get(url("board"))
    assert page.status_code == 200
    columns = dict(page.context["columns"])
    assert list(columns) == [S.RECEIVED, S.DIAGNOSIS, S.WAITING_APPROVAL, S.WAITING_PARTS, S.IN_PROGRESS, S.QUALITY_CHECK, S.READY]
    assert columns[S.DIAGNOSIS] == [order] and columns[S.RECEIVED] == [urgent]
    assert all(done not in orders for orders in columns.values())
    html = page.text
    assert "FA123BC" in html and "Carla D&#x27;Angelo Paternò" in html and "Late: promised" in html and html.count("data-overdue") == 1
    assert "Urgent" in html and html.count("board-card is-urgent") == 1


def test_a_ready_car_is_not_late_whatever_was_promised(order, matteo):
    RepairOrder.objects.filter(pk=order.pk).update(promised_at=timezone.now() - datetime.timedelta(hours=2))
    services.order_status_move(by=matteo, order=order, status=S.READY)
    assert "data-overdue" not in english(matteo).get(url("board")).text


def test_the_board_reads_the_same_number_of_queries_however_many_orders_and_appointments_it_shows(
    order, matteo, milano, aurora, django_assert_max_num_queries
):
    client = english(matteo)
    with django_assert_max_num_queries(8) as few:
        assert client.get(url("board")).status_code == 200
    service = _service(aurora, milano)
    for n in range(6):
        customer = people.customer_create(by=None, network=aurora, site=milano, first_name=f"Cliente{n}", last_name="Officina")
        car = services.vehicle_save(by=None, network=aurora, data={"plate": f"AB{n:03d}CD", "make": "Aurora"}, owners=[customer])
        other = services.repair_order_open(by=matteo, site=milano, vehicle=car, customer=customer, source=RepairOrder.Source.COUNTER,
                                           promised_at=timezone.now())  # fmt: skip
        services.order_status_move(by=matteo, order=other, status=services.MOVABLE[n % len(services.MOVABLE)])
        _booking(service, customer, _today_at(8 + n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("board"))
    assert sum(len(orders) for _status, orders in page.context["columns"]) == 7
    assert len(page.context["appointments"]) == 6


def _service(network, site, kind=Offering.Kind.SERVICE, slug="tagliando") -> Offering:
    return Offering.objects.create(network=network, site=site, kind=kind, name="Tagliando", slug=slug, duration_minutes=60)


def _booking(offering, customer, starts, **fields) -> Booking:
    return Booking.objects.create(network=offering.network, site=offering.site, offering=offering, customer=customer, starts_at=starts,
                                  ends_at=starts + datetime.timedelta(hours=1), **fields)  # fmt: skip


def _today_at(hour: int, minute: int = 0) -> datetime.datetime:
    """A time of today where the site is, whatever the hour the test runs at."""
    today = timezone.localdate(timezone.now(), zone())
    return datetime.datetime.combine(today, datetime.time(hour, minute), zone())


def test_the_board_lists_todays_service_appointments_still_to_open_each_with_its_button(matteo, tommaso, aurora, milano, treviso, carla,
                                                                                          carla_car):  # fmt: skip
    service = _service(aurora, milano)
    dora = people.customer_create(by=None, network=aurora, site=milano, first_name="Dora", last_name="Marchetti")
    coming = _booking(service, carla, _today_at(9, 30))
    started = _booking(service, dora, _today_at(8), status=Booking.Status.STARTED)
    # Not on the list: already opened, cancelled, tomorrow's, a test drive, another site's.
    opened = _booking(service, dora, _today_at(11))
    services.repair_order_from_booking(by=matteo, booking=opened, vehicle=carla_car)
    _booking(service, dora, _today_at(12), status=Booking.Status.CANCELLED)
    _booking(service, dora, _today_at(10) + datetime.timedelta(days=1))
    _booking(_service(aurora, milano, kind=Offering.Kind.TEST_DRIVE, slug="prova"), dora, _today_at(15))
    _booking(_service(aurora, treviso), dora, _today_at(10))

    page = english(matteo).get(url("board"))
    assert page.status_code == 200 and page.context["appointments"] == [started, coming]
    html = page.text
    assert "Service appointments today" in html and html.count("data-booking=") == 2
    assert "09:30</time> · <strong>Carla D&#x27;Angelo Paternò</strong>" in html and "08:00</time> · <strong>Dora Marchetti</strong>" in html
    assert f'href="{url("order-create")}?booking={coming.pk}">Open the repair order</a>' in html
    assert f"?booking={opened.pk}" not in html
    # The htmx refresh redraws the list with the columns.
    assert html.count("data-booking=") == english(matteo).get(url("board"), headers={"HX-Request": "true"}).text.count("data-booking=")
    # A technician sees who is coming, but opening orders is the advisor's.
    technician = english(tommaso).get(url("board")).text
    assert technician.count("data-booking=") == 2 and "Open the repair order" not in technician


def test_a_board_without_appointments_today_has_no_appointments_section(order, matteo):
    page = english(matteo).get(url("board"))
    assert page.context["appointments"] == [] and "Service appointments today" not in page.text


def test_head_office_picks_the_site_and_another_sites_or_networks_board_is_not_there(order, dario, bruno, roberta, milano, treviso):
    assert english(dario).get(url("board"), {"site": treviso.pk}).context["columns"][0][1] == []
    assert english(dario).get(url("board"), {"site": milano.pk}).context["columns"][0][1] == [order]
    assert english(bruno).get(url("board"), {"site": milano.pk}).status_code == 403
    assert english(roberta).get(url("board"), {"site": milano.pk}).status_code == 404


def test_the_board_refreshes_its_columns_alone_for_htmx(order, matteo):
    fragment = english(matteo).get(url("board"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'id="board"' in fragment.text and "<html" not in fragment.text


def test_a_role_without_the_workshop_sees_a_403(order, anna):
    assert english(anna).get(url("board")).status_code == 403
    assert english(anna).get(url("order-detail", order.pk)).status_code == 403


# --- An order's page ------------------------------------------------------------------


def test_the_order_page_shows_the_car_the_complaint_the_lines_with_vat_and_the_answers(order, matteo, tommaso, finding):
    services.work_line_add(by=matteo, order=order, kind="labour", description="Manodopera freni", unit_price=Decimal("1000.00"), quantity=Decimal("1.5"))
    services.finding_answer(finding=finding, approve=True, via=Finding.Via.PORTAL, ip_address="192.0.2.10", user_agent="Safari")
    services.update_post(by=tommaso, order=order, text="Solo per l'officina", is_visible=False)
    page = client_of(matteo).get(url("order-detail", order.pk), HTTP_ACCEPT_LANGUAGE="it")
    html = page.text
    assert page.status_code == 200 and "FA123BC" in html and "Rumore dai freni anteriori" in html
    # 1,5 × 1.000,00 + 280,00 approved = 1.780,00; VAT 22% = 391,60
    assert page.context["totals"] == {"taxable": Decimal("1780.00"), "vat": Decimal("391.60"), "total": Decimal("2171.60")}
    assert "1.780,00 €" in html and "391,60 €" in html and "2.171,60 €" in html
    assert "192.0.2.10" in html and html.count('data-update="') == 2


def test_an_advisor_moves_the_order_and_a_refusal_is_explained(order, matteo, finding):
    client = english(matteo)
    refused = client.post(url("order-status", order.pk), {"status": "ready"}, follow=True)
    assert "has not answered every proposed job" in refused.text
    assert RepairOrder.objects.get(pk=order.pk).status == S.WAITING_APPROVAL
    client.post(url("order-status", order.pk), {"status": "waiting_parts"})
    assert RepairOrder.objects.get(pk=order.pk).status == S.WAITING_PARTS


def test_an_advisor_records_an_answer_given_by_phone(order, matteo, finding):
    client = english(matteo)
    response = client.post(url("finding-answer", order.pk, finding.pk), {"approve": "no", "via": "phone"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.answer, finding.answered_via, finding.recorded_by) == (Finding.Answer.DECLINED, "phone", matteo)
    html = client.get(url("order-detail", order.pk)).text
    assert "recorded by Matteo Ricci" in html and "Declined" in html


def test_an_answer_says_how_it_was_given(order, matteo, finding):
    response = english(matteo).post(url("finding-answer", order.pk, finding.pk), {"approve": "yes", "via": "portal"})
    assert response.status_code == 422 and Finding.objects.get(pk=finding.pk).answer == Finding.Answer.PROPOSED


def test_an_advisor_prices_a_line_and_hands_the_ready_car_back(order, matteo):
    client = english(matteo)
    bad = client.post(url("line-add", order.pk), {"kind": "part", "description": "Pastiglie", "quantity": "1", "unit_price": "-4"})
    assert bad.status_code == 422 and not order.lines.exists()
    client.post(url("line-add", order.pk), {"kind": "part", "description": "Pastiglie", "quantity": "2", "unit_price": "45.50", "vat_rate": ""})
    assert services.order_totals(order)["total"] == Decimal("111.02")
    early = client.post(url("order-deliver", order.pk), {"km_out": "31260"})
    assert early.status_code == 422 and "Only a car that is ready" in early.text
    services.order_status_move(by=matteo, order=order, status=S.READY)
    client.post(url("order-deliver", order.pk), {"km_out": "31260"})
    order.refresh_from_db()
    assert order.status == S.DELIVERED and Vehicle.objects.get(pk=order.vehicle_id).km == 31260


def test_a_technician_works_on_the_order_but_does_not_price_it_or_hand_it_back(order, tommaso, finding, courtesy):
    client = english(tommaso)
    assert client.get(url("order-detail", order.pk)).status_code == 200
    assert client.post(url("order-status", order.pk), {"status": "diagnosis"}).status_code == 302
    assert client.post(url("line-add", order.pk), {"kind": "part", "description": "x", "quantity": "1", "unit_price": "1"}).status_code == 403
    assert client.post(url("order-deliver", order.pk)).status_code == 403
    assert client.post(url("finding-answer", order.pk, finding.pk), {"approve": "yes", "via": "phone"}).status_code == 403
    assert client.get(url("order-create")).status_code == 403
    assert client.get(url("loan-out"), {"order": order.pk}).status_code == 403
    assert not order.lines.exists() and Finding.objects.get(pk=finding.pk).answer == Finding.Answer.PROPOSED


def test_another_networks_order_is_not_there_and_a_role_without_the_workshop_learns_nothing(order, finding, bruno, roberta, tommaso):
    update = services.update_post(by=tommaso, order=order, text="Foto", upload=photo())
    gets = (url("order-detail", order.pk), url("order-update", order.pk), url("update-media", update.pk))
    posts = ((url("order-status", order.pk), {"status": "diagnosis"}), (url("order-deliver", order.pk), {}),
             (url("line-add", order.pk), {"kind": "part", "description": "x", "quantity": "1", "unit_price": "1"}),
             (url("finding-answer", order.pk, finding.pk), {"approve": "yes", "via": "phone"}))  # fmt: skip
    # Roberta may do anything in her own network: Aurora's order is simply not there.
    assert [english(roberta).get(path).status_code for path in gets] == [404] * len(gets)
    assert [english(roberta).post(path, data).status_code for path, data in posts] == [404] * len(posts)
    # Bruno sells cars in Treviso: no workshop at all, the same answer for an order that exists and one that does not.
    assert [english(bruno).get(path).status_code for path in gets] == [403] * len(gets)
    assert english(bruno).get(url("order-detail", order.pk + 1000)).status_code == 403
    assert RepairOrder.objects.get(pk=order.pk).status == S.WAITING_APPROVAL


@pytest.fixture
def treviso_advisor(aurora, treviso):
    """Treviso's service advisor: holds the workshop capabilities, so only the scope stands between her and Milano."""
    from vicino.conftest import _person
    from vicino.core.roles import Role

    return _person("sofia@aurora.example", "Sofia Treviso", aurora, Role.SERVICE_ADVISOR, treviso)


def test_another_sites_advisor_gets_404_for_every_page_of_a_milano_order(order, finding, tommaso, treviso_advisor, courtesy, carla):
    update = services.update_post(by=tommaso, order=order, text="Foto", upload=photo())
    loan = services.loan_out(by=tommaso, courtesy_vehicle=courtesy, customer=carla, km=100, level=50, order=order, photos=[photo()])
    client = english(treviso_advisor)
    for path in (url("order-detail", order.pk), url("order-update", order.pk), url("update-media", update.pk), url("loan-back", loan.pk),
                 url("loan-photo", loan.photos.get().pk), reverse("workshop:loan-out") + f"?order={order.pk}",
                 reverse("workshop:loan-out") + f"?customer={carla.pk}"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    for path, data in ((url("order-status", order.pk), {"status": "diagnosis"}), (url("order-deliver", order.pk), {}),
                       (url("line-add", order.pk), {"kind": "part", "description": "x", "quantity": "1", "unit_price": "1"}),
                       (url("finding-answer", order.pk, finding.pk), {"approve": "yes", "via": "phone"}),
                       (url("order-update", order.pk), {"text": "mia"}), (url("loan-back", loan.pk), {"km": "200", "level": "50"})):  # fmt: skip
        assert client.post(path, data).status_code == 404, path
    assert english(treviso_advisor).get(url("board"), {"site": order.site_id}).status_code == 404
    assert english(treviso_advisor).get(url("courtesy-list"), {"site": order.site_id}).status_code == 404
    assert RepairOrder.objects.get(pk=order.pk).status == S.WAITING_APPROVAL and order.updates.count() == 2
    assert Loan.objects.get(pk=loan.pk).back_at is None


# --- The technician's page and media ----------------------------------------------------


def test_the_technicians_page_opens_the_camera_and_posts_a_visible_photo(order, tommaso):
    client = english(tommaso)
    page = client.get(url("order-update", order.pk))
    assert 'accept="image/*,video/*"' in page.text and 'capture="environment"' in page.text and 'name="is_visible"' in page.text
    response = client.post(url("order-update", order.pk), {"text": "Dischi consumati", "is_visible": "on", "media": photo()})
    assert response.status_code == 302
    update = OrderUpdate.objects.get(order=order)
    assert update.is_visible and update.media_kind == "image" and update.author == tommaso
    media = client.get(url("update-media", update.pk))
    assert media.status_code == 200 and media["Content-Type"] == "image/jpeg" and media["Cache-Control"].startswith("private")
    assert b"".join(media.streaming_content)[:2] == b"\xff\xd8"


def test_a_technician_proposes_extra_work_with_its_price(order, tommaso):
    response = english(tommaso).post(url("order-update", order.pk), {"text": "Spessore 2 mm", "finding_title": "Pastiglie anteriori",
                                                                      "finding_grade": "red", "finding_price": "180.00"})  # fmt: skip
    assert response.status_code == 302
    finding = Finding.objects.get(order=order)
    assert (finding.title, finding.grade, finding.price) == ("Pastiglie anteriori", "red", Decimal("180.00"))
    assert RepairOrder.objects.get(pk=order.pk).status == S.WAITING_APPROVAL


def test_a_finding_without_grade_or_price_is_refused_by_field(order, tommaso):
    page = english(tommaso).post(url("order-update", order.pk), {"finding_title": "Pastiglie"})
    assert page.status_code == 422 and set(page.context["form"].errors) == {"finding_grade", "finding_price"}
    assert not Finding.objects.exists()


@pytest.mark.parametrize("kind", ["not_media", "too_big"])
def test_an_upload_that_is_not_a_photo_or_is_too_big_is_refused_next_to_the_field_and_nothing_is_written(order, tommaso, kind, monkeypatch, settings):
    if kind == "too_big":
        monkeypatch.setattr("vicino.workshop.media.IMAGE_MAX_BYTES", 1000)
        upload = photo()
        message = "larger than 15 MB"
    else:
        upload = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")
        message = "is not a photo"
    before = sorted(p.name for p in (settings.MEDIA_ROOT / "workshop").rglob("*")) if (settings.MEDIA_ROOT / "workshop").exists() else []
    page = english(tommaso).post(url("order-update", order.pk), {"text": "Guarda", "is_visible": "on", "media": upload})
    assert page.status_code == 422
    (error,) = page.context["form"].errors.as_data()["media"]
    assert error.code == kind and message in page.text
    assert 'class="field has-error"' in page.text
    assert not OrderUpdate.objects.exists()
    after = sorted(p.name for p in (settings.MEDIA_ROOT / "workshop").rglob("*")) if (settings.MEDIA_ROOT / "workshop").exists() else []
    assert after == before


def test_media_is_served_only_through_the_scoped_view(order, tommaso, anna):
    update = services.update_post(by=tommaso, order=order, text="Foto", upload=photo())
    assert english(anna).get(url("update-media", update.pk)).status_code == 403
    note = services.update_post(by=tommaso, order=order, text="Solo testo")
    assert english(tommaso).get(url("update-media", note.pk)).status_code == 404
    assert f'src="{url("update-media", update.pk)}"' in english(tommaso).get(url("order-detail", order.pk)).text


# --- Opening an order -----------------------------------------------------------------


@pytest.fixture
def service_booking(aurora, milano, carla):
    offering = Offering.objects.create(network=aurora, site=milano, kind=Offering.Kind.SERVICE, name="Tagliando", slug="tagliando", duration_minutes=90)
    starts = timezone.now() + datetime.timedelta(hours=1)
    return Booking.objects.create(network=aurora, site=milano, offering=offering, customer=carla, starts_at=starts,
                                  ends_at=starts + datetime.timedelta(minutes=90), notes="Tagliando dei 30.000")  # fmt: skip


def test_an_order_opens_from_a_service_booking_with_the_customers_car_suggested(service_booking, carla_car, matteo):
    client = english(matteo)
    page = client.get(url("order-create"), {"booking": service_booking.pk})
    assert page.status_code == 200 and page.context["vehicle"] == carla_car and page.context["form"]["plate"].value() == "FA123BC"
    response = client.post(url("order-create") + f"?booking={service_booking.pk}",
                           {"booking": service_booking.pk, "plate": "FA123BC", "km_in": "31300", "complaint": "Anche la spia ABS"})  # fmt: skip
    order = RepairOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == url("order-detail", order.pk)
    assert (order.booking, order.customer, order.vehicle, order.source) == (service_booking, service_booking.customer, carla_car, "booking")
    assert order.complaint == "Tagliando dei 30.000\nAnche la spia ABS"
    again = client.get(url("order-create"), {"booking": service_booking.pk})
    assert again.status_code == 302 and again["Location"] == url("order-detail", order.pk)


def test_another_sites_booking_cannot_become_an_order(service_booking, treviso_advisor, roberta):
    assert english(treviso_advisor).get(url("order-create"), {"booking": service_booking.pk}).status_code == 404
    assert english(roberta).get(url("order-create"), {"booking": service_booking.pk}).status_code == 404
    assert english(treviso_advisor).post(url("order-create"), {"booking": service_booking.pk, "plate": "ZZ999ZZ"}).status_code == 404
    assert not RepairOrder.objects.exists()


def test_at_the_counter_the_plate_finds_the_car_and_its_owner(carla_car, carla, matteo):
    client = english(matteo)
    page = client.get(url("order-create"), {"find": "fa-123-bc"})
    assert page.context["vehicle"] == carla_car and page.context["candidates"] == [carla]
    client.post(url("order-create"), {"plate": "FA123BC", "customer": carla.pk, "complaint": "Cambio olio", "promised_at": "2026-12-15T17:30"})
    order = RepairOrder.objects.get()
    assert (order.vehicle, order.customer, order.source, order.complaint) == (carla_car, carla, "counter", "Cambio olio")
    assert timezone.localtime(order.promised_at).strftime("%d/%m %H:%M") == "15/12 17:30"


def test_at_the_counter_a_new_car_and_a_new_customer_are_recorded_together(matteo, milano):
    english(matteo).post(url("order-create"), {"plate": "gh 111 jk", "make": "Fiat", "model": "500", "first_name": "Paolo", "last_name": "Neri",
                                               "phone": "333 7654321", "complaint": "Non parte"})  # fmt: skip
    order = RepairOrder.objects.select_related("vehicle", "customer").get()
    assert (order.vehicle.plate, order.vehicle.make, order.customer.last_name, order.site) == ("GH111JK", "Fiat", "Neri", milano)
    assert list(order.vehicle.owners.all()) == [order.customer]


def test_a_counter_order_without_plate_or_customer_is_refused_by_field_and_writes_nothing(matteo):
    page = english(matteo).post(url("order-create"), {"make": "Fiat", "complaint": "x"})
    assert page.status_code == 422 and set(page.context["form"].errors) == {"plate", "last_name"}
    assert not RepairOrder.objects.exists() and not Vehicle.objects.exists() and not Customer.objects.exists()


def test_the_counter_search_finds_customers_only_in_scope(matteo, carla, aurora, treviso):
    people.customer_create(by=None, network=aurora, site=treviso, first_name="Carla", last_name="Trevigiana")
    page = english(matteo).get(url("order-create"), {"q": "Carla"})
    assert page.context["candidates"] == [carla]


# --- Courtesy cars --------------------------------------------------------------------


def test_a_courtesy_car_is_lent_for_an_order_and_comes_back(order, matteo, courtesy, carla):
    client = english(matteo)
    listing = client.get(url("courtesy-list"))
    assert "Available" in listing.text and "Aurora Luna" in listing.text
    response = client.post(reverse("workshop:loan-out") + f"?order={order.pk}",
                           {"courtesy_vehicle": courtesy.pk, "order": order.pk, "km": "1200", "level": "80", "damage": "Graffio", "photos": [photo(), photo()]})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == url("order-detail", order.pk)
    loan = Loan.objects.get()
    assert (loan.customer, loan.order, loan.out_km, loan.photos.count()) == (carla, order, 1200, 2)
    listing = client.get(url("courtesy-list"))
    assert "Out" in listing.text and "Carla D&#x27;Angelo Paternò" in listing.text
    assert english(matteo).get(url("loan-photo", loan.photos.first().pk))["Content-Type"] == "image/jpeg"
    fewer = client.post(url("loan-back", loan.pk), {"km": "1100", "level": "40"})
    assert fewer.status_code == 422 and "cannot come back with fewer" in fewer.text
    client.post(url("loan-back", loan.pk), {"km": "1254", "level": "45", "damage": ""})
    loan.refresh_from_db()
    assert loan.back_km == 1254 and loan.back_level == 45


def test_a_courtesy_photo_that_is_not_a_photo_is_refused_next_to_the_field_and_the_car_stays(order, matteo, courtesy):
    page = english(matteo).post(reverse("workshop:loan-out") + f"?order={order.pk}",
                                {"courtesy_vehicle": courtesy.pk, "order": order.pk, "km": "1200", "level": "80",
                                 "photos": [SimpleUploadedFile("x.jpg", b"not an image")]})  # fmt: skip
    assert page.status_code == 422 and "photos" in page.context["form"].errors
    assert not Loan.objects.exists()


def test_another_sites_or_networks_courtesy_cars_are_not_there(order, courtesy, carla, matteo, treviso_advisor, roberta, milano):
    loan = services.loan_out(by=matteo, courtesy_vehicle=courtesy, customer=carla, km=1, level=1, order=order)
    for outsider in (treviso_advisor, roberta):
        client = english(outsider)
        assert client.get(url("courtesy-list"), {"site": milano.pk}).status_code == 404
        assert client.get(url("loan-back", loan.pk)).status_code == 404
        assert client.post(url("loan-back", loan.pk), {"km": "5", "level": "5"}).status_code == 404
        assert client.get(reverse("workshop:loan-out"), {"site": milano.pk}).status_code == 404
        assert courtesy.name not in client.get(url("courtesy-list")).text
    assert Loan.objects.get(pk=loan.pk).back_at is None


# --- Assigning, and the car's earlier visits ------------------------------------------


def test_the_advisor_gives_the_car_to_a_technician_and_a_bay_and_promises_a_time(order, matteo, tommaso, aurora, milano):
    from vicino.bookings.models import Resource

    bay = Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.BAY, name="Ponte 2")
    response = english(matteo).post(url("order-assign", order.pk), {"technician": tommaso.pk, "bay": bay.pk, "promised_at": "2026-12-18T17:30"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.technician == tommaso and order.bay == bay and timezone.localtime(order.promised_at, zone()).strftime("%d/%m %H:%M") == "18/12 17:30"
    page = english(matteo).get(url("order-detail", order.pk)).content.decode()
    assert "Tommaso Greco" in page


def test_a_bay_of_another_site_is_refused_and_a_technician_cannot_assign(order, matteo, tommaso, aurora, treviso):
    from vicino.bookings.models import Resource

    elsewhere = Resource.objects.create(network=aurora, site=treviso, kind=Resource.Kind.BAY, name="Ponte Treviso")
    refused = english(matteo).post(url("order-assign", order.pk), {"bay": elsewhere.pk})
    assert refused.status_code == 422 and "bay" in refused.context["assign_form"].errors
    assert english(tommaso).post(url("order-assign", order.pk), {"technician": tommaso.pk}).status_code == 403
    order.refresh_from_db()
    assert order.bay is None and order.technician is None


def test_the_order_page_lists_the_cars_earlier_visits_without_a_query_for_each(order, matteo, milano, carla, carla_car, django_assert_max_num_queries):
    client = english(matteo)
    earlier = services.repair_order_open(by=matteo, site=milano, vehicle=carla_car, customer=carla, source=RepairOrder.Source.COUNTER, complaint="Tagliando")
    with django_assert_max_num_queries(40) as few:
        page = client.get(url("order-detail", order.pk)).content.decode()
    assert earlier.number in page and "Earlier visits of this car" in page
    for _ in range(5):
        services.repair_order_open(by=matteo, site=milano, vehicle=carla_car, customer=carla, source=RepairOrder.Source.COUNTER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("order-detail", order.pk))
