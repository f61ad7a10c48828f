"""Importing ADF documents: every whole prospect a routed lead, the broken one named, the document kept."""

import pytest
from django.utils import translation

from vicino.people.models import Customer, Interaction
from vicino.sales.adf import AdfError
from vicino.sales.adfimport import adf_import, adf_inbox_import
from vicino.sales.models import AdfDocument, Lead, TradeIn

from .test_adf import SEVERAL, STANDARD

pytestmark = pytest.mark.django_db

BROKEN_SECOND = b"""<?adf version="1.0"?>
<adf>
 <prospect><customer><contact><name part="full">Giorgio Est\xc3\xa8</name><email>giorgio@example.it</email></contact></customer>
  <vehicle interest="buy" status="used"><make>Aurora</make><model>Stella</model><price currency="EUR">-500</price></vehicle>
  <vendor><id>TV01</id></vendor></prospect>
 <prospect><customer><contact><name part="first">Senza</name><email>rotto@example.it</email></contact></customer><vehicle><make>Aurora</make></prospect>
 <prospect><customer><contact><email>nome@example.it</email></contact></customer></prospect>
</adf>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<adf><prospect><customer><contact><name part="full">&lol3;</name><email>a@example.it</email></contact></customer></prospect></adf>"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_standard_prospect_goes_to_the_vendor_site_with_the_document_attached(aurora, milano, treviso, anna):
    result = adf_import(by=None, network=aurora, data=STANDARD, filename="autoportale.xml")
    (lead,) = result.leads
    lead = Lead.objects.select_related("customer").get(pk=lead.pk)
    assert (lead.site, lead.assigned_to, lead.source, lead.channel) == (milano, anna, "adf", "web")
    assert (lead.provider, lead.campaign, lead.external_ref) == ("AutoPortale", "Preventivi online", "AP-0001")
    assert (lead.vehicle_text, lead.vehicle_year, lead.vehicle_colour, str(lead.vehicle_price)) == ("Aurora Stella Hybrid Business", 2026, "Blu Notte / Nero", "28500.00")
    assert (lead.customer.first_name, lead.customer.last_name, lead.preferred_contact) == ("Nicolò", "D'Angelo", "email")
    assert bytes(lead.adf_document.content) == STANDARD and lead.adf_prospect == 1
    assert Interaction.objects.filter(customer=lead.customer, kind="lead.created", ref_id=str(lead.pk)).exists()


def test_several_prospects_with_upper_case_names_and_a_trade_in_become_several_leads(aurora, milano, treviso):
    result = adf_import(by=None, network=aurora, data=SEVERAL, filename="several.xml")
    assert len(result.leads) >= 2
    interests = {lead.customer.display_name: lead.interest for lead in Lead.objects.select_related("customer")}
    assert interests["Lucia Paternò"] == "test_drive" and interests["Autofficina Cantù S.r.l."] == "lease"
    trade_in = TradeIn.objects.get()
    assert (trade_in.make, trade_in.model, trade_in.year, trade_in.km) == ("Fiat", "Punto", 2015, 80467)
    assert AdfDocument.objects.count() == 1


def test_a_broken_prospect_is_named_and_the_whole_ones_are_still_imported(aurora, milano, treviso):
    result = adf_import(by=None, network=aurora, data=BROKEN_SECOND, filename="broken.xml")
    (lead,) = result.leads
    assert lead.site == treviso and lead.vehicle_price is None
    named = {(p.prospect, p.element) for p in result.problems}
    assert (1, "vehicle/price") in named and (3, "customer/contact/name") in named
    assert any(p.prospect == 2 for p in result.problems)
    assert AdfDocument.objects.get().problems == [
        {"prospect": p.prospect, "element": p.element, "message": p.message} for p in result.problems
    ]


def test_a_prospect_with_a_known_email_is_that_customers_lead(aurora, milano, carla):
    data = STANDARD.replace(b"nicolo.dangelo@example.it", b"carla.dangelo@example.it")
    (lead,) = adf_import(by=None, network=aurora, data=data).leads
    assert lead.customer_id == carla.pk and Customer.objects.count() == 1


def test_hostile_xml_is_refused_and_nothing_is_written(aurora, milano):
    with pytest.raises(AdfError) as refused:
        adf_import(by=None, network=aurora, data=BILLION_LAUGHS)
    assert refused.value.code == "forbidden_xml"
    assert (AdfDocument.objects.count(), Lead.objects.count(), Customer.objects.count()) == (0, 0, 0)


def test_the_folder_pickup_imports_each_file_once_and_sets_the_refused_aside(aurora, milano, tmp_path):
    inbox = tmp_path / "aurora"
    inbox.mkdir()
    (inbox / "a.xml").write_bytes(STANDARD)
    (inbox / "b.xml").write_bytes(b"<html>not a lead</html>")
    assert adf_inbox_import(inbox=str(tmp_path)) == 2
    assert Lead.objects.count() == 1 and AdfDocument.objects.get().source == "folder"
    assert [p.name.split("-", 1)[1] for p in (inbox / "done").glob("*.xml")] == ["a.xml"]
    refused = list((inbox / "refused").iterdir())
    assert any(p.name.endswith("b.xml.txt") and "not <adf>" in p.read_text() for p in refused)
    assert adf_inbox_import(inbox=str(tmp_path)) == 0
