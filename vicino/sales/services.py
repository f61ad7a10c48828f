"""Every write about leads: taking an enquiry in, routing it, moving it along the pipeline to delivery."""

import datetime
import ipaddress
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record, snapshot
from vicino.core.models import Membership, Network, Site, User
from vicino.core.roles import Role
from vicino.people import services as people
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, ConsentEvent, Customer, PrivacyNotice

from .models import (
    ConsultantAvailability,
    Activity,
    Condition,
    Configuration,
    ConfigurationOption,
    Lead,
    LeadStageChange,
    Order,
    Quote,
    StockVehicle,
    TradeIn,
    VehicleModel,
)
from .routing import Router, opening_hours_of, opening_minutes_between

Stage = Lead.Stage


@dataclass
class TradeInIn:
    make: str
    model: str = ""
    year: int | None = None
    km: int | None = None
    vin: str = ""
    plate: str = ""
    notes: str = ""


@dataclass
class Enquiry:
    """An enquiry as it arrives from any channel, before it is a lead."""

    person: PersonIn
    source: str
    channel: str
    chosen_site: Site | None = None
    campaign: str = ""
    utm: dict[str, str] = field(default_factory=dict)  # source, medium, content, term
    provider: str = ""
    external_ref: str = ""
    interest: str = Lead.Interest.BUY
    condition: str = ""
    vehicle_model: VehicleModel | None = None
    stock_vehicle: StockVehicle | None = None
    vehicle_text: str = ""
    vehicle_year: int | None = None
    vehicle_colour: str = ""
    vehicle_price: Decimal | None = None
    vehicle_km: int | None = None
    preferred_contact: str = ""
    message: str = ""
    trade_ins: list[TradeInIn] = field(default_factory=list)
    # Consents given with the enquiry: (purpose, channel) pairs, on this notice.
    consents: list[tuple[str, str]] = field(default_factory=list)
    notice: PrivacyNotice | None = None
    consent_source: str = ConsentEvent.Source.STAFF
    form_token: str = ""
    ip_address: str = ""
    user_agent: str = ""
    received_at: datetime.datetime | None = None


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label)


@transaction.atomic
def lead_create(*, by: User | None, network: Network, enquiry: Enquiry) -> Lead:
    """A new lead from an enquiry: the customer found or created, the lead routed to a site and a
    consultant, consents recorded, all on the timeline. The same form token again returns the
    lead it made the first time."""
    if enquiry.form_token:
        earlier = Lead.objects.filter(network=network, form_token=enquiry.form_token).first()
        if earlier is not None:
            return earlier
    for model, label in ((enquiry.vehicle_model, "vehicle_model"), (enquiry.stock_vehicle, "stock_vehicle"), (enquiry.notice, "notice")):
        if model is not None and model.network_id != network.pk:
            raise ValidationError({label: _("This belongs to another network.")}, code="wrong_network")
    router = Router.load(network_id=network.pk, lock=True)
    site = router.site_for(chosen=enquiry.chosen_site, province=enquiry.person.province, cap=enquiry.person.cap)
    if site is None:
        raise ValidationError(_("The network has no site that takes leads yet."), code="no_site")
    now = enquiry.received_at or timezone.now()
    matched = customer_match_or_create(
        by=by, network=network, site=site, person=enquiry.person, channel=enquiry.channel, summary=_("Customer record created from an enquiry")
    )
    customer = Customer.objects.get(pk=matched.customer_id)
    lead = Lead(
        network=network, site=site, customer=customer, assigned_to=router.consultant_for(site, now), created_at=now, stage_changed_at=now,
        **lead_fields_of(enquiry),
    )  # fmt: skip
    lead.full_clean(exclude=["network", "site", "customer", "assigned_to", "vehicle_model", "stock_vehicle", "adf_document"])
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:
        # The same form posted twice at once: the other request made the lead.
        earlier = Lead.objects.filter(network=network, form_token=enquiry.form_token).first() if enquiry.form_token else None
        if earlier is None:
            raise
        return earlier
    router.save()
    for trade in enquiry.trade_ins:
        trade_in_add(by=by, lead=lead, **trade.__dict__)
    for purpose, channel in enquiry.consents:
        people.consent_record(
            by=by, customer=customer, purpose=purpose, channel=channel, action=ConsentEvent.Action.GRANTED, source=enquiry.consent_source,
            notice=enquiry.notice, occurred_at=now, ip_address=enquiry.ip_address or None, user_agent=enquiry.user_agent,
        )  # fmt: skip
    audit_record(by=by, action="lead.create", target=lead, changes=snapshot(lead, ["channel", "campaign", "site_id", "assigned_to_id"]))
    people.interaction_record(
        customer=customer, channel=lead.channel, kind="lead.created", site=site, actor=by, occurred_at=now, ref=lead,
        summary=lead_created_summary(lead),
    )  # fmt: skip
    return lead


def lead_created_summary(lead: Lead) -> str:
    wanted = lead.vehicle_label or lead.get_interest_display()
    if lead.campaign:
        return _("Enquiry about %(vehicle)s via %(channel)s, campaign “%(campaign)s”") % {
            "vehicle": wanted, "channel": lead.get_channel_display(), "campaign": lead.campaign,
        }  # fmt: skip
    return _("Enquiry about %(vehicle)s via %(channel)s") % {"vehicle": wanted, "channel": lead.get_channel_display()}


def lead_fields_of(enquiry: Enquiry) -> dict:
    """The lead's columns an enquiry gives, cut to their lengths (the ADF import skips full_clean)."""
    utm = {f"utm_{key}": (enquiry.utm.get(key) or "")[:100] for key in ("source", "medium", "content", "term")}
    ip = enquiry.ip_address or None
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            ip = None
    return {
        "source": enquiry.source, "channel": enquiry.channel, "campaign": (enquiry.campaign or "")[:100], **utm,
        "provider": enquiry.provider[:120], "external_ref": enquiry.external_ref[:100], "interest": enquiry.interest,
        "condition": enquiry.condition, "vehicle_model": enquiry.vehicle_model, "stock_vehicle": enquiry.stock_vehicle,
        "vehicle_text": enquiry.vehicle_text[:200], "vehicle_year": enquiry.vehicle_year, "vehicle_colour": enquiry.vehicle_colour[:100],
        "vehicle_price": enquiry.vehicle_price, "vehicle_km": enquiry.vehicle_km, "preferred_contact": enquiry.preferred_contact,
        "message": enquiry.message, "form_token": enquiry.form_token or None, "ip_address": ip,
    }  # fmt: skip


@transaction.atomic
def lead_assign(*, by: User | None, lead: Lead, consultant: User) -> Lead:
    """Give the lead to a consultant of its site."""
    works_there = Membership.objects.filter(
        user=consultant, site_id=lead.site_id, role__in=[Role.SALES_CONSULTANT, Role.SITE_MANAGER]
    ).exists()
    if not works_there:
        raise ValidationError({"assigned_to": _("Choose a consultant of the lead's site.")}, code="not_at_site")
    before = lead.assigned_to
    if before is not None and before.pk == consultant.pk:
        return lead
    lead.assigned_to = consultant
    lead.save(update_fields=["assigned_to", "updated_at"])
    audit_record(by=by, action="lead.assign", target=lead, changes={"assigned_to": [str(before) if before else None, str(consultant)]})
    return lead


@transaction.atomic
def consultant_availability_set(*, by: User | None, site: Site, consultant: User, available: bool) -> ConsultantAvailability:
    """Put a sales consultant of the site in or out of its round-robin: a day off, holidays, a full diary.

    Leads already given to them stay theirs; only new ones skip them while they are out.
    """
    if not Membership.objects.filter(user=consultant, site=site, role=Role.SALES_CONSULTANT, user__is_active=True).exists():
        raise ValidationError(_("Choose a sales consultant of this site."), code="not_at_site")
    row, _created = ConsultantAvailability.objects.select_for_update().get_or_create(site=site, user=consultant)
    if row.is_available != available:
        row.is_available = available
        row.save(update_fields=["is_available"])
        audit_record(by=by, action="consultant.availability", target=row, changes={"is_available": [not available, available]})
    return row


# Moves that need more than a drag: an order needs its delivery date, delivery an order, a loss its reason.
_MOVES_WITH_A_FORM = {Stage.ORDER, Stage.DELIVERED}


@transaction.atomic
def lead_stage_move(*, by: User | None, lead: Lead, stage: str, lost_reason: str = "", lost_note: str = "", at: datetime.datetime | None = None) -> Lead:
    """Move a lead to another stage; the move is kept, on the timeline too."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")}, code="unknown_stage")
    if stage == lead.stage:
        return lead
    if lead.stage == Stage.DELIVERED:
        raise ValidationError({"stage": _("The car has been delivered: this lead is closed.")}, code="closed")
    if stage in _MOVES_WITH_A_FORM:
        message = _("Record the order, with its expected delivery date, on the lead's page.") if stage == Stage.ORDER else _(
            "Mark the delivery on the lead's page, once the order is recorded."
        )
        raise ValidationError({"stage": message}, code="needs_form")
    if stage == Stage.LOST and lost_reason not in Lead.LostReason.values:
        raise ValidationError({"lost_reason": _("Say why the lead was lost.")}, code="lost_needs_reason")
    if lead.stage == Stage.ORDER and hasattr(lead, "order"):
        raise ValidationError({"stage": _("The lead has an order: deliver it, or cancel the order first.")}, code="has_order")
    return _stage_set(by=by, lead=lead, stage=stage, at=at, lost_reason=lost_reason, lost_note=lost_note)


def _stage_set(*, by: User | None, lead: Lead, stage: str, at: datetime.datetime | None, lost_reason: str = "", lost_note: str = "") -> Lead:
    at = at or timezone.now()
    before = lead.stage
    lead.stage, lead.stage_changed_at = stage, at
    lead.lost_reason, lead.lost_note = (lost_reason, lost_note[:300]) if stage == Stage.LOST else ("", "")
    fields = ["stage", "stage_changed_at", "lost_reason", "lost_note", "updated_at"]
    if stage == Stage.TEST_DRIVE and lead.test_drive_at is None:
        lead.test_drive_at = at
        fields.append("test_drive_at")
    if stage == Stage.ORDER and lead.ordered_at is None:
        lead.ordered_at = at
        fields.append("ordered_at")
    if stage == Stage.DELIVERED:
        lead.delivered_at = at
        fields.append("delivered_at")
    if before == Stage.NEW:
        fields += _first_response(lead, at)
    lead.save(update_fields=fields)
    LeadStageChange.objects.create(lead=lead, from_stage=before, to_stage=stage, at=at, by=by if by and by.is_authenticated else None)
    audit_record(by=by, action="lead.stage", target=lead, changes={"stage": [before, stage]})
    summary = _("Lead moved from “%(before)s” to “%(after)s”") % {"before": _stage_label(before), "after": _stage_label(stage)}
    if stage == Stage.LOST:
        summary += " — " + str(Lead.LostReason(lost_reason).label)
    people.interaction_record(customer=lead.customer, channel=Channel.SHOWROOM, kind="lead.stage", site=lead.site, actor=by, occurred_at=at, ref=lead, summary=summary)
    return lead


def _first_response(lead: Lead, at: datetime.datetime) -> list[str]:
    """Stop the first-response clock, if it still runs: minutes waited in the site's opening hours."""
    if lead.first_response_at is not None:
        return []
    hours = opening_hours_of([lead.site_id]).get(lead.site_id, [])
    lead.first_response_at = at
    lead.response_minutes = opening_minutes_between(hours, lead.created_at, at)
    return ["first_response_at", "response_minutes"]


# --- Activities ---------------------------------------------------------------------------

_ACTIVITY_CHANNELS = {
    Activity.Kind.CALL: Channel.PHONE, Activity.Kind.EMAIL: Channel.EMAIL, Activity.Kind.SMS: Channel.SMS,
    Activity.Kind.MEETING: Channel.SHOWROOM, Activity.Kind.NOTE: Channel.OTHER, Activity.Kind.TASK: Channel.OTHER,
}  # fmt: skip


@transaction.atomic
def activity_add(*, by: User | None, lead: Lead, kind: str, text: str, due_at: datetime.datetime | None = None) -> Activity:
    """Record a call, e-mail, meeting, note or task; reaching out to a new lead answers it."""
    activity = Activity(lead=lead, kind=kind, text=text.strip(), due_at=due_at, by=by if by and by.is_authenticated else None)
    if kind == Activity.Kind.TASK and due_at is None:
        raise ValidationError({"due_at": _("A task needs a due date.")}, code="task_needs_due")
    activity.full_clean(exclude=["lead", "by"])
    activity.save()
    if kind in Activity.RESPONSES:
        if lead.stage == Stage.NEW:
            _stage_set(by=by, lead=lead, stage=Stage.CONTACTED, at=activity.created_at)
        elif fields := _first_response(lead, activity.created_at):
            lead.save(update_fields=[*fields, "updated_at"])
    if kind != Activity.Kind.TASK:
        people.interaction_record(
            customer=lead.customer, channel=_ACTIVITY_CHANNELS[kind], kind=f"lead.{kind}", site=lead.site, actor=by,
            occurred_at=activity.created_at, ref=lead, summary=f"{activity.get_kind_display()}: {activity.text}",
        )  # fmt: skip
    return activity


@transaction.atomic
def activity_done(*, by: User | None, activity: Activity) -> Activity:
    """Tick a task off (again: it stays done when it was)."""
    if activity.done_at is None:
        activity.done_at = timezone.now()
        activity.save(update_fields=["done_at"])
        audit_record(by=by, action="lead.task_done", target=activity.lead, changes={"task": [None, activity.text[:100]]})
    return activity


# --- Trade-ins and configurations ------------------------------------------------------


@transaction.atomic
def trade_in_add(*, by: User | None, lead: Lead, make: str, **fields) -> TradeIn:
    """The customer's car offered in part exchange, as they describe it."""
    from .models import vin_clean

    fields["vin"] = vin_clean(fields.get("vin") or "")
    fields["plate"] = vin_clean(fields.get("plate") or "")
    trade_in = TradeIn(lead=lead, make=make.strip(), **fields)
    trade_in.full_clean(exclude=["lead", "appraised_by"])
    trade_in.save()
    audit_record(by=by, action="lead.trade_in", target=lead, changes={"trade_in": [None, str(trade_in)]})
    return trade_in


@transaction.atomic
def trade_in_appraise(*, by: User | None, trade_in: TradeIn, value: Decimal, notes: str = "") -> TradeIn:
    """What the site offers for the used car; kept with who appraised it and when."""
    before = trade_in.appraised_value
    trade_in.appraised_value = value
    if notes:
        trade_in.notes = notes
    trade_in.appraised_by = by if by and by.is_authenticated else None
    trade_in.appraised_at = timezone.now()
    trade_in.full_clean(exclude=["lead", "appraised_by"])
    trade_in.save()
    audit_record(by=by, action="lead.trade_in", target=trade_in.lead, changes={"appraised_value": [before, value]})
    return trade_in


@transaction.atomic
def configuration_save(
    *,
    by: User | None,
    lead: Lead,
    vehicle_model: VehicleModel,
    base_price: Decimal | None = None,
    colour: str = "",
    colour_price: Decimal = Decimal(0),
    interior: str = "",
    interior_price: Decimal = Decimal(0),
    options: list[tuple[str, Decimal]] = (),
) -> Configuration:
    """The finishes chosen with the customer, each priced; the lead now wants this model."""
    if vehicle_model.network_id != lead.network_id:
        raise ValidationError({"vehicle_model": _("This belongs to another network.")}, code="wrong_network")
    if base_price is None:
        base_price = vehicle_model.list_price
    if base_price is None:
        raise ValidationError({"base_price": _("The model has no list price: enter the base price.")}, code="no_price")
    configuration = Configuration(
        lead=lead, vehicle_model=vehicle_model, base_price=base_price, colour=colour.strip(), colour_price=colour_price or 0,
        interior=interior.strip(), interior_price=interior_price or 0,
    )  # fmt: skip
    configuration.full_clean(exclude=["lead", "vehicle_model"])
    configuration.save()
    rows = [ConfigurationOption(configuration=configuration, name=name.strip(), price=price) for name, price in options if name.strip()]
    for row in rows:
        row.full_clean(exclude=["configuration"])
    ConfigurationOption.objects.bulk_create(rows)
    if lead.vehicle_model_id != vehicle_model.pk:
        lead.vehicle_model = vehicle_model
        lead.save(update_fields=["vehicle_model", "updated_at"])
    audit_record(by=by, action="lead.configuration", target=lead, changes={"configuration": [None, str(configuration)]})
    people.interaction_record(
        customer=lead.customer, channel=Channel.SHOWROOM, kind="lead.configuration", site=lead.site, actor=by, ref=lead,
        summary=_("Configuration chosen: %(configuration)s") % {"configuration": configuration},
    )  # fmt: skip
    return configuration


# --- Orders and delivery -----------------------------------------------------------------


@transaction.atomic
def order_create(
    *, by: User | None, lead: Lead, expected_delivery: datetime.date, quote: Quote | None = None, stock_vehicle: StockVehicle | None = None
) -> Order:
    """The customer signs: the lead is ordered, its quote accepted, the vehicle reserved for them."""
    if hasattr(lead, "order"):
        raise ValidationError(_("This lead already has an order."), code="has_order")
    if lead.stage in (Stage.DELIVERED, Stage.LOST):
        raise ValidationError(_("Reopen the lead before recording an order."), code="closed")
    if quote is not None and quote.lead_id != lead.pk:
        raise ValidationError({"quote": _("Choose a quote of this lead.")}, code="wrong_quote")
    stock_vehicle = stock_vehicle or lead.stock_vehicle
    if stock_vehicle is not None:
        if stock_vehicle.network_id != lead.network_id:
            raise ValidationError({"stock_vehicle": _("This belongs to another network.")}, code="wrong_network")
        if stock_vehicle.status == StockVehicle.Status.SOLD:
            raise ValidationError({"stock_vehicle": _("This vehicle has already been sold.")}, code="sold")
    if expected_delivery < timezone.localdate():
        raise ValidationError({"expected_delivery": _("The expected delivery date is in the past.")}, code="past")
    order = Order.objects.create(lead=lead, quote=quote, stock_vehicle=stock_vehicle, expected_delivery=expected_delivery, created_by=by)
    if quote is not None and quote.status != Quote.Status.ACCEPTED:
        Quote.objects.filter(pk=quote.pk).update(status=Quote.Status.ACCEPTED, updated_at=timezone.now())
    if stock_vehicle is not None:
        StockVehicle.objects.filter(pk=stock_vehicle.pk).update(status=StockVehicle.Status.RESERVED, updated_at=timezone.now())
        if lead.stock_vehicle_id != stock_vehicle.pk:
            lead.stock_vehicle = stock_vehicle
            lead.save(update_fields=["stock_vehicle", "updated_at"])
    _stage_set(by=by, lead=lead, stage=Stage.ORDER, at=None)
    people.interaction_record(
        customer=lead.customer, channel=Channel.SHOWROOM, kind="lead.order", site=lead.site, actor=by, ref=lead,
        summary=_("Order signed, delivery expected on %(date)s") % {"date": expected_delivery.strftime("%d/%m/%Y")},
    )  # fmt: skip
    return order


@transaction.atomic
def lead_deliver(*, by: User | None, lead: Lead, at: datetime.datetime | None = None) -> Lead:
    """The car is handed over: the lead is delivered, the vehicle sold, the customer an owner."""
    order = Order.objects.filter(lead=lead).first()
    if order is None:
        raise ValidationError(_("Record the order before the delivery."), code="no_order")
    at = at or timezone.now()
    order.delivered_at = at
    order.save(update_fields=["delivered_at", "updated_at"])
    if order.stock_vehicle_id:
        StockVehicle.objects.filter(pk=order.stock_vehicle_id).update(status=StockVehicle.Status.SOLD, updated_at=timezone.now())
    _stage_set(by=by, lead=lead, stage=Stage.DELIVERED, at=at)
    customer = lead.customer
    if customer.relation in (Customer.Relation.PROSPECT, Customer.Relation.ENTHUSIAST, Customer.Relation.CUSTOMER):
        people.customer_update(by=by, customer=customer, data={"relation": Customer.Relation.OWNER})
    return lead


def condition_of(text: str) -> str:
    """An ADF or form `status` (new, used, demo) as a condition, empty when unknown."""
    text = (text or "").strip().lower()
    return text if text in Condition.values else ""


# A lead before these stages moves to "quote" when it gets one; one further on stays where it is.
_BEFORE_QUOTE = (Stage.NEW, Stage.CONTACTED, Stage.APPOINTMENT, Stage.TEST_DRIVE)


@transaction.atomic
def lead_quote_prepare(*, by: User | None, lead: Lead, discount: Decimal | None = None, **quote_fields) -> Quote:
    """A quote for the lead (its lines from the configuration or vehicle unless given), with an
    optional discount line; the lead moves to the quote stage. All or nothing."""
    from . import quotes

    quote = quotes.quote_create(by=by, lead=lead, **quote_fields)
    if discount:
        quotes.quote_line_add(by=by, quote=quote, kind="discount", description=_("Discount"), amount=discount)
    if lead.stage in _BEFORE_QUOTE:
        lead_stage_move(by=by, lead=lead, stage=Stage.QUOTE)
    return quote
