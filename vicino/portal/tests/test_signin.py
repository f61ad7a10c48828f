"""Signing in to the portal by a link e-mailed to the customer: sent through a real SMTP server, once only,
for 15 minutes, with the same answer for an address nobody has, and no more than five an hour."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicino.people import services as people
from vicino.people.models import Interaction
from vicino.people.privacy import customer_erase
from vicino.portal import services
from vicino.portal.models import SignInLink, SignInRequest
from vicino.portal.session import CUSTOMER_KEY, LINK_KEY
from vicino.workshop import services as workshop

from .conftest import portal_client

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LINK = re.compile(r"http://\S+/portal/signin/(\w+)/(?:\?next=\S+)?")


def _ask(client: Client, email: str, **extra):
    return client.post(reverse("portal:signin"), {"email": email, **extra}, **EN)


def _link_in(message) -> str:
    body = message.get_payload(decode=True).decode()
    found = LINK.search(body)
    assert found, body
    return found[0]


def _main(response) -> str:
    """The page's own content (the rest carries the session's CSRF token and the response's CSP nonce)."""
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def _path(url: str) -> str:
    return url.removeprefix("http://localhost:8000")


def test_a_customer_is_e_mailed_a_link_that_signs_her_in(carla, smtp_server, django_capture_on_commit_callbacks):
    client = Client()
    # Signed in, pages follow her language (Italian) unless she chose one with the switch, as here.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, "  Carla.DANGELO@example.IT ")
    assert response.status_code == 302 and response["Location"] == reverse("portal:signin-sent")
    [message] = smtp_server.to("carla.dangelo@example.it")
    assert "Aurora Motori" in message["Subject"]
    url = _link_in(message)
    token = LINK.search(url)[1]
    link = SignInLink.objects.get(customer=carla)
    # Only the hash is kept: neither the token nor anything that opens the portal is in the row.
    assert token not in link.token_hash and link.token_hash == services.token_hash(token)
    assert link.expires_at - link.created_at == datetime.timedelta(minutes=15) and link.requested_ip == "127.0.0.1"

    response = client.get(_path(url), **EN)
    assert response.status_code == 302 and response["Location"] == reverse("portal:vehicles")
    link.refresh_from_db()
    assert link.used_at is not None
    assert client.session[CUSTOMER_KEY] == carla.pk and client.session[LINK_KEY] == link.pk
    assert "_auth_user_id" not in client.session  # no Django user for customers
    page = client.get(reverse("portal:vehicles"), **EN)
    assert page.status_code == 200 and "My vehicles" in page.content.decode() and "Sign out" in page.content.decode()
    assert Interaction.objects.filter(customer=carla, kind="portal.signin").exists()


def test_a_link_signs_in_only_once(carla):
    [link] = services.signin_link_request(email="carla.dangelo@example.it")
    url = reverse("portal:signin-link", args=[services.link_token(link)])
    first = Client()
    assert first.get(url).status_code == 302

    second = Client()
    response = second.get(url, **EN)
    assert response.status_code == 410
    page = response.content.decode()
    assert "already been used" in page and "expired" not in page
    assert 'value="carla.dangelo@example.it"' in page  # a new one is a click away
    assert second.get(reverse("portal:vehicles")).status_code == 302
    # Whoever it signed in and clicks it again simply finds their portal.
    assert first.get(url)["Location"] == reverse("portal:vehicles")


def test_a_link_expires_after_fifteen_minutes(carla):
    [link] = services.signin_link_request(email="carla.dangelo@example.it")
    url = reverse("portal:signin-link", args=[services.link_token(link)])
    client = Client()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = client.get(url, **EN)
    assert response.status_code == 410
    page = response.content.decode()
    assert "has expired" in page and "already been used" not in page
    assert 'value="carla.dangelo@example.it"' in page
    link.refresh_from_db()
    assert link.used_at is None
    assert CUSTOMER_KEY not in client.session


def test_an_expired_link_is_not_e_mailed_late(carla, smtp_server):
    from vicino.portal.tasks import signin_link_mail

    [link] = services.signin_link_request(email="carla.dangelo@example.it")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert signin_link_mail.call(link.pk) is False
    assert smtp_server.messages == []


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(carla, smtp_server, django_capture_on_commit_callbacks):
    known, unknown = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        known_answer = _ask(known, "carla.dangelo@example.it")
        unknown_answer = _ask(unknown, "nessuno@example.it")
    assert known_answer.status_code == unknown_answer.status_code == 302
    assert known_answer["Location"] == unknown_answer["Location"]
    assert _main(known.get(known_answer["Location"], **EN)) == _main(unknown.get(unknown_answer["Location"], **EN))
    assert "Check your e-mail" in unknown.get(unknown_answer["Location"], **EN).content.decode()
    assert smtp_server.to("nessuno@example.it") == [] and len(smtp_server.messages) == 1
    assert SignInLink.objects.count() == 1
    # The unknown address is not kept, only a keyed digest of it.
    assert not SignInRequest.objects.filter(email_digest__icontains="nessuno").exists()


def test_a_sixth_link_in_an_hour_is_refused_politely_known_address_or_not(carla, smtp_server, django_capture_on_commit_callbacks):
    client = Client()
    for address in ("carla.dangelo@example.it", "nessuno@example.it"):
        with django_capture_on_commit_callbacks(execute=True):
            for _attempt in range(5):
                assert _ask(client, address).status_code == 302
            refused = _ask(client, address)
        assert refused.status_code == 429
        page = refused.content.decode()
        assert "5 links in the last hour" in page and f'value="{address}"' in page
    assert len(smtp_server.to("carla.dangelo@example.it")) == 5
    assert SignInLink.objects.count() == 5
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert _ask(client, "carla.dangelo@example.it").status_code == 302


def test_an_address_of_customers_in_two_networks_gets_a_link_for_each(carla, borgo, smtp_server, django_capture_on_commit_callbacks):
    member = people.customer_create(by=None, network=borgo, first_name="Carla", last_name="D'Angelo", emails=["carla.dangelo@example.it"])
    with django_capture_on_commit_callbacks(execute=True):
        _ask(Client(), "carla.dangelo@example.it")
    messages = smtp_server.to("carla.dangelo@example.it")
    assert len(messages) == 2 and {"Aurora Motori", "Borgo Comune"} == {n for m in messages for n in ("Aurora Motori", "Borgo Comune") if n in m["Subject"]}
    for message in messages:
        client = Client()
        client.get(_path(_link_in(message)))
        expected = carla if "Aurora" in message.get_payload(decode=True).decode() else member
        assert client.session[CUSTOMER_KEY] == expected.pk


def test_a_made_up_or_changed_link_opens_nothing(carla):
    [link] = services.signin_link_request(email="carla.dangelo@example.it")
    token = services.link_token(link)
    client = Client()
    for bad in (token[:-1] + ("0" if token[-1] != "0" else "1"), "abc", token.upper()):
        response = client.get(reverse("portal:signin-link", args=[bad]), **EN)
        assert response.status_code == 404 and "not valid" in response.content.decode()
    link.refresh_from_db()
    assert link.used_at is None and CUSTOMER_KEY not in client.session


def test_an_erased_customer_has_no_portal(carla):
    client = portal_client(carla)
    customer_erase(by=None, customer=carla)
    assert client.get(reverse("portal:vehicles"))["Location"].startswith(reverse("portal:signin"))


def test_signing_out_closes_the_portal(carla):
    client = portal_client(carla)
    response = client.post(reverse("portal:signout"), **EN)
    assert response["Location"] == reverse("portal:signin")
    assert "You have signed out." in client.get(reverse("portal:signin"), **EN).content.decode()
    assert client.get(reverse("portal:vehicles"))["Location"].startswith(reverse("portal:signin"))
    assert client.get(reverse("portal:signout")).status_code == 405


def test_the_portal_and_a_staff_login_stay_apart(carla, anna):
    client = portal_client(carla)
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("core:login"))  # a customer is no staff
    client.force_login(anna)
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("portal:vehicles")).status_code == 200
    client.post(reverse("portal:signout"))
    assert client.get(reverse("core:home")).status_code == 200  # Anna is still signed in as staff


def test_the_workshop_e_mail_leads_to_the_order_after_signing_in(carla, order, tommaso, smtp_server, django_capture_on_commit_callbacks):
    from decimal import Decimal

    with django_capture_on_commit_callbacks(execute=True):
        workshop.finding_propose(by=tommaso, order=order, title="Dischi anteriori", grade="red", price=Decimal("280"))
    [approval] = smtp_server.to("carla.dangelo@example.it")
    order_path = reverse("portal:order", args=[order.pk])
    assert f"http://localhost:8000{order_path}" in approval.get_payload(decode=True).decode()

    client = Client()
    to_signin = client.get(order_path)["Location"]
    assert to_signin.startswith(reverse("portal:signin"))
    form = client.get(to_signin, **EN).content.decode()
    assert f'name="next" value="{order_path}"' in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:signin"), {"email": "carla.dangelo@example.it", "next": order_path})
    link_url = _link_in(smtp_server.to("carla.dangelo@example.it")[-1])
    assert client.get(_path(link_url))["Location"] == order_path
    assert client.get(order_path, **EN).status_code == 200


def test_a_next_outside_the_portal_is_ignored(carla):
    [link] = services.signin_link_request(email="carla.dangelo@example.it", next_path="https://evil.example/")
    url = reverse("portal:signin-link", args=[services.link_token(link)])
    assert Client().get(url + "?next=https://evil.example/")["Location"] == reverse("portal:vehicles")
    [link] = services.signin_link_request(email="carla.dangelo@example.it")
    assert Client().get(reverse("portal:signin-link", args=[services.link_token(link)]) + "?next=/customers/")["Location"] == reverse("portal:vehicles")


def test_pages_are_in_the_customer_language_unless_she_switches(carla):
    people.customer_update(by=None, customer=carla, data={"language": "en"})
    client = portal_client(carla)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '<html lang="en">' in client.get(reverse("portal:vehicles"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    client.post(reverse("core:language-set"), {"language": "it", "next": reverse("portal:vehicles")})
    assert '<html lang="it">' in client.get(reverse("portal:vehicles"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize("address", ["", "not-an-address"])
def test_a_wrong_address_is_shown_next_to_the_field(address, carla):
    response = _ask(Client(), address)
    assert response.status_code == 422 and 'class="field has-error"' in response.content.decode()
    assert SignInRequest.objects.count() == 0
