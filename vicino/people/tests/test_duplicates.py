"""Duplicate candidates and merging two records into one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vicino.conftest import actor_of, client_of
from vicino.core.models import AuditEntry
from vicino.people import services
from vicino.people.duplicates import customer_merge, duplicate_groups
from vicino.people.models import ConsentEvent, Customer, Interaction


@pytest.fixture
def twin(aurora, milano, notice):
    """Carla again, entered by someone else: same phone, e-mail in capitals, a consent of her own."""
    twin = services.customer_create(
        by=None, network=aurora, site=milano, first_name="carla", last_name="D’Angelo Paterno", phones=["+39 333 123 4567"],
        emails=["carla.work@example.it"], fiscal_code="RSSMRA85T10A562S",
        address={"street": "Via Roma 1", "cap": "20121", "city": "MILANO", "province": "MI"},
    )  # fmt: skip
    services.consent_record(by=None, customer=twin, purpose="marketing", channel="sms", action="granted", source="paper", notice=notice)
    return twin


def test_records_sharing_a_phone_are_one_candidate_group(dario, carla, twin):
    groups = duplicate_groups(actor=actor_of(dario))
    assert [(g.reason, {c.pk for c in g.customers}) for g in groups] == [("Stesso telefono", {carla.pk, twin.pk})]


def test_the_same_folded_name_in_the_same_city_is_a_candidate(dario, aurora, treviso):
    make = services.customer_create
    first = make(by=None, network=aurora, first_name="Nicolò", last_name="Dell'Acqua", address={"city": "Treviso"})
    second = make(by=None, network=aurora, first_name="nicolo", last_name="Dell’Acqua", address={"city": "treviso"})
    make(by=None, network=aurora, first_name="Nicolò", last_name="Dell'Acqua", address={"city": "Padova"})
    groups = duplicate_groups(actor=actor_of(dario))
    assert [(g.reason, {c.pk for c in g.customers}) for g in groups] == [("Stesso nome e città", {first.pk, second.pk})]


def test_merging_keeps_every_contact_consent_and_timeline_entry(anna, carla, twin):
    timeline_before = Interaction.objects.filter(customer__in=[carla, twin]).count()
    kept = customer_merge(by=anna, keep=carla, merge_away=twin)

    assert sorted(kept.contact_points.values_list("value", flat=True)) == ["+393331234567", "carla.dangelo@example.it", "carla.work@example.it"]
    assert kept.fiscal_code == "RSSMRA85T10A562S"
    assert ConsentEvent.objects.filter(customer=kept).count() == 1
    assert Interaction.objects.filter(customer=kept).count() == timeline_before + 1
    twin.refresh_from_db()
    assert twin.merged_into == kept
    assert AuditEntry.objects.get(action="customer.merge").changes["merged"] == [twin.pk, kept.pk]
    assert list(Customer.objects.filter(merged_into__isnull=True)) == [kept]


def test_the_merged_away_record_leads_to_the_survivor(anna, carla, twin):
    customer_merge(by=anna, keep=carla, merge_away=twin)
    response = client_of(anna).get(reverse("people:customer-detail", args=[twin.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/customers/{carla.pk}/")


def test_a_customer_cannot_be_merged_with_itself_or_twice(anna, carla, twin):
    with pytest.raises(ValidationError):
        customer_merge(by=anna, keep=carla, merge_away=carla)
    customer_merge(by=anna, keep=carla, merge_away=twin)
    twin.refresh_from_db()
    with pytest.raises(ValidationError):
        customer_merge(by=anna, keep=carla, merge_away=twin)


def test_the_merge_page_compares_side_by_side_and_merges(anna, carla, twin):
    client = client_of(anna)
    page = client.get(reverse("people:customer-merge"), {"a": carla.pk, "b": twin.pk})
    assert "RSSMRA85T10A562S" in page.text and "Carla" in page.text
    client.post(reverse("people:customer-merge"), {"a": carla.pk, "b": twin.pk, "keep": twin.pk})
    carla.refresh_from_db()
    assert carla.merged_into == twin


def test_another_sites_customer_cannot_be_merged(bruno, carla, twin):
    assert client_of(bruno).get(reverse("people:customer-merge"), {"a": carla.pk, "b": twin.pk}).status_code == 404


def test_the_duplicates_page_does_not_grow_queries_with_candidates(dario, aurora, carla, twin, django_assert_max_num_queries):
    make = services.customer_create

    def namesakes(count: int, start: int = 0) -> None:
        # Same name, different cities: candidates the page must look at and let go.
        for n in range(start, start + count):
            for city in ("Padova", "Verona"):
                make(by=None, network=aurora, first_name="Omonimo", last_name=f"Numero{n}", address={"city": city})
        # And pairs that are duplicates, by phone and by name and city.
        make(by=None, network=aurora, first_name="Doppio", last_name=f"Tel{start}", phones=[f"347 100{start:04d}"])
        make(by=None, network=aurora, first_name="Altro", last_name=f"Tel{start}", phones=[f"347 100{start:04d}"])
        for _ in range(2):
            make(by=None, network=aurora, first_name="Gemello", last_name=f"Città{start}", address={"city": "Lecce"})

    namesakes(2)
    with django_assert_max_num_queries(50) as few:
        assert client_of(dario).get(reverse("people:duplicate-list")).status_code == 200
    namesakes(12, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client_of(dario).get(reverse("people:duplicate-list")).text
    assert page.count("Stesso telefono") == 3 and page.count("Stesso nome e città") == 2
    assert "Doppio Tel2" in page and "Gemello Città2" in page and "Omonimo" not in page
