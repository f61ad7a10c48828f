"""The portal's pages as Carla uses them, and every id she might guess of Dora's (same network) or Ettore's
(another network) answered as if it did not exist."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vicino.bookings.links import booking_manage_url
from vicino.bookings.models import Booking, Offering
from vicino.people.models import ConsentEvent, Interaction, PrivacyRequest, Purpose
from vicino.people.queries import may_contact
from vicino.workshop import services as workshop
from vicino.workshop.models import Finding, RepairOrder

from .conftest import photo, portal_client, video

HTMX = {"HTTP_HX_REQUEST": "true"}
UA = "Mozilla/5.0 (iPhone) Safari"


@pytest.fixture
def proposed(order, tommaso):
    """Front discs and pads, needed now: € 280 + 22% VAT."""
    return workshop.finding_propose(by=tommaso, order=order, title="Dischi e pastiglie anteriori", grade="red", price=Decimal("280.00"),
                                    text="Dischi consumati oltre il limite", upload=photo())  # fmt: skip


def _page(client: Client, name: str, *args, **extra) -> str:
    response = client.get(reverse(name, args=args), **extra)
    assert response.status_code == 200, response
    return response.content.decode()


@pytest.mark.parametrize("name, args", [
    ("portal:vehicles", []), ("portal:order", [1]), ("portal:media", [1]), ("portal:bookings", []), ("portal:events", []),
    ("portal:privacy", []), ("portal:erasure", []),
])  # fmt: skip
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(name, args, db):
    path = reverse(name, args=args)
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"] == f"{reverse('portal:signin')}?next={path.replace('/', '%2F')}"


def test_the_poller_of_a_signed_out_visitor_is_sent_to_sign_in(db):
    response = Client().get(reverse("portal:order", args=[1]), **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("portal:signin"))


def test_my_vehicles_shows_the_car_in_the_workshop_and_its_history(carla, order, matteo, carla_portal):
    workshop.order_status_move(by=matteo, order=order, status=RepairOrder.Status.READY)
    workshop.order_deliver(by=matteo, order=order)
    current = workshop.repair_order_open(by=matteo, site=order.site, vehicle=order.vehicle, customer=carla, source=RepairOrder.Source.COUNTER,
                                         complaint="Spia motore accesa")  # fmt: skip
    page = _page(carla_portal, "portal:vehicles")
    assert "Aurora Stella" in page and "FA123BC" in page
    assert reverse("portal:order", args=[current.pk]) in page and "In the workshop" in page
    assert reverse("portal:order", args=[order.pk]) in page and "Service history" in page and "Rumore dai freni" in page


def test_a_customer_without_a_car_sees_an_honest_empty_page(dora):
    assert "No vehicles yet" in _page(portal_client(dora), "portal:vehicles")


def test_the_order_page_shows_the_steps_the_visible_updates_and_the_findings_with_vat(order, tommaso, proposed, carla_portal):
    workshop.update_post(by=tommaso, order=order, text="Solo per l'officina", is_visible=False)
    note = workshop.update_post(by=tommaso, order=order, text="Auto sul ponte", is_visible=True)
    clip = workshop.update_post(by=tommaso, order=order, text="Il rumore", is_visible=True, upload=video())
    page = _page(carla_portal, "portal:order", order.pk)
    assert order.number in page and "Received" in page and "Waiting for approval" in page
    assert "Auto sul ponte" in page and "Solo per l&#x27;officina" not in page and "Solo per l'officina" not in page
    assert f'<img src="{reverse("portal:media", args=[proposed.update.pk])}"' in page
    assert f'<video id="video-{clip.pk}" hx-preserve controls preload="metadata" src="{reverse("portal:media", args=[clip.pk])}">' in page
    assert "/media/" not in page.replace("/portal/media/", "")  # never a public MEDIA URL
    assert "Dischi e pastiglie anteriori" in page and "€ 341,60" in page and "grade-red" in page
    assert 'value="approve"' in page and 'value="decline"' in page
    assert f'id="update-{note.pk}"' in page
    assert 'hx-trigger="every 5s"' in page and f'hx-get="{reverse("portal:order", args=[order.pk])}?since=' in page


def test_approving_a_finding_records_the_portal_answer_once(order, proposed, carla_portal):
    url = reverse("portal:finding-answer", args=[order.pk, proposed.pk])
    response = carla_portal.post(url, {"answer": "approve"}, HTTP_USER_AGENT=UA, REMOTE_ADDR="198.51.100.20")
    assert response["Location"] == reverse("portal:order", args=[order.pk])
    proposed.refresh_from_db()
    assert proposed.answer == Finding.Answer.APPROVED and proposed.answered_via == Finding.Via.PORTAL
    assert proposed.answered_ip == "198.51.100.20" and proposed.answered_user_agent == UA
    assert order.lines.filter(finding=proposed).count() == 1
    page = carla_portal.get(response["Location"]).content.decode()
    assert "Approved: “Dischi e pastiglie anteriori”" in page and 'value="approve"' not in page and "In progress" in page

    answered_at = proposed.answered_at
    again = carla_portal.post(url, {"answer": "decline"}, follow=True).content.decode()
    assert "You had already answered: approved" in again
    proposed.refresh_from_db()
    assert proposed.answer == Finding.Answer.APPROVED and proposed.answered_at == answered_at
    assert order.lines.filter(finding=proposed).count() == 1


def test_declining_a_finding_adds_no_work(order, proposed, carla_portal):
    page = carla_portal.post(reverse("portal:finding-answer", args=[order.pk, proposed.pk]), {"answer": "decline"}, follow=True).content.decode()
    proposed.refresh_from_db()
    assert proposed.answer == Finding.Answer.DECLINED and not order.lines.exists()
    assert "Declined: “Dischi e pastiglie anteriori”" in page


def test_an_answer_that_is_neither_approve_nor_decline_changes_nothing(order, proposed, carla_portal):
    page = carla_portal.post(reverse("portal:finding-answer", args=[order.pk, proposed.pk]), {"answer": "maybe"}, follow=True).content.decode()
    assert "Choose Approve or Decline." in page
    proposed.refresh_from_db()
    assert proposed.answer == Finding.Answer.PROPOSED


def test_answers_need_the_csrf_token(carla, order, proposed):
    client = portal_client(carla)
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("portal:finding-answer", args=[order.pk, proposed.pk]), {"answer": "approve"}).status_code == 403
    proposed.refresh_from_db()
    assert proposed.answer == Finding.Answer.PROPOSED


def test_media_are_served_to_their_owner_only(order, tommaso, proposed, carla_portal, dora):
    clip = workshop.update_post(by=tommaso, order=order, text="Il rumore", is_visible=True, upload=video())
    hidden = workshop.update_post(by=tommaso, order=order, text="Interno", is_visible=False, upload=photo())
    response = carla_portal.get(reverse("portal:media", args=[proposed.update.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8" and "private" in response["Cache-Control"]
    part = carla_portal.get(reverse("portal:media", args=[clip.pk]), HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 4-11/{clip.media.size}" and b"".join(part.streaming_content) == b"ftypmp42"
    assert carla_portal.get(reverse("portal:media", args=[clip.pk]), HTTP_RANGE="bytes=999999-").status_code == 416
    assert carla_portal.get(reverse("portal:media", args=[hidden.pk])).status_code == 404  # not marked visible
    assert portal_client(dora).get(reverse("portal:media", args=[proposed.update.pk])).status_code == 404


def test_guessed_ids_of_another_customer_or_network_are_not_found(carla_portal, order, dora_order, ettore_order):
    for other in (dora_order, ettore_order):
        finding = other.findings.get()
        assert carla_portal.get(reverse("portal:order", args=[other.pk])).status_code == 404
        assert carla_portal.get(reverse("portal:order", args=[other.pk]), **HTMX).status_code == 404
        assert carla_portal.get(reverse("portal:media", args=[other.updates.exclude(media="").first().pk])).status_code == 404
        assert carla_portal.post(reverse("portal:finding-answer", args=[other.pk, finding.pk]), {"answer": "approve"}).status_code == 404
        # Her own order's number with someone else's finding is no way in either.
        assert carla_portal.post(reverse("portal:finding-answer", args=[order.pk, finding.pk]), {"answer": "approve"}).status_code == 404
        finding.refresh_from_db()
        assert finding.answer == Finding.Answer.PROPOSED
        assert other.vehicle.plate not in carla_portal.get(reverse("portal:vehicles")).content.decode()
    assert carla_portal.get(reverse("portal:order", args=[999999])).status_code == 404


def test_the_poller_gets_the_live_part_and_nothing_when_nothing_changed(order, tommaso, carla_portal):
    url = reverse("portal:order", args=[order.pk])
    live = carla_portal.get(url, **HTMX)
    part = live.content.decode()
    assert live.status_code == 200 and part.lstrip().startswith('<div id="order-live"') and "<html" not in part
    since = part.split("?since=")[1].split('"')[0]
    assert carla_portal.get(f"{url}?since={since}", **HTMX).status_code == 204
    workshop.update_post(by=tommaso, order=order, text="Pastiglie montate", is_visible=True)
    changed = carla_portal.get(f"{url}?since={since}", **HTMX)
    assert changed.status_code == 200 and "Pastiglie montate" in changed.content.decode()


def test_a_delivered_order_is_not_polled(order, matteo, carla_portal):
    workshop.order_status_move(by=matteo, order=order, status=RepairOrder.Status.READY)
    workshop.order_deliver(by=matteo, order=order)
    page = _page(carla_portal, "portal:order", order.pk)
    assert "Delivered" in page and "hx-trigger" not in page


def _history(order, tommaso, size: int) -> None:
    """`size` visible notes, status changes and findings on the order."""
    for index in range(size):
        workshop.update_post(by=tommaso, order=order, text=f"Nota {index}", is_visible=True)
        workshop.order_status_move(by=tommaso, order=order, status=RepairOrder.Status.IN_PROGRESS if index % 2 else RepairOrder.Status.DIAGNOSIS)
        workshop.finding_propose(by=tommaso, order=order, title=f"Lavoro {index}", grade="green", price=Decimal("10"))


def test_the_poll_reads_a_fixed_few_queries_whatever_the_history(carla, order, tommaso, carla_portal, django_assert_max_num_queries):
    url = reverse("portal:order", args=[order.pk])
    with CaptureQueriesContext(connection) as short:
        assert carla_portal.get(url, **HTMX).status_code == 200
    _history(order, tommaso, 30)
    with django_assert_max_num_queries(6):
        long = carla_portal.get(url, **HTMX)
    assert long.status_code == 200 and "Nota 29" in long.content.decode() and "Lavoro 29" in long.content.decode()
    with CaptureQueriesContext(connection) as again:
        carla_portal.get(url, **HTMX)
    assert len(again) == len(short)


def test_a_poll_while_nothing_changed_reads_only_the_session_and_the_orders_stamp(order, tommaso, carla_portal, django_assert_max_num_queries):
    url = reverse("portal:order", args=[order.pk])
    since = carla_portal.get(url, **HTMX).content.decode().split("?since=")[1].split('"')[0]
    _history(order, tommaso, 5)
    since = carla_portal.get(f"{url}?since={since}", **HTMX).content.decode().split("?since=")[1].split('"')[0]
    with django_assert_max_num_queries(3):  # the session, her sign-in link, when the order last changed
        assert carla_portal.get(f"{url}?since={since}", **HTMX).status_code == 204
    workshop.finding_answer(finding=order.findings.first(), approve=True, via="phone")
    assert carla_portal.get(f"{url}?since={since}", **HTMX).status_code == 200


def test_my_vehicles_reads_a_fixed_few_queries(carla, order, matteo, carla_portal, django_assert_max_num_queries):
    for plate in ("AA111AA", "BB222BB", "CC333CC"):
        car = workshop.vehicle_save(by=None, network=carla.network, data={"plate": plate, "make": "Aurora"}, owners=[carla])
        workshop.repair_order_open(by=matteo, site=order.site, vehicle=car, customer=carla, source=RepairOrder.Source.COUNTER)
    with django_assert_max_num_queries(5):
        assert carla_portal.get(reverse("portal:vehicles")).status_code == 200


@pytest.fixture
def service(aurora, milano):
    return Offering.objects.create(network=aurora, site=milano, kind=Offering.Kind.SERVICE, name="Tagliando", slug="tagliando", duration_minutes=60)


def _booking(offering, customer, days: int, **extra) -> Booking:
    starts = timezone.now() + datetime.timedelta(days=days)
    return Booking.objects.create(network=offering.network, site=offering.site, offering=offering, customer=customer, starts_at=starts,
                                  ends_at=starts + datetime.timedelta(hours=1), **extra)  # fmt: skip


def test_my_bookings_lists_what_is_coming_with_the_signed_link_and_what_is_past(carla, dora, service, carla_portal):
    coming = _booking(service, carla, 3)
    cancelled = _booking(service, carla, 5, status=Booking.Status.CANCELLED)
    past = _booking(service, carla, -30, status=Booking.Status.COMPLETED)
    other = _booking(service, dora, 4)
    page = _page(carla_portal, "portal:bookings")
    upcoming, earlier = page.split("Past</h2>")
    assert f'id="booking-{coming.pk}"' in upcoming and booking_manage_url(coming) in upcoming and "Move or cancel" in upcoming
    assert f'id="booking-{past.pk}"' in earlier and f'id="booking-{cancelled.pk}"' in earlier and "Cancelled" in earlier
    assert booking_manage_url(cancelled) not in page
    assert f'id="booking-{other.pk}"' not in page


def test_my_events_says_there_are_none_yet(carla_portal):
    assert "No events yet" in _page(carla_portal, "portal:events")


def test_my_events_lists_upcoming_registrations_and_cancels_one(carla, aurora, milano, dora, carla_portal):
    from vicino.events import services as events
    from vicino.events.models import Event, Registration
    from vicino.people.matching import PersonIn

    soon = timezone.now() + datetime.timedelta(days=5)
    tasting = Event.objects.create(network=aurora, site=milano, kind=Event.Kind.TASTING, title="Degustazione d'autunno", slug="autunno", capacity=10,
                                   starts_at=soon, ends_at=soon + datetime.timedelta(hours=2), status=Event.Status.PUBLISHED)  # fmt: skip
    mine = events.registration_create(event=tasting, person=PersonIn(first_name="Carla", last_name="D'Angelo Paternò", emails=("carla.dangelo@example.it",)),
                                      email="carla.dangelo@example.it")  # fmt: skip
    theirs = events.registration_create(event=tasting, person=PersonIn(first_name="Dora", last_name="Marchetti", emails=("dora@example.it",)),
                                        email="dora@example.it")  # fmt: skip
    assert mine.customer_id == carla.pk and theirs.customer_id == dora.pk
    page = _page(carla_portal, "portal:events")
    assert "Degustazione d&#x27;autunno" in page and f'id="registration-{mine.pk}"' in page and f'id="registration-{theirs.pk}"' not in page
    assert carla_portal.post(reverse("portal:event-cancel", args=[theirs.pk])).status_code == 404
    carla_portal.post(reverse("portal:event-cancel", args=[mine.pk]))
    assert Registration.objects.get(pk=mine.pk).status == "cancelled" and Registration.objects.get(pk=theirs.pk).status == "confirmed"


def test_granting_and_withdrawing_consent_writes_portal_events_to_the_ledger(carla, notice, carla_portal):
    url = reverse("portal:privacy")
    page = _page(carla_portal, "portal:privacy")
    assert 'value="marketing:email"' in page and "Marketing" in page and notice.version in page
    response = carla_portal.post(url, {"consent": ["marketing:email", "service:sms"]}, HTTP_USER_AGENT=UA, REMOTE_ADDR="198.51.100.20")
    assert response["Location"] == url
    events = list(ConsentEvent.objects.filter(customer=carla).order_by("purpose"))
    assert [(e.purpose, e.channel, e.action, e.source) for e in events] == [
        ("marketing", "email", "granted", "portal"), ("service", "sms", "granted", "portal")]  # fmt: skip
    assert all(e.notice == notice and e.ip_address == "198.51.100.20" and e.user_agent == UA for e in events)
    # Signed in through a link to her address: the e-mail grant is confirmed, so it counts.
    assert may_contact(customer=carla, purpose=Purpose.MARKETING, channel="email")
    assert "Your choices are saved." in carla_portal.get(url).content.decode()
    assert Interaction.objects.filter(customer=carla, kind="consent.granted").count() == 2

    carla_portal.post(url, {"shown": ["marketing:email", "service:sms"], "consent": ["service:sms"]})
    latest = ConsentEvent.objects.filter(customer=carla).order_by("-occurred_at", "-id").first()
    assert (latest.purpose, latest.channel, latest.action, latest.source) == ("marketing", "email", "withdrawn", "portal")
    assert not may_contact(customer=carla, purpose=Purpose.MARKETING, channel="email")
    assert ConsentEvent.objects.filter(customer=carla).count() == 3


def test_a_consent_form_changes_only_what_the_customer_changed(carla, notice, carla_portal):
    from vicino.people import services as people

    # Staff record a grant by phone while Carla's page, shown before it, is still open.
    people.consent_record(by=None, customer=carla, purpose=Purpose.SERVICE, channel="phone", action="granted", source="staff", notice=notice)
    carla_portal.post(reverse("portal:privacy"), {"consent": ["marketing:post"]})
    assert ConsentEvent.objects.filter(customer=carla).count() == 2
    assert may_contact(customer=carla, purpose=Purpose.SERVICE, channel="phone")
    page = carla_portal.post(reverse("portal:privacy"), {"shown": ["marketing:post"], "consent": ["marketing:post"]}, follow=True).content.decode()
    assert "Nothing to change" in page and ConsentEvent.objects.filter(customer=carla).count() == 2


def test_without_a_privacy_notice_nothing_can_be_granted_and_nothing_is_written(carla, carla_portal):
    response = carla_portal.post(reverse("portal:privacy"), {"consent": ["service:email", "marketing:sms"]})
    assert response.status_code == 422 and "has not published its privacy notice" in response.content.decode()
    assert not ConsentEvent.objects.filter(customer=carla).exists()


def test_download_my_data_is_a_zip_of_everything(carla, carla_portal):
    assert carla_portal.get(reverse("portal:data-download")).status_code == 405
    response = carla_portal.post(reverse("portal:data-download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["customer"]["last_name"] == "D'Angelo Paternò" and "consents.csv" in archive.namelist()
    assert Interaction.objects.filter(customer=carla, kind="data.exported").exists()


def test_asking_for_erasure_opens_one_request_for_staff(carla, carla_portal):
    assert "I understand" in _page(carla_portal, "portal:erasure")
    refused = carla_portal.post(reverse("portal:erasure"), {})
    assert refused.status_code == 422 and "Tick the box" in refused.content.decode()
    assert not PrivacyRequest.objects.exists()

    page = carla_portal.post(reverse("portal:erasure"), {"confirm": "on"}, follow=True).content.decode()
    request = PrivacyRequest.objects.get()
    assert (request.customer, request.kind, request.status, request.channel) == (carla, "erasure", "open", "portal")
    assert "Your request for erasure has been received" in page and 'id="erasure-status"' in page

    again = carla_portal.post(reverse("portal:erasure"), {"confirm": "on"}, follow=True).content.decode()
    assert "already in progress" in again and PrivacyRequest.objects.count() == 1
    assert "already in progress" in carla_portal.get(reverse("portal:erasure"), follow=True).content.decode()
