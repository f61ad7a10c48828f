"""Every sales list page, and a lead's page, reads a fixed number of queries, however many rows it shows.

Each page is read once with a little data and again after more of every kind of row its
template touches (leads with activities, trade-ins and quotes; stock with photos; ADF
documents; models); the second reading may not take a query more than the first.
"""

import io
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from vicino.conftest import client_of
from vicino.sales import quotes, services, stock
from vicino.sales.adfimport import adf_import
from vicino.sales.models import Fuel

from .conftest import enquiry
from .test_adf import STANDARD

pytestmark = pytest.mark.django_db

_serial = itertools.count()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("car.png", buffer.getvalue(), content_type="image/png")


def _more_of_everything(network, site, rows: int) -> None:
    for _ in range(rows):
        n = next(_serial)
        model = stock.vehicle_model_create(by=None, network=network, make="Aurora", model=f"Modello {n}", fuel=Fuel.ELECTRIC,
                                           list_price=Decimal("30000.00"))  # fmt: skip
        vehicle = stock.stock_vehicle_create(by=None, site=site, vehicle_model=model, vin=f"ZAR1234567{n:07d}", price=Decimal("29000.00"))
        stock.stock_photo_add(by=None, vehicle=vehicle, upload=_png())
        lead = services.lead_create(by=None, network=network, enquiry=enquiry(email=f"c{n}@example.it", chosen_site=site, vehicle_model=model,
                                                                             campaign=f"campagna-{n}"))  # fmt: skip
        services.activity_add(by=None, lead=lead, kind="call", text="Richiamato")
        services.activity_add(by=None, lead=lead, kind="task", text="Mandare il listino", due_at=timezone.now())
        services.trade_in_add(by=None, lead=lead, make="Fiat", model="Panda", km=90000)
        quotes.quote_create(by=None, lead=lead)
        adf_import(by=None, network=network, data=STANDARD, filename=f"portale-{n}.xml")


PAGES = [
    ("anna", "sales:board", ""),
    ("anna", "sales:lead-list", ""),
    ("anna", "sales:lead-list", "?stage=open&q=Bellini"),
    ("dario", "sales:lead-list", ""),
    ("dario", "sales:stock-list", ""),
    ("dario", "sales:catalogue", ""),
    ("dario", "sales:adf-list", ""),
    ("dario", "sales:report", "?by=campaign"),
    ("dario", "sales:report", "?by=consultant"),
]


@pytest.mark.parametrize(("who", "name", "query"), PAGES, ids=[f"{n}{q}-{w}" for w, n, q in PAGES])
def test_a_list_page_does_not_grow_queries_with_its_rows(request, who, name, query, aurora, milano, anna, dario, django_assert_max_num_queries):
    client = client_of(request.getfixturevalue(who))
    url = reverse(name) + query
    _more_of_everything(aurora, milano, 2)
    with django_assert_max_num_queries(40) as few:
        first = client.get(url)
    _more_of_everything(aurora, milano, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert len(second.content) > len(first.content)  # the page did show the new rows


def test_a_lead_page_does_not_grow_queries_with_its_activities_and_quotes(aurora, milano, anna, django_assert_max_num_queries):
    lead = services.lead_create(by=None, network=aurora, enquiry=enquiry(chosen_site=milano))
    client = client_of(anna)
    url = reverse("sales:lead-detail", args=[lead.pk])

    def more(rows):
        for _ in range(rows):
            n = next(_serial)
            services.activity_add(by=None, lead=lead, kind="note", text=f"Nota {n}")
            services.trade_in_add(by=None, lead=lead, make="Fiat", model="Panda", km=90000 + n)
            quotes.quote_create(by=None, lead=lead, lines=[("vehicle", "Aurora Stella", Decimal("24000.00")), ("option", "Tetto", Decimal("900.00"))])

    more(1)
    with django_assert_max_num_queries(50) as few:
        first = client.get(url)
    more(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content.decode().count('class="activity"') == 6
