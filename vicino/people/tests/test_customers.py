import pytest
from django.core.exceptions import ValidationError

from vicino.core.models import AuditEntry
from vicino.people import services
from vicino.people.models import ContactPoint, Customer, Interaction


def test_a_customer_is_created_with_normalised_contacts_and_on_the_timeline(anna, aurora, milano):
    customer = services.customer_create(
        by=anna, network=aurora, site=milano, first_name="Nicolò", last_name="D’Angelo",
        emails=["NICOLO@Example.IT", "nicolo@example.it"], phones=["+39 333 123 4567", "02/12345678"],
        fiscal_code="rssmra85t10a562s",
    )  # fmt: skip
    customer.refresh_from_db()
    assert customer.last_name == "D’Angelo" and customer.first_name == "Nicolò"
    assert customer.fiscal_code == "RSSMRA85T10A562S"
    assert sorted(customer.contact_points.values_list("value", flat=True)) == ["+390212345678", "+393331234567", "nicolo@example.it"]
    assert customer.contact_points.filter(kind="phone", is_primary=True).count() == 1
    assert "dangelo" in customer.search_text and "nicolo" in customer.search_text
    assert Interaction.objects.get(customer=customer).kind == "customer.created"
    assert AuditEntry.objects.get(action="customer.create").actor == anna


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_name": "Mario", "fiscal_code": "RSSMRA85T10A562X"}, "fiscal_code"),
        ({"company_name": "Rossi S.r.l.", "kind": "company", "vat_number": "01114601007"}, "vat_number"),
        ({"first_name": "", "last_name": ""}, "last_name"),
    ],
)
def test_bad_identity_is_refused_and_nothing_is_written(aurora, fields, field):
    with pytest.raises(ValidationError) as error:
        services.customer_create(by=None, network=aurora, **fields)
    assert field in error.value.message_dict
    assert not Customer.objects.exists()


@pytest.mark.parametrize(("emails", "phones"), [(["mario@"], []), ([], ["12"])])
def test_a_bad_email_or_phone_leaves_no_half_written_customer(aurora, emails, phones):
    with pytest.raises(ValidationError):
        services.customer_create(by=None, network=aurora, first_name="Mario", emails=emails, phones=phones)
    assert not Customer.objects.exists() and not ContactPoint.objects.exists()


def test_a_valid_partita_iva_is_kept_without_the_it_prefix(aurora):
    company = services.customer_create(by=None, network=aurora, kind="company", company_name="Rossi S.r.l.", vat_number="IT 01114601006")
    assert company.vat_number == "01114601006"


def test_editing_is_audited_with_the_changed_fields(anna, carla):
    services.customer_update(by=anna, customer=carla, data={"first_name": "Carlotta", "language": "it"})
    entry = AuditEntry.objects.get(action="customer.update")
    assert entry.changes == {"first_name": ["Carla", "Carlotta"]}
    carla.refresh_from_db()
    assert "carlotta" in carla.search_text


def test_a_member_number_is_unique_in_the_network(aurora, borgo):
    services.customer_create(by=None, network=aurora, first_name="A", member_number="SOC-1")
    services.customer_create(by=None, network=borgo, first_name="B", member_number="SOC-1")
    with pytest.raises(ValidationError):
        services.customer_create(by=None, network=aurora, first_name="C", member_number="SOC-1")


def test_contacts_are_added_and_removed_and_a_new_primary_is_chosen(anna, carla):
    second = services.contact_point_add(by=anna, customer=carla, kind="phone", value="347 7654321")
    assert not second.is_primary
    with pytest.raises(ValidationError):
        services.contact_point_add(by=anna, customer=carla, kind="phone", value="+393477654321")
    services.contact_point_remove(by=anna, point=carla.contact_points.get(kind="phone", is_primary=True))
    assert list(carla.contact_points.filter(kind="phone").values_list("value", "is_primary")) == [("+393477654321", True)]


def test_timeline_entries_are_written_through_one_service_with_a_reference(carla, anna, milano):
    entry = services.interaction_record(customer=carla, channel="phone", kind="call", summary="Ha chiesto un preventivo", actor=anna, ref=milano)
    assert (entry.site, entry.ref_type, entry.ref_id) == (milano, "core.site", str(milano.pk))
