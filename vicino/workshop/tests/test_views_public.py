"""The public emergency request as a driver by the road uses it: no account, a few fields, a number to call."""

import pytest
from django.test import Client
from django.urls import reverse

from vicino.people.models import Customer
from vicino.workshop.models import RepairOrder, Vehicle

pytestmark = pytest.mark.django_db


def _url(site, name="emergency") -> str:
    return reverse(f"workshop:{name}", args=[site.network.slug, site.code])


@pytest.fixture
def milano_phone(milano):
    milano.phone = "02 3456789"
    milano.save(update_fields=["phone"])
    return milano


def test_the_page_needs_no_account_and_speaks_english_or_italian(milano_phone):
    english = Client().get(_url(milano_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and "Car broken down?" in english.text and 'href="tel:02 3456789"' in english.text
    assert 'name="plate"' in english.text and 'name="location"' in english.text and 'type="tel"' in english.text
    italian = Client().get(_url(milano_phone), HTTP_ACCEPT_LANGUAGE="it")
    assert italian.status_code == 200 and '<html lang="it">' in italian.text


def test_a_request_opens_an_urgent_order_for_the_advisor_on_call_and_shows_its_number(milano_phone, matteo, smtp_server,
                                                                                      django_capture_on_commit_callbacks):  # fmt: skip
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(_url(milano_phone), {"plate": "gh 456 jk", "location": "A4 km 132 direzione Venezia", "what_happened": "Spia motore",
                                                "phone": "333 9876543", "name": "Paolo Neri"})  # fmt: skip
    order = RepairOrder.objects.select_related("vehicle", "customer").get()
    assert sent.status_code == 302 and sent["Location"] == _url(milano_phone, "emergency-sent")
    assert (order.is_urgent, order.source, order.advisor, order.vehicle.plate, order.location) == (True, "emergency", matteo, "GH456JK",
                                                                                                   "A4 km 132 direzione Venezia")  # fmt: skip
    assert order.customer.last_name == "Neri" and order.contact_phone == "333 9876543"
    page = client.get(sent["Location"])
    assert page.status_code == 200 and order.number in page.text and "02 3456789" in page.text
    assert len(smtp_server.to("matteo@aurora.example")) == 1
    # Reloading the confirmation sends nothing again.
    assert client.get(sent["Location"]).status_code == 200 and RepairOrder.objects.count() == 1


def test_missing_plate_place_or_phone_are_explained_by_field_and_nothing_is_written(milano, matteo):
    page = Client().post(_url(milano), {"plate": "", "location": " ", "what_happened": "Ferma", "phone": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 422 and set(page.context["form"].errors) == {"plate", "location", "phone"}
    assert "Give the car&#x27;s plate." in page.text and "Say where the car is" in page.text
    assert not RepairOrder.objects.exists() and not Vehicle.objects.exists() and not Customer.objects.exists()


def test_a_phone_we_cannot_call_is_refused_next_to_the_field(milano, matteo):
    page = Client().post(_url(milano), {"plate": "GH456JK", "location": "Viale Certosa", "phone": "chiamami"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 422 and list(page.context["form"].errors) == ["phone"]
    assert not RepairOrder.objects.exists()


def test_an_unknown_or_closed_site_is_not_there(milano, treviso, bologna):
    assert Client().get(reverse("workshop:emergency", args=["aurora", "XX99"])).status_code == 404
    assert Client().get(reverse("workshop:emergency", args=["borgo", "MI01"])).status_code == 404
    treviso.is_active = False
    treviso.save(update_fields=["is_active"])
    assert Client().get(_url(treviso)).status_code == 404


def test_the_confirmation_shows_only_the_senders_own_request(milano, treviso, matteo):
    client = Client()
    client.post(_url(milano), {"plate": "GH456JK", "location": "Viale Certosa 1", "phone": "333 9876543"})
    number = RepairOrder.objects.get().number
    assert number in client.get(_url(milano, "emergency-sent")).text
    stranger = Client().get(_url(milano, "emergency-sent"))
    assert stranger.status_code == 302 and stranger["Location"] == _url(milano)
    # The session's order belongs to Milano: Treviso's confirmation page does not show it.
    assert client.get(_url(treviso, "emergency-sent")).status_code == 302
