"""The workshop's rules, through its services: orders opened, work found and answered once, the car ready, courtesy cars."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from vicino.core.models import AuditEntry
from vicino.people.models import Interaction
from vicino.workshop import services
from vicino.workshop.models import CourtesyVehicle, Finding, RepairOrder, Vehicle

pytestmark = pytest.mark.django_db


def photo(name="freni.jpg", size=(3000, 2000), gps=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (45.0, 27.0, 51.0), 3: "E", 4: (9.0, 11.0, 24.0)}  # GPSInfo: Milano
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_an_order_is_numbered_per_site_and_year_and_lands_on_the_timeline(order, matteo, milano, carla, carla_car):
    assert order.number == "MI01-2026-00001" and order.status == RepairOrder.Status.RECEIVED and order.advisor == matteo
    second = services.repair_order_open(by=matteo, site=milano, vehicle=carla_car, customer=carla, source=RepairOrder.Source.COUNTER)
    assert second.number == "MI01-2026-00002"
    assert Interaction.objects.filter(customer=carla, kind="workshop.opened").count() == 2
    assert Vehicle.objects.get(pk=carla_car.pk).km == 31250


def test_the_same_plate_written_another_way_is_the_same_car(aurora, carla, carla_car):
    again = services.vehicle_save(by=None, network=aurora, data={"plate": "FA-123-BC"}, owners=[carla])
    assert again.pk == carla_car.pk and Vehicle.objects.count() == 1 and again.model == "Stella"


def test_a_car_found_by_its_vin_keeps_its_plate(aurora, carla):
    car = services.vehicle_save(by=None, network=aurora, data={"plate": "FA123BC", "vin": "ZAR12345678901234", "make": "Aurora"})
    again = services.vehicle_save(by=None, network=aurora, data={"vin": "zar 12345678901234", "km": 40000})
    assert again.pk == car.pk and again.plate == "FA123BC" and again.km == 40000 and again.make == "Aurora"


def test_a_photo_is_resized_and_loses_its_location(order, tommaso):
    update = services.update_post(by=tommaso, order=order, text="Dischi consumati", is_visible=True, upload=photo())
    assert update.media_kind == "image" and update.media_type == "image/jpeg"
    with Image.open(update.media.path) as kept:
        assert max(kept.size) == 2000 and 0x8825 not in kept.getexif()


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg"), "not_media"),
        (SimpleUploadedFile("big.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 10, content_type="video/mp4"), None),
    ],
    ids=["not-an-image", "small-video"],
)
def test_an_upload_is_judged_by_its_bytes(order, tommaso, upload, code):
    if code is None:
        assert services.update_post(by=tommaso, order=order, upload=upload).media_kind == "video"
        return
    with pytest.raises(ValidationError) as refused:
        services.update_post(by=tommaso, order=order, upload=upload)
    assert refused.value.error_dict["media"][0].code == code
    assert not order.updates.exists()


def test_a_videos_location_is_blanked_and_the_file_keeps_its_length(order, tommaso):
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 8 + b"\x00\x00\x00\x1e\xa9xyz\x00\x12\x15\xc7+45.4642+009.1900/" + b"\x00" * 16
    update = services.update_post(by=tommaso, order=order, upload=SimpleUploadedFile("v.mp4", data))
    kept = open(update.media.path, "rb").read()
    assert len(kept) == len(data) and b"+45.4642" not in kept


def test_an_iphone_videos_location_item_is_blanked_and_its_frames_are_not_touched(order, tommaso):
    frames = b"+45.4642+009.1900/ looks like a place but is picture data"
    mdat = (8 + len(frames)).to_bytes(4, "big") + b"mdat" + frames
    item = b"com.apple.quicktime.location.ISO6709" + b"\x00\x00\x00\x29data\x00\x00\x00\x01\x00\x00\x00\x00+45.4642+009.1900+120.000/"
    moov = (8 + len(item)).to_bytes(4, "big") + b"moov" + item
    data = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + moov + mdat
    update = services.update_post(by=tommaso, order=order, upload=SimpleUploadedFile("IMG_0001.MOV", data))
    kept = open(update.media.path, "rb").read()
    assert update.media_type == "video/quicktime" and len(kept) == len(data)
    assert b"+45.4642+009.1900+120.000/" not in kept and kept.endswith(frames)


def test_a_finding_waits_for_the_owner_and_a_second_answer_changes_nothing(order, tommaso, carla):
    finding = services.finding_propose(by=tommaso, order=order, title="Dischi e pastiglie anteriori", grade="red", price=Decimal("280.00"),
                                       upload=photo())  # fmt: skip
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.WAITING_APPROVAL and finding.price_with_vat == Decimal("341.60")
    first = services.finding_answer(finding=finding, approve=True, via=Finding.Via.PORTAL, ip_address="192.0.2.10", user_agent="Safari")
    again = services.finding_answer(finding=finding, approve=False, via=Finding.Via.PORTAL, ip_address="192.0.2.99")
    assert first.answer == again.answer == Finding.Answer.APPROVED and again.answered_ip == "192.0.2.10"
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.IN_PROGRESS
    assert [line.description for line in order.lines.all()] == ["Dischi e pastiglie anteriori"]
    assert services.order_totals(order) == {"taxable": Decimal("280.00"), "vat": Decimal("61.60"), "total": Decimal("341.60")}
    assert Interaction.objects.filter(customer=carla, kind="workshop.answer").count() == 1
    assert AuditEntry.objects.filter(action="repair_order.answer").count() == 1


def test_the_car_is_ready_only_when_every_job_is_answered_and_the_owner_is_told(order, tommaso, matteo, carla, smtp_server,
                                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        finding = services.finding_propose(by=tommaso, order=order, title="Spazzole tergicristallo", grade="amber", price=Decimal("30"))
    with pytest.raises(ValidationError) as refused:
        services.order_status_move(by=matteo, order=order, status=RepairOrder.Status.READY)
    assert refused.value.code == "answers_missing"
    services.finding_answer(finding=finding, approve=False, via=Finding.Via.PHONE, recorded_by=matteo)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_status_move(by=matteo, order=order, status=RepairOrder.Status.READY)
    subjects = [m["Subject"] for m in smtp_server.to("carla.dangelo@example.it")]
    assert any("approvazione" in s for s in subjects) and any("pronta" in s for s in subjects), subjects
    services.order_deliver(by=matteo, order=order, km_out=31260)
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.DELIVERED and [e.status for e in order.events.all()] == [
        "received", "waiting_approval", "in_progress", "ready", "delivered"]


def test_an_emergency_goes_to_the_advisor_on_call_at_once(milano, matteo, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = services.emergency_request(site=milano, plate="GH 456 JK", location="A4 km 132 direzione Venezia", what_happened="Spia motore, auto ferma",
                                           phone="333 9876543", name="Paolo Neri")  # fmt: skip
    assert order.is_urgent and order.source == RepairOrder.Source.EMERGENCY and order.advisor == matteo
    (alert,) = smtp_server.to("matteo@aurora.example")
    assert order.number in alert["Subject"] and "A4 km 132" in alert.get_payload()


def test_an_emergency_without_plate_place_or_phone_is_refused_by_field_and_writes_nothing(milano, matteo):
    with pytest.raises(ValidationError) as refused:
        services.emergency_request(site=milano, plate="", location=" ", what_happened="x", phone="")
    assert set(refused.value.error_dict) == {"plate", "location", "phone"}
    assert not RepairOrder.objects.exists() and not Vehicle.objects.exists()


def test_a_courtesy_car_goes_out_once_and_comes_back_with_its_km(aurora, milano, matteo, carla, order):
    car = CourtesyVehicle.objects.create(network=aurora, site=milano, name="Aurora Luna", plate="GG001AA")
    loan = services.loan_out(by=matteo, courtesy_vehicle=car, customer=carla, km=1200, level=80, order=order, photos=[photo(gps=False)])
    with pytest.raises(ValidationError) as refused:
        services.loan_out(by=matteo, courtesy_vehicle=car, customer=carla, km=1200, level=80)
    assert refused.value.code == "already_out"
    with pytest.raises(ValidationError):
        services.loan_back(by=matteo, loan=loan, km=1100, level=50)
    back = services.loan_back(by=matteo, loan=loan, km=1254, level=45, damage="Graffio paraurti posteriore")
    assert back.back_km == 1254 and loan.photos.count() == 1
    assert Interaction.objects.filter(customer=carla, kind="workshop.courtesy_back").exists()
