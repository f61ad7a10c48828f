"""Quotes: their totals, how one is prepared from a lead, changed while a draft, printed and sent.

Lines are stored net of VAT and never negative (decision 005): a discount or a trade-in
is a line of its own kind that the totals subtract. The totals follow the order an
Italian car quote reads in: price, discounts, taxable amount, VAT, vehicle total, then
the on-the-road costs and the trade-in, which sit outside the VAT.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from email.headerregistry import Address as MailAddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vicino.core.audit import audit_record, changes_apply, snapshot
from vicino.core.models import User
from vicino.people.models import Channel
from vicino.people.queries import customer_email
from vicino.people.services import email_normalise, interaction_record

from .models import Lead, Quote, QuoteLine
from .templatetags.sales import euro

Kind = QuoteLine.Kind

# What the audit log and the timeline call the entries written here. The sales AppConfig
# registers them (action_labels_register, kind_labels_register); these are the reference.
QUOTE_ACTION_LABELS = {
    "quote.create": gettext_lazy("Quote prepared"),
    "quote.send": gettext_lazy("Quote sent"),
    "quote.update": gettext_lazy("Quote changed"),
}
QUOTE_TIMELINE_KINDS = {
    "quote.created": gettext_lazy("Quote"),
    "quote.sent": gettext_lazy("Quote sent"),
}

GOODS_KINDS = frozenset({Kind.VEHICLE, Kind.FINISH, Kind.OPTION, Kind.ACCESSORY, Kind.SERVICE})
# Shown with a minus in front on the quote; stored as positive amounts like every other line.
SUBTRACTED_KINDS = frozenset({Kind.DISCOUNT, Kind.TRADE_IN})
_PRINT_GROUP = {Kind.DISCOUNT: 1, Kind.TRADE_IN: 2}
VALIDITY_DAYS = 30
CENT = Decimal("0.01")


# --- Totals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteTotals:
    """What a quote adds up to, in the order the customer reads it."""

    vat_rate: Decimal
    goods: Decimal  # vehicle, finishes, options, accessories and services
    discounts: Decimal
    taxable: Decimal  # goods less discounts: the imponibile
    vat: Decimal
    vehicle_total: Decimal  # taxable plus VAT
    road_costs: Decimal
    trade_in: Decimal
    to_pay: Decimal


def totals_of(lines: Iterable[tuple[str, Decimal]], vat_rate: Decimal | int, road_costs: Decimal | int) -> QuoteTotals:
    """The totals of (kind, amount) lines; refuses figures that would make the car cost less than nothing.

    Raises ValidationError when the discounts exceed the goods or the trade-in exceeds
    what the customer would otherwise pay: no QuoteTotals with a negative figure exists.
    """
    sums = dict.fromkeys(Kind.values, Decimal(0))
    for kind, amount in lines:
        if kind not in sums:
            raise ValueError(f"Unknown kind of quote line: {kind!r}")
        sums[kind] += Decimal(amount)
    vat_rate, road_costs = Decimal(vat_rate), Decimal(road_costs)
    goods = sum((sums[kind] for kind in GOODS_KINDS), Decimal(0))
    discounts = sums[Kind.DISCOUNT]
    if discounts > goods:
        raise ValidationError(
            _("The discounts (%(discounts)s) are more than the price (%(goods)s): lower them or add the missing lines."),
            code="discounts_exceed_goods",
            params={"discounts": euro(discounts), "goods": euro(goods)},
        )
    taxable = goods - discounts
    # Rounded once, on the total: VAT per line would add up to a different cent.
    vat = (taxable * vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    vehicle_total = taxable + vat
    # Messa su strada (transport, registration, plates, IPT) is money the dealer pays on the
    # customer's behalf and recharges at cost: an anticipated cost outside the VAT base
    # (art. 15 DPR 633/72), so it is added after the VAT, never taxed.
    # The trade-in is the customer's car bought by the dealer: it settles part of the price
    # and is subtracted from what they pay, after VAT.
    trade_in = sums[Kind.TRADE_IN]
    to_pay = vehicle_total + road_costs - trade_in
    if to_pay < 0:
        raise ValidationError(
            _("The trade-in is worth more than the car: %(trade_in)s against %(total)s. Settle the difference apart from the quote."),
            code="trade_in_exceeds_price",
            params={"trade_in": euro(trade_in), "total": euro(vehicle_total + road_costs)},
        )
    return QuoteTotals(
        vat_rate=vat_rate, goods=goods, discounts=discounts, taxable=taxable, vat=vat, vehicle_total=vehicle_total,
        road_costs=road_costs, trade_in=trade_in, to_pay=to_pay,
    )  # fmt: skip


def quote_totals(quote: Quote) -> QuoteTotals:
    """The totals of a stored quote, from its lines (the prefetched ones when the caller brought them)."""
    return totals_of(((line.kind, line.amount) for line in quote.lines.all()), quote.vat_rate, quote.road_costs)


# --- Writing ------------------------------------------------------------------------------


def _lines_from_lead(lead: Lead) -> list[tuple[str, str, Decimal]]:
    """The lines a quote starts with: the newest configuration (or the car or model of interest) and the appraised trade-ins.

    Worded in Italian, like the document they end up on, whoever prepares the quote.
    """
    configuration = lead.configurations.select_related("vehicle_model").order_by("-created_at", "-pk").first()
    lines: list[tuple[str, str, Decimal]] = []
    with translation.override("it"):
        if configuration is not None:
            lines.append((Kind.VEHICLE, str(configuration.vehicle_model), configuration.base_price))
            if configuration.colour or configuration.colour_price:
                name = _("Colour: %(name)s") % {"name": configuration.colour} if configuration.colour else _("Colour")
                lines.append((Kind.FINISH, name, configuration.colour_price))
            if configuration.interior or configuration.interior_price:
                name = _("Interior: %(name)s") % {"name": configuration.interior} if configuration.interior else _("Interior")
                lines.append((Kind.FINISH, name, configuration.interior_price))
            lines += [(Kind.OPTION, option.name, option.price) for option in configuration.options.all()]
        elif lead.stock_vehicle_id:
            lines.append((Kind.VEHICLE, str(lead.stock_vehicle), lead.stock_vehicle.price))
        elif lead.vehicle_model_id and lead.vehicle_model.list_price is not None:
            lines.append((Kind.VEHICLE, str(lead.vehicle_model), lead.vehicle_model.list_price))
        else:
            raise ValidationError(
                _("There is no car to quote yet: choose a configuration, a vehicle or a model with a price for the lead first."),
                code="no_vehicle",
            )
        for trade_in in lead.trade_ins.filter(appraised_value__isnull=False):
            lines.append((Kind.TRADE_IN, _("Trade-in: %(vehicle)s") % {"vehicle": trade_in}, trade_in.appraised_value))
    return lines


def _line_text(line: QuoteLine) -> str:
    return f"{line.get_kind_display()}: {line.description} {euro(line.amount)}"


def _valid_until_check(valid_until: datetime.date) -> None:
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("A quote must be valid at least until today.")}, code="expired")


def _draft_lock(quote: Quote) -> None:
    """Lock the quote's row and make sure it is still a draft: a quote that left the site is a document."""
    quote.status = Quote.objects.select_for_update().filter(pk=quote.pk).values_list("status", flat=True).get()
    if quote.status != Quote.Status.DRAFT:
        raise ValidationError(_("A sent quote cannot be changed: prepare a new one."), code="quote_sent")


def _forget_lines(quote: Quote) -> None:
    """Drop prefetched lines, so totals and the PDF read the lines as they now are."""
    getattr(quote, "_prefetched_objects_cache", {}).pop("lines", None)


def _stored_lines(quote: Quote) -> list[tuple[str, Decimal]]:
    return list(QuoteLine.objects.filter(quote=quote).values_list("kind", "amount"))


@transaction.atomic
def quote_create(
    *,
    by: User | None,
    lead: Lead,
    valid_until: datetime.date | None = None,
    road_costs: Decimal = Decimal(0),
    notes: str = "",
    lines: list[tuple[str, str, Decimal]] | None = None,
) -> Quote:
    """Prepare a draft quote for a lead, from the given (kind, description, amount) lines or from the lead itself.

    Moving the lead to the quote stage is the caller's business: the sales services own stages.
    """
    if lines is None:
        lines = _lines_from_lead(lead)
    quote = Quote(
        lead=lead, number=None, valid_until=valid_until or timezone.localdate() + datetime.timedelta(days=VALIDITY_DAYS),
        road_costs=road_costs, notes=notes, created_by=by if by is not None and by.is_authenticated else None,
    )  # fmt: skip
    quote.full_clean(exclude=["number", "created_by"])  # created_by may be None: an import, a command
    _valid_until_check(quote.valid_until)
    rows = [
        QuoteLine(kind=kind, description=description, amount=amount, position=n) for n, (kind, description, amount) in enumerate(lines)
    ]
    for row in rows:
        row.full_clean(exclude=["quote"])
    # Every figure is checked before the first row is written.
    totals = totals_of(((row.kind, row.amount) for row in rows), quote.vat_rate, quote.road_costs)
    quote.save()
    # The primary key makes the number unique without a counter to lock; the year is the site's.
    quote.number = f"{lead.site.code}-{timezone.localdate(quote.created_at).year}-{quote.pk:05d}"
    quote.save(update_fields=["number"])
    for row in rows:
        row.quote = quote
    QuoteLine.objects.bulk_create(rows)
    changes = snapshot(quote, ["number", "valid_until", "road_costs", "notes"])
    changes["lines"] = [None, [_line_text(row) for row in rows]]
    changes["to_pay"] = [None, str(totals.to_pay)]
    audit_record(by=by, action="quote.create", target=quote, changes=changes)
    interaction_record(
        customer=lead.customer, channel=Channel.SHOWROOM, kind="quote.created", site=lead.site, actor=by, ref=quote,
        summary=_("Quote %(number)s prepared: %(total)s") % {"number": quote.number, "total": euro(totals.to_pay)},
    )  # fmt: skip
    return quote


@transaction.atomic
def quote_line_add(*, by: User | None, quote: Quote, kind: str, description: str, amount: Decimal) -> QuoteLine:
    """Add a line to a draft quote, at the end."""
    _draft_lock(quote)
    stored = QuoteLine.objects.filter(quote=quote)
    position = max(stored.values_list("position", flat=True), default=-1) + 1
    line = QuoteLine(quote=quote, kind=kind, description=description, amount=amount, position=position)
    line.full_clean()
    totals_of([*_stored_lines(quote), (line.kind, line.amount)], quote.vat_rate, quote.road_costs)
    line.save()
    _forget_lines(quote)
    audit_record(by=by, action="quote.update", target=quote, changes={"lines": [None, _line_text(line)]})
    return line


@transaction.atomic
def quote_line_remove(*, by: User | None, line: QuoteLine) -> None:
    """Take a line off a draft quote."""
    quote = line.quote
    _draft_lock(quote)
    remaining = list(QuoteLine.objects.filter(quote=quote).exclude(pk=line.pk).values_list("kind", "amount"))
    totals_of(remaining, quote.vat_rate, quote.road_costs)
    text = _line_text(line)
    line.delete()
    _forget_lines(quote)
    audit_record(by=by, action="quote.update", target=quote, changes={"lines": [text, None]})


@transaction.atomic
def quote_update(
    *,
    by: User | None,
    quote: Quote,
    valid_until: datetime.date | None = None,
    road_costs: Decimal | None = None,
    notes: str | None = None,
) -> Quote:
    """Change a draft quote's validity, on-the-road costs or notes; only what is given and different is saved."""
    _draft_lock(quote)
    given = {"valid_until": valid_until, "road_costs": road_costs, "notes": notes}
    data = {name: value for name, value in given.items() if value is not None}
    before = {name: getattr(quote, name) for name in data}
    changes = changes_apply(quote, data)
    if not changes:
        return quote
    try:
        quote.full_clean(exclude=["created_by"])
        if "valid_until" in changes:
            _valid_until_check(quote.valid_until)
        totals_of(_stored_lines(quote), quote.vat_rate, quote.road_costs)
    except ValidationError:
        # The caller's instance must not keep values that were refused.
        for name, value in before.items():
            setattr(quote, name, value)
        raise
    quote.save(update_fields=[*changes, "updated_at"])
    audit_record(by=by, action="quote.update", target=quote, changes=changes)
    return quote


# --- The document -------------------------------------------------------------------------


def quote_pdf_html(quote: Quote) -> str:
    """The quote as the HTML its PDF is printed from: in Italian and with Italian figures, whoever asks."""
    lead = quote.lead
    site = lead.site
    customer = lead.customer
    lines = list(quote.lines.all())
    totals = totals_of(((line.kind, line.amount) for line in lines), quote.vat_rate, quote.road_costs)
    # The table reads like the totals under it: what is bought, what is taken off it, then the trade-in.
    lines.sort(key=lambda line: (_PRINT_GROUP.get(line.kind, 0), line.position, line.pk))
    context = {
        "quote": quote,
        "site": site,
        "network": site.network,
        "customer": customer,
        "address": customer.addresses.first(),  # ordered primary first
        "date": timezone.localdate(quote.created_at),
        "rows": [
            {"description": line.description, "amount": -line.amount if line.kind in SUBTRACTED_KINDS else line.amount} for line in lines
        ],
        "totals": totals,
        "discounts_shown": -totals.discounts,
        "trade_in_shown": -totals.trade_in,
    }
    with translation.override("it"):
        return render_to_string("sales/quote_pdf.html", context)


def _no_fetching(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: nothing outside the template, so a customer's notes or a line
    can never make the server request a URL (SSRF) or read a local file."""
    raise ValueError(f"The quote PDF fetches nothing: {url[:80]}")


def quote_pdf(quote: Quote) -> bytes:
    """The quote as an A4 PDF, in Italian."""
    from weasyprint import HTML  # loads Pango and friends: only for those who print

    return HTML(string=quote_pdf_html(quote), url_fetcher=_no_fetching).write_pdf()


def quote_pdf_filename(quote: Quote) -> str:
    return f"Preventivo-{quote.number}.pdf"


# --- Sending ------------------------------------------------------------------------------


def _quote_message(*, quote: Quote, to: str, pdf: bytes, by: User | None) -> EmailMessage:
    lead = quote.lead
    site = lead.site
    customer = lead.customer
    vehicle = next((line.description for line in quote.lines.all() if line.kind == Kind.VEHICLE), "")
    consultant = by if by is not None and by.is_authenticated else lead.assigned_to
    context = {
        "quote": quote, "site": site, "customer": customer, "vehicle": vehicle, "totals": quote_totals(quote),
        "consultant": consultant.full_name if consultant else "",
    }  # fmt: skip
    with translation.override(customer.language):
        subject = _("Your quote %(number)s from %(site)s") % {"number": quote.number, "site": site.name}
        body = render_to_string("sales/email/quote.txt", context)
    # Sent from Vicino's own address (the site's domain may not let our server send for it: SPF,
    # DMARC); the customer's answer goes to the site that made the offer.
    reply_to = [str(MailAddress(display_name=site.name, addr_spec=site.email))] if site.email else None
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], reply_to=reply_to)
    message.attach(quote_pdf_filename(quote), pdf, "application/pdf")
    return message


@transaction.atomic
def quote_send(*, by: User | None, quote: Quote, to: str = "") -> Quote:
    """E-mail the quote as a PDF to the customer (or to the address given); the e-mail leaves once the transaction commits.

    A sent quote may be sent again (the customer lost it, or wants it at another address);
    an accepted or declined one may not.
    """
    quote.status = Quote.objects.select_for_update().filter(pk=quote.pk).values_list("status", flat=True).get()
    if quote.status in (Quote.Status.ACCEPTED, Quote.Status.DECLINED):
        raise ValidationError(_("An accepted or declined quote cannot be sent again."), code="quote_closed")
    if quote.valid_until < timezone.localdate():
        raise ValidationError(
            _("The quote expired on %(date)s: change its validity or prepare a new one."),
            code="expired",
            params={"date": date_format(quote.valid_until, "SHORT_DATE_FORMAT")},
        )
    customer = quote.lead.customer
    address = email_normalise(to) if to.strip() else customer_email(customer)
    if not address:
        raise ValidationError(_("The customer has no e-mail address: add one first."), code="no_email")
    # Printed now, so a PDF that cannot be made rolls the sending back instead of failing after commit.
    message = _quote_message(quote=quote, to=address, pdf=quote_pdf(quote), by=by)
    changes = changes_apply(quote, {"status": Quote.Status.SENT, "sent_at": timezone.now(), "sent_to": address})
    quote.save(update_fields=["status", "sent_at", "sent_to", "updated_at"])
    audit_record(by=by, action="quote.send", target=quote, changes=changes)
    interaction_record(
        customer=customer, channel=Channel.EMAIL, kind="quote.sent", site=quote.lead.site, actor=by, ref=quote,
        summary=_("Quote %(number)s sent to %(email)s") % {"number": quote.number, "email": address},
    )  # fmt: skip
    transaction.on_commit(message.send)
    return quote
