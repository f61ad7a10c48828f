"""The portal cast: Carla (Milano's customer) signs in; Dora, another Aurora customer, and Ettore, a member of
Borgo, each have a car in the workshop whose ids Carla may try to guess."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from vicino.people import services as people
from vicino.people.models import Customer
from vicino.people.queries import customer_email
from vicino.portal import services
from vicino.workshop import services as workshop
from vicino.workshop.models import RepairOrder
from vicino.workshop.tests.conftest import carla_car, matteo, order, tommaso  # noqa: F401


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile("freni.jpg", out.getvalue(), content_type="image/jpeg")


def video() -> SimpleUploadedFile:
    return SimpleUploadedFile("prova.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4, content_type="video/mp4")


def portal_client(customer: Customer, language: str = "en") -> Client:
    """A browser signed in to the portal as `customer` through a real link, asking for English pages."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    links = services.signin_link_request(email=customer_email(customer), ip_address="203.0.113.7")
    link = next(link for link in links if link.customer_id == customer.pk)
    response = client.get(reverse("portal:signin-link", args=[services.link_token(link)]))
    assert response.status_code == 302, response
    return client


@pytest.fixture
def carla_portal(carla) -> Client:
    return portal_client(carla)


@pytest.fixture
def dora(aurora, milano):
    return people.customer_create(by=None, network=aurora, site=milano, first_name="Dora", last_name="Marchetti", emails=["dora@example.it"])


@pytest.fixture
def dora_order(matteo, milano, dora):  # noqa: F811
    car = workshop.vehicle_save(by=None, network=milano.network, data={"plate": "GG 777 HH", "make": "Aurora", "model": "Luna"}, owners=[dora])
    opened = workshop.repair_order_open(by=matteo, site=milano, vehicle=car, customer=dora, source=RepairOrder.Source.COUNTER, complaint="Tagliando")
    workshop.update_post(by=matteo, order=opened, text="Foto di Dora", is_visible=True, upload=photo())
    workshop.finding_propose(by=matteo, order=opened, title="Pneumatici", grade="amber", price=Decimal("400"))
    return opened


@pytest.fixture
def ettore(borgo):
    return people.customer_create(by=None, network=borgo, first_name="Ettore", last_name="Gallo", emails=["ettore@example.it"])


@pytest.fixture
def ettore_order(bologna, ettore):
    car = workshop.vehicle_save(by=None, network=bologna.network, data={"plate": "BO 123 XY", "make": "Fiat", "model": "Panda"}, owners=[ettore])
    opened = workshop.repair_order_open(by=None, site=bologna, vehicle=car, customer=ettore, source=RepairOrder.Source.COUNTER)
    workshop.update_post(by=None, order=opened, text="Foto di Ettore", is_visible=True, upload=photo())
    workshop.finding_propose(by=None, order=opened, title="Freni", grade="red", price=Decimal("100"))
    return opened
