"""The sales pages as people use them: the public form, quick entry, the board, a lead's page, stock, the report."""


import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicino.conftest import PASSWORD, client_of
from vicino.core import services as core_services
from vicino.core.models import AuditEntry
from vicino.core.roles import Role
from vicino.people.models import ConsentEvent
from vicino.sales import services
from vicino.sales.models import AdfDocument, ConsultantAvailability, Lead, StockVehicle

from .conftest import enquiry
from .test_adf import STANDARD

pytestmark = pytest.mark.django_db


def _token(seconds_ago: float = 10) -> str:
    return signing.dumps({"t": timezone.now().timestamp() - seconds_ago}, salt="sales.enquiry")


def _post_enquiry(client: Client, url: str, **overrides):
    data = {"first_name": "Lucia", "last_name": "Paternò", "email": "lucia@example.it", "phone": "", "interest": "test_drive",
            "preferred_contact": "phone", "message": "Vorrei provare la Stella", "token": _token(), "website": ""}  # fmt: skip
    data.update(overrides)
    return client.post(url, data, REMOTE_ADDR=overrides.pop("ip", "203.0.113.7"))


def test_the_public_form_can_be_framed_and_carries_the_campaign(aurora, milano, notice):
    url = reverse("sales:enquiry-site", args=["aurora", "MI01"]) + "?utm_campaign=primavera&utm_source=newsletter"
    page = Client().get(url)
    assert page.status_code == 200 and "X-Frame-Options" not in page
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert 'name="utm_campaign" value="primavera"' in html and "Informativa clienti" in html


def test_a_form_filled_in_is_a_lead_of_the_site_with_campaign_and_consents(aurora, milano, anna, notice):
    url = reverse("sales:enquiry-site", args=["aurora", "mi01"])
    response = _post_enquiry(Client(), url, utm_campaign="primavera", utm_source="newsletter", consent_marketing="on")
    assert response.status_code == 200 and "Aurora Milano" in response.content.decode()
    lead = Lead.objects.get()
    assert (lead.site, lead.assigned_to, lead.source, lead.campaign, lead.utm_source) == (milano, anna, "form", "primavera", "newsletter")
    grant = ConsentEvent.objects.get(customer=lead.customer)
    assert (grant.purpose, grant.channel, grant.source, grant.notice, grant.ip_address) == ("marketing", "email", "web_form", notice, "203.0.113.7")


def test_the_same_form_posted_twice_is_one_lead(aurora, milano):
    url = reverse("sales:enquiry-site", args=["aurora", "MI01"])
    token = _token()
    _post_enquiry(Client(), url, token=token)
    _post_enquiry(Client(), url, token=token)
    assert Lead.objects.count() == 1


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_kept(aurora, milano):
    response = _post_enquiry(Client(), reverse("sales:enquiry", args=["aurora"]), website="http://spam.example")
    assert response.status_code == 200 and Lead.objects.count() == 0


def test_a_form_sent_within_a_second_or_with_a_forged_token_is_refused(aurora, milano):
    url = reverse("sales:enquiry", args=["aurora"])
    assert _post_enquiry(Client(), url, token=_token(seconds_ago=0.5)).status_code == 400
    assert _post_enquiry(Client(), url, token="forged:token").status_code == 400
    assert Lead.objects.count() == 0


def test_one_address_sending_too_many_enquiries_is_slowed_down(aurora, milano):
    url = reverse("sales:enquiry", args=["aurora"])
    codes = [_post_enquiry(Client(), url, email=f"p{n}@example.it").status_code for n in range(6)]
    assert codes == [200] * 5 + [429]
    assert Lead.objects.count() == 5
    assert _post_enquiry(Client(), url, email="other@example.it", ip="198.51.100.1").status_code == 200


def test_a_form_without_any_way_to_answer_shows_the_error_in_italian(aurora, milano):
    response = _post_enquiry(Client(HTTP_ACCEPT_LANGUAGE="it"), reverse("sales:enquiry", args=["aurora"]), email="")
    assert response.status_code == 422 and "numero di telefono" in response.content.decode()


def test_the_embed_script_points_at_the_sites_form(aurora, milano):
    script = Client().get(reverse("sales:enquiry-site-embed", args=["aurora", "MI01"]))
    assert script["Content-Type"].startswith("text/javascript") and "/enquiry/aurora/MI01/" in script.content.decode()


def test_quick_entry_of_a_phone_call_makes_a_lead(aurora, milano, anna):
    response = client_of(anna).post(reverse("sales:lead-create"), {
        "first_name": "Piero", "last_name": "Sant'Elia", "phone": "347 1112223", "channel": "phone", "site": milano.pk,
        "interest": "buy", "campaign": "Fiera di Milano",
    })  # fmt: skip
    lead = Lead.objects.get()
    assert response.status_code == 302 and (lead.channel, lead.campaign, lead.source, lead.assigned_to) == ("phone", "Fiera di Milano", "staff", anna)


def test_the_board_shows_the_sites_leads_by_stage_with_bounded_queries(aurora, milano, anna, django_assert_max_num_queries):
    for n in range(12):
        services.lead_create(by=None, network=aurora, enquiry=enquiry(email=f"c{n}@example.it", chosen_site=milano))
    client = client_of(anna)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("sales:board"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count('data-lead="') == 12


def test_dragging_a_card_moves_the_lead_and_answers_with_the_board(lead_of_marco, anna):
    response = client_of(anna).post(reverse("sales:lead-move", args=[lead_of_marco.pk]), {"stage": "test_drive"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="board"' in response.content.decode()
    assert Lead.objects.get(pk=lead_of_marco.pk).stage == "test_drive"


def test_a_refused_drag_says_why_and_moves_nothing(lead_of_marco, anna):
    response = client_of(anna).post(reverse("sales:lead-move", args=[lead_of_marco.pk]), {"stage": "delivered"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "alert-error" in response.content.decode()
    assert Lead.objects.get(pk=lead_of_marco.pk).stage == "new"


def test_another_sites_or_networks_lead_is_not_there(lead_of_marco, bruno, roberta):
    for user in (bruno, roberta):
        client = client_of(user)
        assert client.get(reverse("sales:lead-detail", args=[lead_of_marco.pk])).status_code == 404
        assert client.post(reverse("sales:lead-move", args=[lead_of_marco.pk]), {"stage": "contacted"}).status_code == 404
    assert Lead.objects.get(pk=lead_of_marco.pk).stage == "new"


def test_the_lead_page_shows_the_wait_and_records_a_call(lead_of_marco, anna):
    client = client_of(anna)
    assert "waiting for" in client.get(reverse("sales:lead-detail", args=[lead_of_marco.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("sales:activity-add", args=[lead_of_marco.pk]), {"kind": "call", "text": "Richiamato"})
    assert Lead.objects.get(pk=lead_of_marco.pk).stage == "contacted"


def test_a_quote_with_a_negative_discount_is_refused_with_a_message(lead_of_marco, anna, stella):
    services.configuration_save(by=anna, lead=lead_of_marco, vehicle_model=stella)
    response = client_of(anna).post(reverse("sales:quote-add", args=[lead_of_marco.pk]), {
        "quote-valid_until": "31/12/2026", "quote-road_costs": "850", "quote-discount": "-500",
    }, HTTP_ACCEPT_LANGUAGE="it")  # fmt: skip
    assert response.status_code == 422 and lead_of_marco.quotes.count() == 0
    assert "negativ" in response.content.decode()


def test_stock_with_a_bad_vin_is_refused_next_to_the_field(milano, giulia, stella):
    response = client_of(giulia).post(reverse("sales:stock-create"), {
        "site": milano.pk, "vehicle_model": stella.pk, "vin": "ZAR1234567890123O", "condition": "new", "price": "23500", "km": "0",
    }, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 422 and "17 letters and digits" in response.content.decode()
    assert StockVehicle.objects.count() == 0


def test_a_photo_that_is_not_an_image_is_refused(stella_in_milano, giulia):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("car.jpg", b"<?php echo 'x'; ?>", content_type="image/jpeg")
    response = client_of(giulia).post(reverse("sales:stock-detail", args=[stella_in_milano.pk]), {"image": fake}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "not a JPEG, PNG or WebP" in response.content.decode()
    assert stella_in_milano.photos.count() == 0


def test_an_uploaded_adf_file_becomes_leads_and_its_page_lists_them(aurora, milano, anna):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_of(anna).post(reverse("sales:adf-list"), {"file": SimpleUploadedFile("lead.xml", STANDARD, content_type="text/xml")})
    document = AdfDocument.objects.get()
    assert response.status_code == 302 and document.lead_count == 1
    page = client_of(anna).get(reverse("sales:adf-detail", args=[document.pk]))
    assert "D&#x27;Angelo" in page.content.decode()


def test_the_report_counts_leads_and_conversions_by_campaign(aurora, milano, anna, dario):
    spring = services.lead_create(by=None, network=aurora, enquiry=enquiry(chosen_site=milano, campaign="primavera"))
    services.lead_create(by=None, network=aurora, enquiry=enquiry(email="x@example.it", chosen_site=milano, campaign="primavera"))
    services.lead_stage_move(by=anna, lead=spring, stage="test_drive")
    today = timezone.localdate().strftime("%d/%m/%Y")
    page = client_of(dario).get(reverse("sales:report"), {"start": today, "end": today, "by": "campaign"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    row = html[html.index('data-row="primavera"'):].split("</tr>")[0]
    assert "<td>2</td><td>1</td><td>0</td><td>0</td>" in row and "50.0%" in row
    assert client_of(anna).get(reverse("sales:report")).status_code == 403


def test_a_report_period_that_ends_before_it_starts_is_explained(dario):
    page = client_of(dario).get(reverse("sales:report"), {"start": "10/12/2026", "end": "01/12/2026", "by": "channel"}, HTTP_ACCEPT_LANGUAGE="it")
    assert "Il periodo finisce prima di cominciare." in page.content.decode()


@pytest.fixture
def paolo(aurora, milano):
    """A second consultant in Milano, so the round-robin has a choice."""
    user = core_services.user_create(by=None, email="paolo@aurora.example", full_name="Paolo Cantù", password=PASSWORD)
    core_services.membership_create(by=None, user=user, network=aurora, site=milano, role=Role.SALES_CONSULTANT)
    return user


def test_a_consultant_marked_away_gets_no_new_leads_until_back(aurora, milano, anna, giulia, paolo):
    manager = client_of(giulia)
    page = manager.get(reverse("sales:board")).content.decode()
    assert 'data-consultant="%d"' % anna.pk in page and "Segna come assente" in page
    response = manager.post(reverse("sales:round-robin"), {"site": milano.pk, "consultant": anna.pk, "available": "0"})
    assert response.status_code == 302
    leads = [services.lead_create(by=None, network=aurora, enquiry=enquiry(email=f"r{n}@example.it", chosen_site=milano)) for n in range(3)]
    assert {lead.assigned_to for lead in leads} == {paolo}
    assert AuditEntry.objects.filter(action="consultant.availability", changes={"is_available": [True, False]}).count() == 1
    manager.post(reverse("sales:round-robin"), {"site": milano.pk, "consultant": anna.pk, "available": "1"})
    assert services.lead_create(by=None, network=aurora, enquiry=enquiry(email="back@example.it", chosen_site=milano)).assigned_to == anna


def test_a_consultant_steps_out_alone_and_only_for_themselves(milano, anna, paolo, bruno):
    client = client_of(anna)
    assert client.post(reverse("sales:round-robin"), {"site": milano.pk, "consultant": anna.pk, "available": "0"}).status_code == 302
    assert client.post(reverse("sales:round-robin"), {"site": milano.pk, "consultant": paolo.pk, "available": "0"}).status_code == 403
    assert client_of(bruno).post(reverse("sales:round-robin"), {"site": milano.pk, "consultant": anna.pk, "available": "1"}).status_code == 404
    away = dict(ConsultantAvailability.objects.filter(site=milano).values_list("user_id", "is_available"))
    assert away == {anna.pk: False}
