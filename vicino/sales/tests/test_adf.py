"""Reading ADF 1.0 lead documents (sales/adf.py), as the standard writes them and as real senders do; no database."""

from decimal import Decimal

import pytest
from django.utils import translation

from vicino.sales.adf import AdfError, adf_read


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


STANDARD = b"""<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf>
  <prospect status="new">
    <id sequence="1" source="AutoPortale">AP-0001</id>
    <requestdate>2026-03-30T15:30:20+01:00</requestdate>
    <vehicle interest="buy" status="new">
      <year>2026</year><make>Aurora</make><model>Stella</model><trim>Hybrid Business</trim>
      <colorcombination><interiorcolor>Nero</interiorcolor><exteriorcolor>Blu Notte</exteriorcolor><preference>1</preference></colorcombination>
      <price type="quote" currency="EUR">28500</price>
      <comments>Disponibile per una prova sabato</comments>
    </vehicle>
    <customer>
      <contact primarycontact="1">
        <name part="first">Nicol\xc3\xb2</name>
        <name part="last">D'Angelo</name>
        <email preferredcontact="1">nicolo.dangelo@example.it</email>
        <phone type="voice" time="morning">333 1234567</phone>
        <phone type="fax">02 7654321</phone>
        <address type="home"><street line="1">Via Roma 1</street><city>Perugia</city><regioncode>PG</regioncode><postalcode>06129</postalcode><country>IT</country></address>
      </contact>
      <comments>Preferisce essere chiamato dopo le 18</comments>
    </customer>
    <vendor><id>MI01</id><vendorname>Aurora Milano</vendorname></vendor>
    <provider><name part="full">AutoPortale</name><service>Preventivi online</service><url>https://autoportale.example</url></provider>
  </prospect>
</adf>
"""


def test_the_standard_prospect_is_read_whole():
    document = adf_read(STANDARD)
    assert document.problems == []
    (prospect,) = document.prospects
    assert (prospect.number, prospect.source_id, prospect.requested_at.isoformat()) == (1, "AP-0001", "2026-03-30T15:30:20+01:00")
    customer = prospect.customer
    assert (customer.first_name, customer.last_name) == ("Nicolò", "D'Angelo")
    assert customer.emails == ["nicolo.dangelo@example.it"] and customer.preferred == "email"
    assert customer.phones == ["333 1234567"]  # the fax is not a way to call back
    assert (customer.street, customer.city, customer.region, customer.postal_code) == ("Via Roma 1", "Perugia", "PG", "06129")
    assert prospect.comments == "Preferisce essere chiamato dopo le 18"
    vehicle = prospect.vehicle_of_interest
    assert (vehicle.interest, vehicle.status, vehicle.year, vehicle.make, vehicle.model, vehicle.trim) == ("buy", "new", 2026, "Aurora", "Stella", "Hybrid Business")
    assert (vehicle.exterior_color, vehicle.interior_color, vehicle.price, vehicle.currency) == ("Blu Notte", "Nero", Decimal("28500"), "EUR")
    assert (prospect.vendor.id, prospect.vendor.name) == ("MI01", "Aurora Milano")
    assert (prospect.provider.name, prospect.provider.service) == ("AutoPortale", "Preventivi online")


SEVERAL = b"""<?ADF VERSION="1.0"?>
<ADF>
 <PROSPECT>
  <CUSTOMER><CONTACT><NAME PART="full">Lucia Patern\xc3\xb2</NAME><PHONE>+39 347 7654321</PHONE></CONTACT></CUSTOMER>
  <VEHICLE INTEREST="test-drive" STATUS="new"><MAKE>Aurora</MAKE><MODEL>Luna</MODEL></VEHICLE>
 </PROSPECT>
 <prospect>
  <customer><contact><name part="full" type="business">Autofficina Cant\xc3\xb9 S.r.l.</name><email>info@cantu.example</email></contact></customer>
  <vehicle interest="lease"><make>Aurora</make><model>Stella</model></vehicle>
  <vehicle interest="trade-in" status="used">
   <year>2015</year><make>Fiat</make><model>Punto</model>
   <odometer status="original" units="mi">50000</odometer>
   <price type="appraisal" currency="EUR">3.500,00</price>
  </vehicle>
 </prospect>
 <prospect>
  <customer><contact><name part="full">Rossi, Mario</name><email>mario.rossi@example.it</email></contact></customer>
 </prospect>
</ADF>
"""


def test_several_prospects_in_upper_case_with_optional_parts_missing_and_a_trade_in():
    document = adf_read(SEVERAL)
    assert document.problems == []
    lucia, company, mario = document.prospects
    assert (lucia.customer.first_name, lucia.customer.last_name, lucia.customer.phones) == ("Lucia", "Paternò", ["+39 347 7654321"])
    assert (lucia.vehicle_of_interest.interest, lucia.vehicle_of_interest.model) == ("test-drive", "Luna")
    assert (company.customer.company_name, company.customer.first_name) == ("Autofficina Cantù S.r.l.", "")
    assert company.vehicle_of_interest.interest == "lease"
    (trade_in,) = company.trade_ins
    assert (trade_in.status, trade_in.year, trade_in.model, trade_in.odometer_km, trade_in.price) == ("used", 2015, "Punto", 80467, Decimal("3500.00"))
    assert (mario.customer.first_name, mario.customer.last_name) == ("Mario", "Rossi")
    assert mario.vehicles == [] and mario.requested_at is None


def test_a_prospect_sent_without_the_adf_around_it_is_read():
    document = adf_read(b"<prospect><customer><contact><name part='full'>Anna Bianchi</name><email>anna@example.it</email></contact></customer></prospect>")
    assert [p.customer.last_name for p in document.prospects] == ["Bianchi"]


def test_a_prospect_nobody_could_answer_is_refused_and_the_others_are_read():
    document = adf_read(b"""<adf>
      <prospect><customer><contact><name part="full">Senza Recapito</name></contact></customer></prospect>
      <prospect><vehicle><make>Aurora</make></vehicle></prospect>
      <prospect><customer><contact><email>solo@example.it</email></contact></customer></prospect>
      <prospect><customer><contact><name part="full">Elena Neri</name><email>elena@example.it</email></contact></customer>
        <vehicle interest="rent"><year>duemila</year><price>tanto</price><odometer>molti</odometer></vehicle></prospect>
    </adf>""")
    assert [p.number for p in document.prospects] == [4]
    assert [(p.prospect, p.element) for p in document.problems] == [
        (1, "customer/contact"), (2, "customer"), (3, "customer/contact/name"),
        (4, "vehicle[1]/@interest"), (4, "vehicle[1]/year"), (4, "vehicle[1]/price"), (4, "vehicle[1]/odometer"),
    ]  # fmt: skip
    assert document.problems[0].message == "The customer's contact has neither an <email> nor a <phone>."
    assert document.prospects[0].vehicles[0].interest == "buy"


def test_a_document_broken_in_one_prospect_still_gives_the_whole_ones_and_names_the_broken_one():
    document = adf_read(b"""<?adf version="1.0"?>
<adf>
  <prospect><customer><contact><name part="full">Primo Cliente</name><email>primo@example.it</email></contact></customer></prospect>
  <prospect><customer><contact><name part="full">Rotto</name><email>rotto@example.it</email></contact></customer>
    <vehicle><make>Aurora</model></vehicle></prospect>
  <prospect><customer><contact><name part="full">Terzo Cliente</name><phone>0212345678</phone></contact></customer></prospect>
</adf>""")
    assert [(p.number, p.customer.first_name) for p in document.prospects] == [(1, "Primo"), (3, "Terzo")]
    (broken,) = document.problems
    assert (broken.prospect, broken.element) == (2, "")
    assert broken.message == "The prospect is not well-formed XML (line 5)."


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"<html><body>Not a lead</body></html>", "not_adf"),
        (b"<adf></adf>", "no_prospect"),
        (b"<adf><prospect>", "malformed"),
        (b"""<?xml version="1.0"?><!DOCTYPE adf [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><adf>&b;</adf>""", "forbidden_xml"),
        (b"""<?xml version="1.0"?><!DOCTYPE adf [<!ENTITY x SYSTEM "file:///etc/passwd">]><adf><prospect>&x;</prospect></adf>""", "forbidden_xml"),
    ],
)
def test_a_document_that_cannot_be_read_is_refused_with_a_code(data, code):
    with pytest.raises(AdfError) as error:
        adf_read(data)
    assert error.value.code == code and error.value.message


def test_the_refusal_speaks_italian_to_an_italian():
    with translation.override("it"), pytest.raises(AdfError) as error:
        adf_read(b"<adf></adf>")
    assert error.value.message == "Il documento ADF non contiene alcun <prospect>."
