"""Quotes: prepared from Carla's configuration, added up with VAT, printed in Italian and e-mailed to her."""

import datetime
import html
import http.server
import threading
from decimal import Decimal
from email.header import decode_header, make_header

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import gettext

from vicino.core import services as core
from vicino.core.models import AuditEntry
from vicino.people import services as people
from vicino.people.models import Channel, Interaction
from vicino.sales import quotes
from vicino.sales.models import (
    Configuration,
    ConfigurationOption,
    Fuel,
    Lead,
    Quote,
    QuoteLine,
    TradeIn,
    VehicleModel,
    validate_not_negative,
)

pytestmark = pytest.mark.django_db

Kind = QuoteLine.Kind
D = Decimal


def it(msgid: str, **params) -> str:
    """A message as an Italian reader gets it (the wording is the catalogue's, the test checks it is used)."""
    with translation.override("it"):
        text = gettext(msgid)
    return text % params if params else text


def negative_amount_message() -> str:
    with pytest.raises(ValidationError) as refused:
        validate_not_negative(D("-1"))
    return refused.value.messages[0]


def next_15_january() -> datetime.date:
    return datetime.date(timezone.localdate().year + 1, 1, 15)


@pytest.fixture
def showroom(milano):
    """Milano with the street, phone and e-mail that the quote's header prints."""
    return core.site_update(
        by=None, site=milano, data={"street": "Viale Certosa 218", "phone": "02 3456789", "email": "vendite.milano@aurora.example"}
    )


@pytest.fixture
def stella_hybrid(aurora):
    return VehicleModel.objects.create(
        network=aurora, make="Aurora", model="Stella", trim="1.5 Hybrid", fuel=Fuel.HYBRID, list_price=D("24000.00")
    )


@pytest.fixture
def carlas_lead(aurora, showroom, carla, anna, stella_hybrid):
    """Carla chose her Stella in the fitting lounge and offers her old Panda in part exchange."""
    lead = Lead.objects.create(
        network=aurora, site=showroom, customer=carla, source=Lead.Source.STAFF, channel=Channel.SHOWROOM,
        assigned_to=anna, vehicle_model=stella_hybrid, stage=Lead.Stage.TEST_DRIVE,
    )  # fmt: skip
    configuration = Configuration.objects.create(
        lead=lead, vehicle_model=stella_hybrid, base_price=D("24000.00"), colour="Rosso Etna", colour_price=D("700.00"),
        interior="Pelle nera", interior_price=D("1200.00"),
    )  # fmt: skip
    ConfigurationOption.objects.create(configuration=configuration, name="Pack Tech", price=D("1500.00"))
    ConfigurationOption.objects.create(configuration=configuration, name="Gancio traino", price=D("450.00"))
    TradeIn.objects.create(
        lead=lead, make="Fiat", model="Panda", year=2015, plate="AB123CD", appraised_value=D("3500.00"), appraised_by=anna,
        appraised_at=timezone.now(),
    )  # fmt: skip
    return lead


@pytest.fixture
def carlas_quote(carlas_lead, anna):
    """27,850 of car, 1,000 off, 22% VAT, 850 to put it on the road, 3,500 for the Panda: 30,107.00 to pay."""
    quote = quotes.quote_create(by=anna, lead=carlas_lead, road_costs=D("850.00"), valid_until=next_15_january(), notes="Consegna in 6 settimane.")
    quotes.quote_line_add(by=anna, quote=quote, kind=Kind.DISCOUNT, description="Sconto concessionaria", amount=D("1000.00"))
    return quote


# --- Totals -------------------------------------------------------------------------------


def test_a_quote_from_carlas_configuration_has_the_car_its_finishes_options_and_her_trade_in(carlas_lead, anna):
    quote = quotes.quote_create(by=anna, lead=carlas_lead)
    assert [(line.kind, line.description, line.amount) for line in quote.lines.all()] == [
        (Kind.VEHICLE, "Aurora Stella 1.5 Hybrid", D("24000.00")),
        (Kind.FINISH, it("Colour: %(name)s", name="Rosso Etna"), D("700.00")),
        (Kind.FINISH, it("Interior: %(name)s", name="Pelle nera"), D("1200.00")),
        (Kind.OPTION, "Pack Tech", D("1500.00")),
        (Kind.OPTION, "Gancio traino", D("450.00")),
        (Kind.TRADE_IN, it("Trade-in: %(vehicle)s", vehicle="Fiat Panda (AB123CD)"), D("3500.00")),
    ]
    assert (quote.status, quote.valid_until, quote.created_by) == (Quote.Status.DRAFT, timezone.localdate() + datetime.timedelta(days=30), anna)


def test_the_totals_add_vat_to_the_discounted_price_and_road_costs_and_the_trade_in_after_it(carlas_quote):
    assert quotes.quote_totals(carlas_quote) == quotes.QuoteTotals(
        vat_rate=D("22"), goods=D("27850.00"), discounts=D("1000.00"), taxable=D("26850.00"), vat=D("5907.00"),
        vehicle_total=D("32757.00"), road_costs=D("850.00"), trade_in=D("3500.00"), to_pay=D("30107.00"),
    )  # fmt: skip


def test_vat_is_rounded_half_up_to_the_cent_once_on_the_taxable_amount():
    # 10.75 × 22% = 2.365: half-up gives 2.37 where banker's rounding would give 2.36.
    totals = quotes.totals_of([(Kind.VEHICLE, D("10.00")), (Kind.ACCESSORY, D("0.75"))], D("22"), D("0"))
    assert (totals.taxable, totals.vat, totals.vehicle_total, totals.to_pay) == (D("10.75"), D("2.37"), D("13.12"), D("13.12"))


def test_the_totals_read_the_prefetched_lines_without_a_query(carlas_quote, django_assert_num_queries):
    quote = Quote.objects.prefetch_related("lines").get(pk=carlas_quote.pk)
    with django_assert_num_queries(0):
        assert quotes.quote_totals(quote).to_pay == D("30107.00")


def test_the_number_is_the_sites_code_the_year_and_the_quotes_own_number(carlas_quote):
    assert carlas_quote.number == f"MI01-{timezone.localdate().year}-{carlas_quote.pk:05d}"
    assert Quote.objects.get(pk=carlas_quote.pk).number == carlas_quote.number


def test_preparing_a_quote_is_audited_and_lands_on_carlas_timeline(carlas_lead, carla, anna):
    with translation.override("it"):
        quote = quotes.quote_create(by=anna, lead=carlas_lead, road_costs=D("850.00"))
    audit = AuditEntry.objects.get(action="quote.create", target_id=str(quote.pk))
    assert (audit.actor, audit.site_id, audit.changes["to_pay"]) == (anna, carlas_lead.site_id, [None, "31327.00"])
    entry = Interaction.objects.get(customer=carla, kind="quote.created")
    assert (entry.channel, entry.actor, entry.ref_type, entry.ref_id) == (Channel.SHOWROOM, anna, "sales.quote", str(quote.pk))
    assert quote.number in entry.summary and "31.327,00 €" in entry.summary
    assert Lead.objects.get(pk=carlas_lead.pk).stage == Lead.Stage.TEST_DRIVE  # stages are the sales services' business


def test_a_lead_without_a_configuration_is_quoted_at_its_models_list_price(aurora, showroom, carla, stella_hybrid):
    lead = Lead.objects.create(network=aurora, site=showroom, customer=carla, source="staff", channel="showroom", vehicle_model=stella_hybrid)
    quote = quotes.quote_create(by=None, lead=lead)
    assert [(line.kind, line.description, line.amount) for line in quote.lines.all()] == [(Kind.VEHICLE, "Aurora Stella 1.5 Hybrid", D("24000.00"))]


def test_a_lead_with_no_car_to_quote_is_refused_unless_the_lines_are_given(aurora, showroom, carla):
    lead = Lead.objects.create(network=aurora, site=showroom, customer=carla, source="staff", channel="showroom", vehicle_text="una Stella")
    with pytest.raises(ValidationError) as refused:
        quotes.quote_create(by=None, lead=lead)
    assert refused.value.code == "no_vehicle"
    quote = quotes.quote_create(by=None, lead=lead, lines=[(Kind.VEHICLE, "Aurora Stella 1.5 Hybrid", D("23900.00"))])
    assert quotes.quote_totals(quote).to_pay == D("29158.00")


# --- What is refused ----------------------------------------------------------------------


def test_a_negative_amount_is_refused_with_the_models_message_and_no_quote_is_written(carlas_lead, anna):
    lines = [(Kind.VEHICLE, "Aurora Stella 1.5 Hybrid", D("24000.00")), (Kind.DISCOUNT, "Sconto", D("-500.00"))]
    with pytest.raises(ValidationError) as refused:
        quotes.quote_create(by=anna, lead=carlas_lead, lines=lines)
    assert refused.value.message_dict == {"amount": [negative_amount_message()]}
    assert (Quote.objects.count(), QuoteLine.objects.count()) == (0, 0)
    assert not AuditEntry.objects.filter(action="quote.create").exists()
    assert not Interaction.objects.filter(kind="quote.created").exists()


def test_negative_road_costs_are_refused_too(carlas_lead, carlas_quote, anna):
    with pytest.raises(ValidationError) as refused:
        quotes.quote_create(by=anna, lead=carlas_lead, road_costs=D("-850.00"))
    assert refused.value.message_dict["road_costs"] == [negative_amount_message()]
    with pytest.raises(ValidationError):
        quotes.quote_update(by=anna, quote=carlas_quote, road_costs=D("-1.00"))
    assert carlas_quote.road_costs == D("850.00")
    assert Quote.objects.get().road_costs == D("850.00")


def test_a_discount_larger_than_the_car_is_refused(carlas_lead, carlas_quote, anna):
    with pytest.raises(ValidationError) as refused:
        quotes.quote_create(by=anna, lead=carlas_lead, lines=[(Kind.VEHICLE, "Stella", D("1000.00")), (Kind.DISCOUNT, "Sconto", D("1500.00"))])
    assert refused.value.code == "discounts_exceed_goods"
    with pytest.raises(ValidationError):
        quotes.quote_line_add(by=anna, quote=carlas_quote, kind=Kind.DISCOUNT, description="Sconto extra", amount=D("27000.00"))
    assert Quote.objects.count() == 1
    assert list(carlas_quote.lines.filter(kind=Kind.DISCOUNT).values_list("amount", flat=True)) == [D("1000.00")]


def test_removing_the_car_under_a_discount_is_refused(carlas_lead, anna):
    quote = quotes.quote_create(by=anna, lead=carlas_lead, lines=[(Kind.VEHICLE, "Stella", D("1000.00")), (Kind.DISCOUNT, "Sconto", D("800.00"))])
    car = quote.lines.get(kind=Kind.VEHICLE)
    with pytest.raises(ValidationError) as refused:
        quotes.quote_line_remove(by=anna, line=car)
    assert refused.value.code == "discounts_exceed_goods"
    assert quote.lines.filter(pk=car.pk).exists()


def test_a_trade_in_worth_more_than_the_car_is_refused(carlas_lead, anna):
    lines = [(Kind.VEHICLE, "Aurora Stella 1.5 Hybrid", D("2000.00")), (Kind.TRADE_IN, "Permuta: Fiat Panda", D("3500.00"))]
    with pytest.raises(ValidationError) as refused:
        quotes.quote_create(by=anna, lead=carlas_lead, lines=lines)
    assert refused.value.code == "trade_in_exceeds_price"
    assert Quote.objects.count() == 0


def test_a_quote_cannot_be_valid_until_a_day_gone_by(carlas_lead, anna):
    with pytest.raises(ValidationError) as refused:
        quotes.quote_create(by=anna, lead=carlas_lead, valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert "valid_until" in refused.value.message_dict
    assert Quote.objects.count() == 0


# --- Changing a draft ---------------------------------------------------------------------


def test_a_draft_is_changed_line_by_line_and_each_change_is_audited(carlas_quote, anna):
    mats = quotes.quote_line_add(by=anna, quote=carlas_quote, kind=Kind.ACCESSORY, description="Tappetini in gomma", amount=D("90.00"))
    assert mats.position == max(carlas_quote.lines.values_list("position", flat=True))
    assert quotes.quote_totals(carlas_quote).to_pay == D("30216.80")  # 90 + 22%
    quotes.quote_line_remove(by=anna, line=mats)
    quotes.quote_update(by=anna, quote=carlas_quote, road_costs=D("900.00"), notes="Consegna in 4 settimane.")
    stored = Quote.objects.get(pk=carlas_quote.pk)
    assert (stored.road_costs, stored.notes, quotes.quote_totals(stored).to_pay) == (D("900.00"), "Consegna in 4 settimane.", D("30157.00"))
    changes = [entry.changes for entry in AuditEntry.objects.filter(action="quote.update", target_id=str(carlas_quote.pk)).order_by("pk")]
    assert changes[-1] == {"road_costs": ["850.00", "900.00"], "notes": ["Consegna in 6 settimane.", "Consegna in 4 settimane."]}
    assert len(changes) == 4  # the discount of the fixture, the mats in, the mats out, the costs and notes


def test_a_sent_quote_cannot_be_changed(carlas_quote, anna):
    stale = Quote.objects.get(pk=carlas_quote.pk)  # read before it was sent, by a colleague's page
    Quote.objects.filter(pk=carlas_quote.pk).update(status=Quote.Status.SENT, sent_at=timezone.now(), sent_to="carla.dangelo@example.it")
    lines_before = list(QuoteLine.objects.filter(quote=carlas_quote).values_list("kind", "description", "amount"))
    attempts = [
        lambda: quotes.quote_line_add(by=anna, quote=stale, kind=Kind.DISCOUNT, description="Sconto extra", amount=D("500.00")),
        lambda: quotes.quote_line_remove(by=anna, line=stale.lines.get(kind=Kind.DISCOUNT)),
        lambda: quotes.quote_update(by=anna, quote=stale, road_costs=D("0.00")),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages == [gettext("A sent quote cannot be changed: prepare a new one.")]
    assert list(QuoteLine.objects.filter(quote=carlas_quote).values_list("kind", "description", "amount")) == lines_before
    assert Quote.objects.get(pk=carlas_quote.pk).road_costs == D("850.00")


# --- The document -------------------------------------------------------------------------


def test_the_pdf_page_is_in_italian_with_the_site_carla_and_every_figure(carlas_quote, carla):
    with translation.override("en"):  # whoever prints it
        page = quotes.quote_pdf_html(carlas_quote)
    assert "D&#x27;Angelo" in page or "D&#39;Angelo" in page
    text = html.unescape(page)
    number = carlas_quote.number
    for expected in [
        it("Quote no. %(number)s", number=number),
        it("Valid until %(date)s", date=next_15_january().strftime("%d/%m/%Y")),
        "Aurora Milano", "Aurora Motori", "Viale Certosa 218", "20156 Milano (MI)", "02 3456789", "vendite.milano@aurora.example",
        "Carla D'Angelo Paternò", "Via Roma 1", "20121 Milano (MI)",
        "Aurora Stella 1.5 Hybrid", "24.000,00 €", "Pack Tech", "1.500,00 €", "Sconto concessionaria", "− 1.000,00 €",
        it("Taxable amount"), "26.850,00 €", it("VAT %(rate)s%%", rate="22"), "5.907,00 €",
        it("Vehicle total incl. VAT"), "32.757,00 €", it("On-the-road costs"), "850,00 €",
        it("Trade-in"), "− 3.500,00 €", it("Total to pay"), "30.107,00 €", "Consegna in 6 settimane.", "DPR 633/72",
    ]:  # fmt: skip
        assert expected in text, expected
    assert "€30,107.00" not in text
    trade_in = it("Trade-in: %(vehicle)s", vehicle="Fiat Panda (AB123CD)")
    assert text.index("Gancio traino") < text.index("Sconto concessionaria") < text.index(trade_in) < text.index(it("Taxable amount"))


def test_notes_are_printed_as_text_not_markup(carlas_quote, anna):
    quotes.quote_update(by=anna, quote=carlas_quote, notes='<img src="http://example.com/x.png"> Grazie!')
    page = quotes.quote_pdf_html(carlas_quote)
    assert "<img" not in page and "&lt;img" in page


def test_the_pdf_is_a_real_pdf(carlas_quote):
    pdf = quotes.quote_pdf(carlas_quote)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(pdf) < 500_000


def test_printing_never_fetches_a_url(carlas_quote, monkeypatch):
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    page = quotes.quote_pdf_html(carlas_quote)
    linked = page.replace("</body>", f'<img src="{url}/logo.png"><link rel="stylesheet" href="{url}/x.css"></body>')
    monkeypatch.setattr(quotes, "quote_pdf_html", lambda quote: linked)
    try:
        assert quotes.quote_pdf(carlas_quote).startswith(b"%PDF-")
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_the_euro_filter_writes_amounts_as_each_language_does():
    template = Template("{% load sales %}{{ a|euro }}|{{ b|euro }}|{{ c|euro }}|{{ d|euro }}")
    context = Context({"a": D("31720"), "b": D("-1500.00"), "c": D("0.005"), "d": None})
    with translation.override("it"):
        assert template.render(context) == "31.720,00 €|− 1.500,00 €|0,01 €|"
    with translation.override("en"):
        assert template.render(context) == "€31,720.00|−€1,500.00|€0.01|"


# --- Sending ------------------------------------------------------------------------------


def _attachments(message) -> list[tuple[str, str, bytes]]:
    return [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True)) for part in message.walk() if part.get_filename()]


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_carla_receives_her_quote_as_a_pdf_in_italian(carlas_quote, carla, anna, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        quotes.quote_send(by=anna, quote=carlas_quote)
    [message] = smtp_server.to("carla.dangelo@example.it")
    number = carlas_quote.number
    assert _subject(message) == it("Your quote %(number)s from %(site)s", number=number, site="Aurora Milano")
    assert message["Reply-To"] == "Aurora Milano <vendite.milano@aurora.example>"
    [(filename, content_type, pdf)] = _attachments(message)
    assert (filename, content_type) == (f"Preventivo-{number}.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF-")
    body = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "Aurora Milano" in body and "Anna Colombo" in body and "30.107,00 €" in body
    assert f"15 gennaio {next_15_january().year}" in body.lower()  # the validity date, the Italian way (Django writes "Gennaio")

    stored = Quote.objects.get(pk=carlas_quote.pk)
    assert (stored.status, stored.sent_to) == (Quote.Status.SENT, "carla.dangelo@example.it") and stored.sent_at is not None
    entry = Interaction.objects.get(customer=carla, kind="quote.sent")
    assert (entry.channel, entry.actor, entry.ref_id) == (Channel.EMAIL, anna, str(carlas_quote.pk))
    audit = AuditEntry.objects.get(action="quote.send")
    assert audit.changes["status"] == [Quote.Status.DRAFT, Quote.Status.SENT]


def test_an_english_speaking_customer_gets_the_email_in_english_and_the_quote_still_in_italian(
    carlas_quote, carla, anna, smtp_server, django_capture_on_commit_callbacks
):
    people.customer_update(by=None, customer=carla, data={"language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        quotes.quote_send(by=anna, quote=carlas_quote)
    [message] = smtp_server.messages
    assert _subject(message) == f"Your quote {carlas_quote.number} from Aurora Milano"
    body = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert f"Jan. 15, {next_15_january().year}" in body and "€30,107.00" in body
    [(filename, _type, _pdf)] = _attachments(message)
    assert filename == f"Preventivo-{carlas_quote.number}.pdf"


def test_a_quote_can_be_sent_to_another_address_and_sent_again(carlas_quote, anna, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        quotes.quote_send(by=anna, quote=carlas_quote, to=" Amministrazione@DAngelo.example ")
        quotes.quote_send(by=anna, quote=carlas_quote)
    assert [m["To"] for m in smtp_server.messages] == ["amministrazione@dangelo.example", "carla.dangelo@example.it"]
    assert Quote.objects.get(pk=carlas_quote.pk).sent_to == "carla.dangelo@example.it"


def test_without_a_site_email_the_quote_comes_from_vicinos_address(carlas_quote, showroom, anna, smtp_server, django_capture_on_commit_callbacks, settings):
    core.site_update(by=None, site=showroom, data={"email": ""})
    settings.DEFAULT_FROM_EMAIL = "Vicino <noreply@vicino.example>"
    with django_capture_on_commit_callbacks(execute=True):
        quotes.quote_send(by=anna, quote=carlas_quote)
    assert smtp_server.messages[0]["From"] == "Vicino <noreply@vicino.example>"


def test_a_customer_without_an_email_is_refused_and_nothing_is_sent(aurora, showroom, stella_hybrid, anna, smtp_server, django_capture_on_commit_callbacks):
    walk_in = people.customer_create(by=None, network=aurora, site=showroom, first_name="Pietro", last_name="Sala", phones=["333 7654321"])
    lead = Lead.objects.create(network=aurora, site=showroom, customer=walk_in, source="staff", channel="showroom", vehicle_model=stella_hybrid)
    quote = quotes.quote_create(by=anna, lead=lead)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError) as refused:
            quotes.quote_send(by=anna, quote=quote)
    assert refused.value.messages == [gettext("The customer has no e-mail address: add one first.")]
    assert smtp_server.messages == []
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.DRAFT
    assert not Interaction.objects.filter(kind="quote.sent").exists()


def test_a_rolled_back_send_sends_nothing(carlas_quote, anna, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                quotes.quote_send(by=anna, quote=carlas_quote)
                raise RuntimeError("the page failed after sending")
    assert smtp_server.messages == []
    assert Quote.objects.get(pk=carlas_quote.pk).status == Quote.Status.DRAFT


def test_an_accepted_quote_is_not_sent_again(carlas_quote, anna, smtp_server, django_capture_on_commit_callbacks):
    Quote.objects.filter(pk=carlas_quote.pk).update(status=Quote.Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError) as refused:
            quotes.quote_send(by=anna, quote=carlas_quote)
    assert refused.value.code == "quote_closed"
    assert smtp_server.messages == []
