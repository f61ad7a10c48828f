"""The events' pages as people use them: the public list and event page, the guest's own page, the staff's
schedule and event page, and the door."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicino.conftest import client_of
from vicino.events import services
from vicino.events.links import registration_token, ticket_code
from vicino.events.models import Event, Partner, Registration, Sponsorship, SponsorshipDocument
from vicino.events.tests.cast import NOW, register
from vicino.people.matching import PersonIn
from vicino.people.models import ConsentEvent, Customer, Interaction

pytestmark = pytest.mark.django_db


def _event_url(event):
    return reverse("events:public-event", args=[event.network.slug, event.slug])


def _form(**more):
    return {"first_name": "Loredana", "last_name": "Dell'Acqua", "email": "Loredana@Example.it", "phone": "", "companions": "1",
            "dietary_notes": "vegetariana", **more}  # fmt: skip


# --- Public pages ---------------------------------------------------------------------------


def test_the_network_page_lists_upcoming_open_events_and_filters_them_by_city_site_and_kind(tasting, launch, aurora, milano):
    Event.objects.create(network=aurora, site=milano, kind=Event.Kind.COURSE, title="Bozza segreta", slug="bozza", capacity=5,
                         starts_at=NOW + datetime.timedelta(days=3), ends_at=NOW + datetime.timedelta(days=3, hours=1))  # a draft  # fmt: skip
    Event.objects.create(network=aurora, site=milano, kind=Event.Kind.OPEN_HOUSE, title="Solo soci", slug="soci", capacity=5, audience=Event.Audience.MEMBERS,
                         status=Event.Status.PUBLISHED, starts_at=NOW + datetime.timedelta(days=3), ends_at=NOW + datetime.timedelta(days=3, hours=1))  # fmt: skip
    url = reverse("events:public-list", args=["aurora"])
    page = Client().get(url).content.decode()
    assert "Degustazione in salone" in page and "Anteprima Stella EV" in page
    assert "Bozza segreta" not in page and "Solo soci" not in page
    by_city = Client().get(url, {"city": "bergamo"}).content.decode()
    assert "Anteprima Stella EV" in by_city and "Degustazione in salone" not in by_city
    by_site = Client().get(url, {"site": "MI01"}).content.decode()
    assert "Degustazione in salone" in by_site and "Anteprima Stella EV" not in by_site
    by_kind = Client().get(url, {"kind": "launch"}).content.decode()
    assert "Anteprima Stella EV" in by_kind and "Degustazione in salone" not in by_kind


def test_the_public_list_reads_the_same_number_of_queries_for_many_events(aurora, milano, django_assert_max_num_queries):
    for n in range(30):
        Event.objects.create(network=aurora, site=milano, kind=Event.Kind.TASTING, title=f"Serata {n}", slug=f"serata-{n}", capacity=10,
                             status=Event.Status.PUBLISHED, starts_at=NOW + datetime.timedelta(days=n + 1), ends_at=NOW + datetime.timedelta(days=n + 1, hours=2))  # fmt: skip
    with django_assert_max_num_queries(8):
        response = Client().get(reverse("events:public-list", args=["aurora"]))
    assert response.content.decode().count('class="card event-card"') == 30


def test_an_event_page_carries_open_graph_tags_for_sharing(tasting):
    page = Client().get(_event_url(tasting)).content.decode()
    assert '<meta property="og:title" content="Degustazione in salone">' in page
    assert 'property="og:url" content="http://testserver/events/aurora/degustazione/"' in page
    assert "3 posti disponibili" in page  # Italian first


def test_registering_on_the_page_makes_an_enthusiast_with_a_pending_consent_and_shows_the_ticket(tasting, notice, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(_event_url(tasting), _form(consent_marketing="on"), REMOTE_ADDR="192.0.2.7")
    registration = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("events:manage", args=[registration_token(registration)])
    assert (registration.status, registration.companions, registration.email, registration.dietary_notes) == ("confirmed", 1, "loredana@example.it", "vegetariana")
    customer = Customer.objects.get(pk=registration.customer_id)
    assert (customer.relation, customer.last_name, registration.new_customer) == ("enthusiast", "Dell'Acqua", True)
    consent = ConsentEvent.objects.get(customer=customer)
    assert (consent.purpose, consent.source, consent.ip_address, consent.double_opt_in_at) == ("marketing", "web_form", "192.0.2.7", None)
    assert [m.subject for m in mailoutbox] == ["Sei iscritto: Degustazione in salone, " + f"{timezone.localtime(tasting.starts_at):%d/%m/%Y %H:%M}"]
    ticket = Client().get(response["Location"]).content.decode()
    assert "<svg" in ticket and "Confermata" in ticket and "Sì, inviatemi novità e inviti" in ticket


def test_confirming_news_from_the_ticket_page_records_the_double_opt_in(tasting, notice):
    Client().post(_event_url(tasting), _form(consent_marketing="on"))
    registration = Registration.objects.get()
    Client().post(reverse("events:manage", args=[registration_token(registration)]), {"action": "optin"})
    latest = ConsentEvent.objects.filter(customer_id=registration.customer_id).order_by("-pk").first()
    assert latest.action == "granted" and latest.double_opt_in_at is not None


@pytest.mark.parametrize(("change", "more", "field_code"), [
    ("closed", {}, "Le iscrizioni a questo evento sono chiuse."),
    ("cancelled", {}, "Questo evento è stato annullato"),
    (None, {"companions": "3"}, "Puoi portare al massimo 1 accompagnatori."),
    (None, {"email": "non-una-mail"}, "e-mail"),
])  # fmt: skip
def test_a_refused_registration_says_why_and_writes_nothing(tasting, change, more, field_code):
    if change == "closed":
        Event.objects.filter(pk=tasting.pk).update(registration_closes_at=NOW - datetime.timedelta(minutes=1))
    elif change == "cancelled":
        Event.objects.filter(pk=tasting.pk).update(status=Event.Status.CANCELLED)
    customers = Customer.objects.count()
    response = Client().post(_event_url(tasting), _form(**more))
    assert response.status_code in (200, 422)
    assert field_code in response.content.decode()
    assert Registration.objects.count() == 0 and Customer.objects.count() == customers and Interaction.objects.count() == 0


def test_registering_twice_with_the_same_address_is_refused_by_the_form(tasting):
    Client().post(_event_url(tasting), _form())
    response = Client().post(_event_url(tasting), _form(email="loredana@example.it"))
    assert response.status_code == 422
    assert "Questo indirizzo e-mail è già iscritto a questo evento." in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_customers_only_event_takes_known_customers_and_refuses_strangers(tasting, carla):
    Event.objects.filter(pk=tasting.pk).update(audience=Event.Audience.CUSTOMERS)
    stranger = Client().post(_event_url(tasting), _form())
    assert stranger.status_code == 422 and "Questo evento è riservato ai nostri clienti" in stranger.content.decode()
    Customer.objects.filter(pk=carla.pk).update(relation=Customer.Relation.CUSTOMER)
    known = Client().post(_event_url(tasting), _form(first_name="Carla", last_name="D'Angelo Paternò", email="carla.dangelo@example.it"))
    assert known.status_code == 302 and Registration.objects.get().customer_id == carla.pk


def test_a_draft_and_another_networks_event_are_not_found(tasting, borgo):
    Event.objects.filter(pk=tasting.pk).update(status=Event.Status.DRAFT)
    assert Client().get(_event_url(tasting)).status_code == 404
    assert Client().get(reverse("events:public-event", args=["borgo", "degustazione"])).status_code == 404


# --- The guest's own page --------------------------------------------------------------------


def test_cancelling_from_the_link_offers_the_place_to_the_first_waiting_by_e_mail(tasting, django_capture_on_commit_callbacks, mailoutbox):
    register(tasting, 1, companions=1)
    second, third = register(tasting, 2), register(tasting, 3)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("events:manage", args=[registration_token(second)]), {"action": "cancel"})
    third.refresh_from_db()
    assert third.status == "offered" and third.offer_expires_at is not None
    offer = next(m for m in mailoutbox if m.to == ["ospite3@example.it"])
    assert offer.subject.startswith("Si è liberato un posto per te: Degustazione in salone — conferma entro ")
    assert reverse("events:manage", args=[registration_token(third)]) in offer.body
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post(reverse("events:manage", args=[registration_token(third)]), {"action": "accept"}, follow=True).content.decode()
    third.refresh_from_db()
    assert third.status == "confirmed" and "Il posto è tuo" in page and "<svg" in page


def test_a_tampered_link_opens_nothing(tasting):
    registration = register(tasting, 1)
    token = registration_token(registration)
    response = Client().post(reverse("events:manage", args=[token[:-1] + ("A" if token[-1] != "A" else "B")]), {"action": "cancel"})
    assert response.status_code == 404 and "Questo link non è valido" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"


# --- Staff pages ---------------------------------------------------------------------------------


def test_the_schedule_shows_the_month_the_year_and_a_printable_list(tasting, launch, dario, django_assert_max_num_queries):
    client = client_of(dario)
    month = f"{timezone.localdate(tasting.starts_at):%Y-%m}"
    with django_assert_max_num_queries(8):
        page = client.get(reverse("events:list"), {"month": month}).content.decode()
    assert "Degustazione in salone" in page
    year = client.get(reverse("events:list"), {"month": month, "view": "year"}).content.decode()
    assert "Degustazione in salone" in year and "Anteprima Stella EV" in year
    printed = client.get(reverse("events:list"), {"month": month, "view": "year", "print": "1"}).content.decode()
    assert 'id="print-schedule"' in printed and "Teatro Donizetti" in printed and 'class="sidebar"' not in printed


def test_a_site_sees_its_own_and_the_networks_events_but_not_another_sites(tasting, launch, treviso, bruno, rosa):
    other = Event.objects.create(network=tasting.network, site=treviso, kind=Event.Kind.COURSE, title="Corso a Treviso", slug="corso", capacity=5,
                                 status=Event.Status.PUBLISHED, starts_at=NOW + datetime.timedelta(days=5), ends_at=NOW + datetime.timedelta(days=5, hours=1))  # fmt: skip
    client = client_of(rosa)
    assert client.get(reverse("events:detail", args=[tasting.pk])).status_code == 200
    assert client.get(reverse("events:detail", args=[launch.pk])).status_code == 200
    assert client.get(reverse("events:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("events:door", args=[other.pk])).status_code == 404
    # Reception may run the network's launch at its door, but not change it: that is head office's.
    assert client.post(reverse("events:action", args=[launch.pk, "cancel"])).status_code == 404
    assert Event.objects.get(pk=launch.pk).status == "published"


def test_another_networks_staff_get_not_found_everywhere(tasting, roberta):
    client = client_of(roberta)
    registration = register(tasting, 1)
    for url in (reverse("events:detail", args=[tasting.pk]), reverse("events:door", args=[tasting.pk]), reverse("events:edit", args=[tasting.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("events:door-scan", args=[tasting.pk]), {"code": ticket_code(registration)}).status_code == 404


def test_a_consultant_may_work_the_door_but_not_plan_events(tasting, anna):
    client = client_of(anna)
    assert client.get(reverse("events:door", args=[tasting.pk])).status_code == 200
    assert client.get(reverse("events:create")).status_code == 403


def test_an_event_is_planned_from_the_form_in_its_own_time_zone(giulia, milano):
    response = client_of(giulia).post(reverse("events:create"), {
        "title": "Serata sigari", "slug": "serata-sigari", "kind": "lifestyle", "audience": "enthusiasts", "site": milano.pk,
        "starts_at": "2027-03-12T19:30", "ends_at": "2027-03-12T23:00", "time_zone": "Europe/Rome", "capacity": "40", "max_companions": "1",
        "price": "15,00", "confirm_within_hours": "24", "description": "Sigari toscani e distillati.",
    })  # fmt: skip
    event = Event.objects.get(slug="serata-sigari")
    assert response.status_code == 302
    assert (event.network_id, event.site_id, event.status, f"{timezone.localtime(event.starts_at):%d/%m/%Y %H:%M}") == (milano.network_id, milano.pk, "draft", "12/03/2027 19:30")
    assert str(event.price) == "15.00"


def test_an_events_picture_is_kept_without_its_location_and_a_fake_one_is_refused(giulia, milano, tmp_path, settings):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera"  # make: any EXIF at all must go
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(photo, "JPEG", exif=exif)
    fields = {"title": "Serata rossa", "slug": "serata-rossa", "kind": "lifestyle", "audience": "public", "site": milano.pk, "starts_at": "2027-03-12T19:30",
              "ends_at": "2027-03-12T23:00", "time_zone": "Europe/Rome", "capacity": "40", "max_companions": "1", "price": "0", "confirm_within_hours": "24"}  # fmt: skip
    client = client_of(giulia)
    fake = client.post(reverse("events:create"), {**fields, "image": SimpleUploadedFile("rossa.jpg", b"not a picture at all", content_type="image/jpeg")})
    assert fake.status_code == 422 and not Event.objects.exists()
    client.post(reverse("events:create"), {**fields, "image": SimpleUploadedFile("rossa.jpg", photo.getvalue(), content_type="image/jpeg")})
    with Image.open(Event.objects.get().image.path) as kept:
        assert max(kept.size) == 2000 and not kept.getexif()


def test_editing_an_event_abroad_keeps_its_local_time(giulia, milano):
    from zoneinfo import ZoneInfo

    starts = datetime.datetime(2027, 5, 20, 19, 0, tzinfo=ZoneInfo("Europe/London"))
    event = Event.objects.create(network=milano.network, site=milano, kind=Event.Kind.LAUNCH, title="Serata a Londra", slug="londra", capacity=30,
                                 starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), time_zone="Europe/London")  # fmt: skip
    page = client_of(giulia).get(reverse("events:edit", args=[event.pk])).content.decode()
    assert 'value="2027-05-20T19:00"' in page


def test_the_schedule_counts_places_once_whatever_the_sponsors(tasting, giulia):
    register(tasting, 1, companions=1)
    for name in ("Cantina A", "Cantina B"):
        Sponsorship.objects.create(event=tasting, partner=Partner.objects.create(network=tasting.network, name=name), gives="Vino")
    month = f"{timezone.localdate(tasting.starts_at):%Y-%m}"
    page = client_of(giulia).get(reverse("events:list"), {"month": month}).content.decode()
    assert "Aurora Milano · 2/3" in page


def test_odd_schedule_addresses_show_this_month_instead_of_failing(giulia):
    client = client_of(giulia)
    for params in ({"month": "9999-12"}, {"month": "0001-01", "view": "year"}, {"month": "2027-13"}, {"site": "²"}):
        assert client.get(reverse("events:list"), params).status_code == 200


def test_an_event_form_with_the_end_before_the_start_says_so_and_saves_nothing(giulia, milano):
    response = client_of(giulia).post(reverse("events:create"), {
        "title": "Al contrario", "slug": "al-contrario", "kind": "course", "audience": "public", "site": milano.pk, "starts_at": "2027-03-12T19:30",
        "ends_at": "2027-03-12T18:00", "time_zone": "Europe/Rome", "capacity": "10", "max_companions": "0", "price": "0", "confirm_within_hours": "24",
    })  # fmt: skip
    assert response.status_code == 422 and "La fine deve venire dopo l&#x27;inizio." in response.content.decode()
    assert not Event.objects.filter(slug="al-contrario").exists()


def test_the_event_page_lists_guests_with_a_flat_number_of_queries(tasting, giulia, django_assert_max_num_queries):
    Event.objects.filter(pk=tasting.pk).update(capacity=100)
    for n in range(25):
        register(tasting, n)
    client = client_of(giulia)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("events:detail", args=[tasting.pk])).content.decode()
    assert page.count('id="guest-') == 25


def test_a_sponsorship_is_recorded_with_its_document_and_shows_in_the_partners_history(tasting, giulia):
    partner = Partner.objects.create(network=tasting.network, name="Cantina dell'Oltrepò")
    pdf = SimpleUploadedFile("contratto.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
    client = client_of(giulia)
    client.post(reverse("events:sponsorship-add", args=[tasting.pk]), {"partner": partner.pk, "gives": "Vini e sommelier", "gets": "Logo sull'invito",
                                                                        "value": "1200,50", "document": pdf})  # fmt: skip
    sponsorship = Sponsorship.objects.get()
    assert (sponsorship.gives, str(sponsorship.value)) == ("Vini e sommelier", "1200.50")
    document = SponsorshipDocument.objects.get()
    assert document.content_type == "application/pdf"
    history = client.get(reverse("events:partners")).content.decode()
    assert "Cantina dell&#x27;Oltrepò" in history and "Degustazione in salone" in history and "1.200,50" in history
    download = client.get(reverse("events:document", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_sponsorship_document_that_is_not_a_pdf_or_picture_is_refused_and_nothing_kept(tasting, giulia):
    partner = Partner.objects.create(network=tasting.network, name="Gommista Rossi")
    fake = SimpleUploadedFile("contratto.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    page = client_of(giulia).post(reverse("events:sponsorship-add", args=[tasting.pk]), {"partner": partner.pk, "gives": "Gomme", "value": "0",
                                                                                          "document": fake}, follow=True).content.decode()  # fmt: skip
    assert "Il documento non è un PDF, un JPEG o un PNG." in page
    assert not Sponsorship.objects.exists() and not SponsorshipDocument.objects.exists()


def test_the_guest_list_exports_as_csv_with_formulas_neutralised_and_the_export_audited(tasting, giulia):
    from vicino.core.models import AuditEntry

    services.registration_create(event=tasting, person=PersonIn(first_name="=HYPERLINK(\"http://x\")", last_name="Dell'Orto", emails=("a@example.it",)),
                                 email="a@example.it", dietary_notes="+39 celiaco")  # fmt: skip
    response = client_of(giulia).get(reverse("events:guests-export", args=[tasting.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "Cognome;Nome;E-mail;Stato;Accompagnatori;Esigenze alimentari;Entrato;Pagato"
    assert "Dell'Orto;\"'=HYPERLINK" in text and ";'+39 celiaco;" in text
    assert AuditEntry.objects.filter(action="event.guests_export", actor=giulia).count() == 1


# --- The door ----------------------------------------------------------------------------------


def test_the_door_checks_a_ticket_in_once_and_tolerates_a_second_scan(tasting, rosa):
    registration = register(tasting, 1, companions=1)
    client = client_of(rosa)
    url = reverse("events:door-scan", args=[tasting.pk])
    first = client.post(url, {"code": ticket_code(registration)}).json()
    again = client.post(url, {"code": ticket_code(registration)}).json()
    registration.refresh_from_db()
    at = f"{timezone.localtime(registration.checked_in_at):%H:%M}"
    assert first["ok"] and first["first_time"] and first["message"].startswith("Benvenuto, Ospite1 Dell'Orto!")
    assert again["ok"] and not again["first_time"] and again["message"].startswith(f"Ospite1 Dell'Orto è già entrato alle {at}.")
    assert first["arrivals"] == {"expected": 2, "arrived": 2, "guests_arrived": 1, "guests": 1}
    assert Interaction.objects.filter(customer_id=registration.customer_id, kind="event.attended").count() == 1


def test_a_forged_or_foreign_ticket_is_refused_at_the_door(tasting, launch, rosa):
    other = register(launch, 1)
    client = client_of(rosa)
    url = reverse("events:door-scan", args=[tasting.pk])
    forged = client.post(url, {"code": f"{other.pk}.made-up-signature"})
    assert forged.status_code == 422 and forged.json()["code"] == "ticket_forged"
    foreign = client.post(url, {"code": ticket_code(other)})
    assert foreign.status_code == 422 and foreign.json()["code"] == "other_event" and "Anteprima Stella EV" in foreign.json()["message"]
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_another_sites_ticket_is_refused_without_naming_its_event(tasting, treviso, rosa):
    course = Event.objects.create(network=tasting.network, site=treviso, kind=Event.Kind.COURSE, title="Corso riservato di Treviso", slug="corso",
                                  capacity=5, status=Event.Status.PUBLISHED, starts_at=NOW + datetime.timedelta(days=5),
                                  ends_at=NOW + datetime.timedelta(days=5, hours=1))  # fmt: skip
    answer = client_of(rosa).post(reverse("events:door-scan", args=[tasting.pk]), {"code": ticket_code(register(course, 1))}).json()
    assert answer["code"] == "other_event" and answer["message"] == "Questo biglietto è per un evento di un'altra sede."


def test_the_door_finds_guests_by_name_and_registers_walk_ins(tasting, rosa, carla):
    register(tasting, 1)
    client = client_of(rosa)
    found = client.get(reverse("events:door", args=[tasting.pk]), {"q": "ospite1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Ospite1 Dell&#x27;Orto" in found and 'id="found"' in found and "<html" not in found
    client.post(reverse("events:door-walk-in", args=[tasting.pk]), {"first_name": "Pietro", "last_name": "Sant'Elia", "companions": "0"})
    walk_in = Registration.objects.get(is_walk_in=True)
    assert walk_in.status == "confirmed" and walk_in.checked_in_at is not None and walk_in.customer.last_name == "Sant'Elia"
    count = client.get(reverse("events:door", args=[tasting.pk]), {"part": "count"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<span id="arrived">1</span> / <span id="expected">2</span>' in count


# --- After the event ----------------------------------------------------------------------------


def test_after_the_event_no_shows_land_on_timelines_and_only_consenting_guests_are_thanked(tasting, giulia, notice, django_capture_on_commit_callbacks, mailoutbox):
    from vicino.people import services as people

    came, missed, came_without_consent = register(tasting, 1), register(tasting, 2), register(tasting, 3)
    for registration in (came, came_without_consent):
        services.check_in(by=giulia, registration=registration)
    people.consent_record(by=None, customer=came.customer, purpose="marketing", channel="email", action="granted", source="web_form",
                          notice=notice, double_opt_in_at=timezone.now())  # fmt: skip
    Event.objects.filter(pk=tasting.pk).update(starts_at=NOW - datetime.timedelta(hours=4), ends_at=NOW - datetime.timedelta(hours=1))
    client = client_of(giulia)
    client.post(reverse("events:action", args=[tasting.pk, "close"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:action", args=[tasting.pk, "thanks"]))
    missed.refresh_from_db()
    assert missed.no_show and Interaction.objects.filter(customer_id=missed.customer_id, kind="event.no_show").count() == 1
    assert [m.to for m in mailoutbox if m.subject.startswith("Grazie")] == [["ospite1@example.it"]]
    page = client.get(reverse("events:detail", args=[tasting.pk])).content.decode()
    assert 'id="fig-attended">2<' in page and 'id="fig-no-shows">1<' in page and 'id="fig-new">3<' in page


def test_the_figures_count_enthusiasts_who_later_became_leads(tasting, giulia):
    from vicino.sales.models import Lead

    enthusiast = register(tasting, 1)
    register(tasting, 2)  # an enthusiast who did not ask for a car
    Lead.objects.create(network=tasting.network, site=tasting.site, customer=enthusiast.customer, channel="event")
    page = client_of(giulia).get(reverse("events:detail", args=[tasting.pk])).content.decode()
    assert 'id="fig-leads">1<' in page
