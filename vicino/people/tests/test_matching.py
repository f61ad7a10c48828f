"""Finding or making the customer an enquiry comes from (people/matching.py), one or thousands at a time."""

import pytest
from django.core.exceptions import ValidationError

from vicino.people import services
from vicino.people.folding import name_words
from vicino.people.matching import PersonIn, customer_match_or_create, customers_match_or_create
from vicino.core.models import AuditEntry
from vicino.people.models import ContactPoint, Customer, Interaction, NameWord

pytestmark = pytest.mark.django_db


def _one(network, site=None, **person):
    return customer_match_or_create(by=None, network=network, site=site, person=PersonIn(**person), channel="web", summary="Da una richiesta")


def test_an_enquiry_with_carlas_email_in_capitals_finds_carla_and_keeps_her_name(aurora, carla):
    matched = _one(aurora, first_name="C.", last_name="Dangelo", emails=("CARLA.DANGELO@EXAMPLE.IT",))
    assert (matched.customer_id, matched.created) == (carla.pk, False)
    carla.refresh_from_db()
    assert carla.last_name == "D'Angelo Paternò"


def test_an_enquiry_with_carlas_phone_finds_her_and_adds_the_new_email(aurora, carla):
    matched = _one(aurora, first_name="Carla", emails=("carla@nuovo.example",), phones=("+39 333 123 4567",))
    assert matched.customer_id == carla.pk
    assert sorted(ContactPoint.objects.filter(customer=carla).values_list("value", flat=True)) == [
        "+393331234567", "carla.dangelo@example.it", "carla@nuovo.example",
    ]  # fmt: skip


def test_someone_unverified_with_carlas_phone_is_not_carla_and_adds_nothing_to_her(aurora, carla):
    matched = customer_match_or_create(by=None, network=aurora, site=None, channel="web", summary="Da una pagina pubblica", unverified=True,
                                       person=PersonIn(first_name="Ignoto", last_name="Rossi", emails=("ignoto@example.it",), phones=("333 1234567",)))  # fmt: skip
    assert matched.created and matched.customer_id != carla.pk
    assert not ContactPoint.objects.filter(customer=carla, value="ignoto@example.it").exists()
    assert ContactPoint.objects.filter(customer_id=matched.customer_id, kind="phone").count() == 1
    # By her own address she is found, and what is typed beside it is not added to her record.
    again = customer_match_or_create(by=None, network=aurora, site=None, channel="web", summary="Da una pagina pubblica", unverified=True,
                                     person=PersonIn(last_name="X", emails=("carla.dangelo@example.it",), phones=("347 7654321",)))  # fmt: skip
    assert (again.customer_id, again.created) == (carla.pk, False)
    assert not ContactPoint.objects.filter(customer=carla, kind="phone", value__endswith="7654321").exists()


def test_the_same_email_in_another_network_is_a_new_customer_there(borgo, carla):
    matched = _one(borgo, first_name="Carla", last_name="D'Angelo", emails=("carla.dangelo@example.it",))
    assert matched.created and Customer.objects.get(pk=matched.customer_id).network == borgo


def test_a_merged_away_record_is_never_matched(aurora, milano, carla):
    other = services.customer_create(by=None, network=aurora, first_name="Carla", last_name="Nuova", emails=["x@example.it"])
    Customer.objects.filter(pk=carla.pk).update(merged_into=other)
    assert _one(aurora, first_name="Carla", emails=("carla.dangelo@example.it",)).created


def test_a_new_person_is_written_as_customer_create_writes_them(aurora, milano):
    matched = _one(aurora, site=milano, first_name="Nicolò", last_name="Dell'Acqua", emails=("Nicolo@Example.it", "non-valida@"),
                   phones=("347 7654321",), cap="20121", province="mi", city="Milano")  # fmt: skip
    made = Customer.objects.get(pk=matched.customer_id)
    reference = services.customer_create(by=None, network=aurora, site=milano, first_name="Nicolò", last_name="Dell'Acqua",
                                         emails=["nicolo2@example.it"], phones=["347 7654322"])  # fmt: skip
    assert (made.search_text, made.name_key, made.site, made.relation) == (reference.search_text, reference.name_key, milano, "prospect")
    assert [(p.kind, p.value, p.is_primary) for p in made.contact_points.all()] == [("email", "nicolo@example.it", True), ("phone", "+393477654321", True)]
    address = made.addresses.get()
    assert (address.cap, address.province, address.city) == ("20121", "MI", "Milano")
    assert Interaction.objects.filter(customer=made, kind="customer.created", channel="web").exists()
    assert AuditEntry.objects.filter(action="customer.create", target_id=str(made.pk)).exists()
    # The typo dictionary learnt the name from the batch before customer_create saw it.
    NameWord.objects.filter(network=aurora).delete()
    _one(aurora, first_name="Ottavia", last_name="Sant'Elia", emails=("ottavia@example.it",))
    assert set(NameWord.objects.filter(network=aurora).values_list("word", flat=True)) == name_words("Ottavia", "Sant'Elia", "")


def test_two_enquiries_of_one_new_person_in_a_batch_are_one_customer(aurora):
    people = [PersonIn(first_name="Lucia", last_name="Rossi", emails=("lucia@example.it",)),
              PersonIn(first_name="Lucia", last_name="Rossi", emails=("LUCIA@example.it",), phones=("333 9998887",))]  # fmt: skip
    first, second = customers_match_or_create(by=None, network=aurora, site=None, people=people, channel="web", summary="x")
    assert first.customer_id == second.customer_id and (first.created, second.created) == (True, False)
    assert Customer.objects.count() == 1 and ContactPoint.objects.count() == 2


def test_a_nameless_stranger_is_refused(aurora):
    assert customers_match_or_create(by=None, network=aurora, site=None, people=[PersonIn(emails=("a@example.it",))], channel="web", summary="x") == [None]
    with pytest.raises(ValidationError):
        _one(aurora, emails=("a@example.it",))
    assert Customer.objects.count() == 0


def test_a_batch_costs_the_same_few_queries_whatever_its_size(aurora, carla, django_assert_max_num_queries):
    people = [PersonIn(first_name="P", last_name=f"Numero{n}", emails=(f"p{n}@example.it",)) for n in range(200)]
    people.append(PersonIn(first_name="Carla", emails=("carla.dangelo@example.it",)))
    with django_assert_max_num_queries(20):
        results = customers_match_or_create(by=None, network=aurora, site=None, people=people, channel="web", summary="x")
    assert sum(r.created for r in results) == 200 and results[-1].customer_id == carla.pk
