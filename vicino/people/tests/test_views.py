from django.urls import reverse

from vicino.conftest import client_of
from vicino.core.models import AuditEntry
from vicino.people import services
from vicino.people.models import ConsentEvent, Customer, Interaction


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_list_finds_a_customer_by_a_folded_name(anna, carla):
    response = client_of(anna).get(reverse("people:customer-list"), {"q": "dangelo"})
    assert "Carla D&#x27;Angelo Paternò" in response.text


def test_the_list_answers_htmx_with_just_the_rows(anna, carla):
    response = client_of(anna).get(reverse("people:customer-list"), {"q": "paterno"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="customer-rows">')
    assert "<html" not in response.text and "Paternò" in response.text


def test_the_customer_page_shows_identity_contacts_consents_and_timeline(anna, carla, notice):
    services.consent_record(by=anna, customer=carla, purpose="marketing", channel="email", action="granted", source="paper", notice=notice)
    page = main_of(client_of(anna).get(reverse("people:customer-detail", args=[carla.pk])).text)
    assert "333 123 4567" in page and "carla.dangelo@example.it" in page
    assert "Via Roma 1, 20121 Milano (MI)" in page
    assert "contattabile" in page
    assert "Consenso concesso" in page and "Scheda creata" in page


def test_another_networks_or_sites_customer_is_not_found(bruno, roberta, carla):
    assert client_of(bruno).get(reverse("people:customer-detail", args=[carla.pk])).status_code == 404
    assert client_of(roberta).get(reverse("people:customer-detail", args=[carla.pk])).status_code == 404
    assert client_of(roberta).post(reverse("people:consent-change", args=[carla.pk]), {}).status_code == 404


def test_withdrawing_marketing_consent_from_the_page(anna, carla, notice):
    client = client_of(anna)
    client.post(reverse("people:consent-change", args=[carla.pk]), {"purpose": "marketing", "channel": "email", "action": "granted", "source": "paper", "notice": notice.pk})
    response = client.post(
        reverse("people:consent-change", args=[carla.pk]),
        {"purpose": "marketing", "channel": "email", "action": "withdrawn", "source": "staff"},
        follow=True,
    )
    assert "Il consenso è stato registrato" in response.text
    assert list(ConsentEvent.objects.filter(customer=carla).values_list("action", flat=True)) == ["withdrawn", "granted"]
    assert Interaction.objects.filter(customer=carla, kind="consent.withdrawn", actor=anna).exists()


def test_a_grant_without_a_notice_is_explained_and_not_recorded(anna, carla, notice):
    response = client_of(anna).post(
        reverse("people:consent-change", args=[carla.pk]), {"purpose": "marketing", "channel": "sms", "action": "granted", "source": "paper", "notice": ""}, follow=True
    )
    assert "informativa" in response.text
    assert not ConsentEvent.objects.exists()


def test_the_timeline_filters_by_channel_through_htmx(anna, carla):
    services.interaction_record(customer=carla, channel="phone", kind="call", summary="Chiamata per il tagliando")
    services.interaction_record(customer=carla, channel="email", kind="mail", summary="Inviato il preventivo")
    response = client_of(anna).get(reverse("people:customer-detail", args=[carla.pk]), {"channel": "phone"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="timeline">')
    assert "Chiamata per il tagliando" in response.text and "Inviato il preventivo" not in response.text


def test_the_timeline_is_paged(anna, carla):
    for n in range(25):
        services.interaction_record(customer=carla, channel="phone", kind="call", summary=f"Chiamata numero {n}")
    first = client_of(anna).get(reverse("people:customer-detail", args=[carla.pk]), headers={"HX-Request": "true"}).text
    second = client_of(anna).get(reverse("people:customer-detail", args=[carla.pk]), {"page": 2}, headers={"HX-Request": "true"}).text
    assert "Chiamata numero 24" in first and "Chiamata numero 0" not in first
    assert "Chiamata numero 0" in second


def test_creating_a_customer_with_bad_input_shows_errors_and_saves_nothing(anna, milano):
    data = {"kind": "person", "relation": "prospect", "first_name": "Mario", "language": "it", "email": "mario@", "phone": "12", "fiscal_code": "XYZ"}
    response = client_of(anna).post(reverse("people:customer-create"), data)
    assert response.status_code == 200
    assert not Customer.objects.exists()
    for message in ("non è un codice fiscale valido", "non è un indirizzo e-mail valido", "non è un numero di telefono valido"):
        assert message in response.text


def test_creating_and_editing_a_customer(anna, milano):
    client = client_of(anna)
    data = {"kind": "person", "relation": "prospect", "first_name": "Nicolò", "last_name": "Dell'Acqua", "language": "it",
            "email": "nicolo@example.it", "phone": "347 1112223", "cap": "20121", "city": "Milano", "province": "MI", "site": milano.pk}  # fmt: skip
    response = client.post(reverse("people:customer-create"), data, follow=True)
    customer = Customer.objects.get()
    assert "Nicolò Dell&#x27;Acqua" in response.text and customer.site == milano
    edit = {**data, "relation": "customer", "birth_date": "31/12/1980"}
    client.post(reverse("people:customer-edit", args=[customer.pk]), edit)
    customer.refresh_from_db()
    assert customer.relation == "customer" and customer.birth_date.isoformat() == "1980-12-31"
    assert set(AuditEntry.objects.get(action="customer.update").changes) == {"relation", "birth_date"}


def test_a_role_without_customer_editing_cannot_create(db, aurora, milano):
    from vicino.conftest import _person
    from vicino.core.roles import Role

    analyst = _person("an@aurora.example", "Analista", aurora, Role.HQ_ANALYST)
    assert client_of(analyst).get(reverse("people:customer-create")).status_code == 403


def test_list_and_page_do_not_grow_queries(anna, aurora, milano, carla, django_assert_max_num_queries):
    client = client_of(anna)
    for url in (reverse("people:customer-list"), reverse("people:customer-detail", args=[carla.pk])):
        with django_assert_max_num_queries(60) as few:
            client.get(url)
        for n in range(20):
            c = services.customer_create(by=None, network=aurora, site=milano, first_name=f"Cliente{n}", emails=[f"c{n}@example.it"], phones=[f"333 12345{n:02d}"])
            services.interaction_record(customer=carla, channel="phone", kind="call", summary=f"Chiamata {n}")
            c.delete() if url.endswith(f"{carla.pk}/") else None
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url).status_code == 200


def test_tags_are_edited_on_the_record_and_audited(anna, carla):
    data = {"kind": "person", "relation": "customer", "first_name": "Carla", "last_name": "D'Angelo Paternò", "language": "it", "site": carla.site_id, "tag_names": "VIP, Elettrico"}
    client_of(anna).post(reverse("people:customer-edit", args=[carla.pk]), data)
    assert sorted(carla.tags.values_list("name", flat=True)) == ["Elettrico", "VIP"]
    assert AuditEntry.objects.filter(action="customer.update", changes__has_key="tags").exists()


def test_two_customers_are_linked_as_a_household(anna, carla, aurora, milano):
    partner = services.customer_create(by=None, network=aurora, site=milano, first_name="Marco", last_name="Paternò")
    client_of(anna).post(reverse("people:customer-link", args=[carla.pk]), {"link-other": partner.pk, "link-kind": "household"})
    page = client_of(anna).get(reverse("people:customer-detail", args=[partner.pk])).text
    assert "Stesso nucleo familiare" in page and "Carla D&#x27;Angelo Paternò" in page


def test_a_link_to_a_customer_one_cannot_see_is_refused(anna, carla, borgo):
    stranger = services.customer_create(by=None, network=borgo, first_name="Estraneo")
    response = client_of(anna).post(reverse("people:customer-link", args=[carla.pk]), {"link-other": stranger.pk, "link-kind": "household"}, follow=True)
    assert "Nessun cliente con quel numero" in response.text
    assert not carla.links_from.exists()


def test_head_office_publishes_a_notice_and_sets_retention_with_a_reason(dario, aurora):
    client = client_of(dario)
    client.post(reverse("people:privacy-settings"), {"publish": "1", "version": "2027.1", "title": "Informativa 2027", "text": "Testo"})
    assert aurora.privacy_notices.get().version == "2027.1"
    response = client.post(reverse("people:privacy-settings"), {"retention": "1", "purpose": "marketing", "months": 12, "justification": ""})
    assert "Questo campo è obbligatorio" in response.text
    client.post(reverse("people:privacy-settings"), {"retention": "1", "purpose": "marketing", "months": 12, "justification": "Parere del DPO del 3/11/2026"})
    page = client.get(reverse("people:privacy-settings")).text
    assert "12 mesi" in page and "Parere del DPO" in page


def test_privacy_settings_are_for_head_office_only(giulia):
    assert client_of(giulia).get(reverse("people:privacy-settings")).status_code == 403


def test_a_long_list_counts_to_its_cap_and_says_so(anna, aurora, milano, monkeypatch):
    from vicino.core import pagination
    from vicino.people import views

    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 4)
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    for n in range(6):
        services.customer_create(by=None, network=aurora, site=milano, first_name=f"Cliente{n}", last_name="Lungo")
    page = main_of(client_of(anna).get(reverse("people:customer-list")).text)
    assert "Pagina 1 di 2+" in page
    assert "Più di 4 clienti" in page
    assert page.count('href="/customers/') - page.count('href="/customers/new') >= 2


def test_a_name_matching_more_than_the_limit_shows_the_newest_and_says_so(anna, aurora, milano, monkeypatch):
    from vicino.people import search

    monkeypatch.setattr(search, "SEARCH_LIMIT", 2)
    for first in ("Primo", "Secondo", "Terzo"):
        services.customer_create(by=None, network=aurora, site=milano, first_name=first, last_name="Rossini")
    page = main_of(client_of(anna).get(reverse("people:customer-list"), {"q": "rossini"}).text)
    assert "Più di 2 clienti corrispondono a “rossini”" in page
    assert "Secondo Rossini" in page and "Terzo Rossini" in page and "Primo Rossini" not in page
