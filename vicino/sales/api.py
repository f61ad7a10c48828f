"""API operations on sales: leads and their pipeline, ADF documents, the catalogue and stock, quotes."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import PatchDict, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from vicino.api.pagination import CappedLimitOffsetPagination
from vicino.core.actor import Actor
from vicino.core.apischema import READ_ERRORS, WRITE_ERRORS, Money, MoneyIn, allowed, errors_named, found, refused
from vicino.core.models import Site
from vicino.core.roles import Capability
from vicino.people.api import EnquirerIn
from vicino.people.models import Channel

from . import queries, quotes, services, stock
from .adf import AdfError
from .adfimport import MAX_DOCUMENT_BYTES, adf_import
from .models import Activity, AdfDocument, Condition, Fuel, Lead, Quote, QuoteLine, StockVehicle, validate_not_negative, vin_clean

router = Router(tags=["sales"])

# The stages a client may ask the list for: one of them, or "open" for every column of the board.
StageFilter = Literal[("open", *Lead.Stage.values)]
# The stages a client may move a lead to here; an order and a delivery have their own steps.



def _not_negative(value: Decimal | None) -> Decimal | None:
    """The model's own rule (and message), checked here so that the error names the field the client sent."""
    try:
        validate_not_negative(value)
    except DjangoValidationError as error:
        raise PydanticCustomError(error.error_list[0].code or "negative_amount", error.messages[0]) from None
    return value


# --- Schemas --------------------------------------------------------------------------


class CustomerRef(Schema):
    id: int
    display_name: str


class LeadOut(Schema):
    id: int
    site_id: int
    customer: CustomerRef
    assigned_to_id: int | None
    stage: str
    lost_reason: str
    lost_note: str
    source: str
    channel: str
    campaign: str
    utm_source: str
    utm_medium: str
    utm_content: str
    utm_term: str
    provider: str = Field(description="The portal an ADF lead came from.")
    external_ref: str = Field(description="The sender's own reference.")
    interest: str
    condition: str
    vehicle_model_id: int | None
    stock_vehicle_id: int | None
    vehicle_text: str
    preferred_contact: str
    message: str
    created_at: datetime.datetime
    first_response_at: datetime.datetime | None
    response_minutes: int | None = Field(description="Minutes to the first response, counted in the site's opening hours.")
    test_drive_at: datetime.datetime | None
    ordered_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    adf_document_id: int | None


class LeadFilters(Schema):
    stage: StageFilter | None = Field(None, description='A stage, or "open" for every stage before delivery (and not lost).')
    channel: Channel | None = None
    campaign: str = Field("", max_length=100)
    site_id: int | None = None
    assigned_to_id: int | None = None
    q: str = Field("", max_length=100, description="Words of the customer's name.")
    updated_since: AwareDatetime | None = Field(None, description="Only leads changed at or after this time.")


class UtmIn(Schema):
    source: str = Field("", max_length=100)
    medium: str = Field("", max_length=100)
    content: str = Field("", max_length=100)
    term: str = Field("", max_length=100)


class TradeInIn(Schema):
    make: str = Field(min_length=1, max_length=60)
    model: str = Field("", max_length=80)
    year: int | None = Field(None, ge=1900, le=2100)
    km: int | None = Field(None, ge=0)
    vin: str = Field("", max_length=20)
    plate: str = Field("", max_length=10)
    notes: str = ""


class LeadIn(Schema):
    # A field that cannot be set (stage, assigned_to_id…) is refused, not silently dropped.
    model_config = ConfigDict(extra="forbid")

    customer: EnquirerIn
    site_id: int | None = Field(None, description="The site the customer chose; left out, yours (head office: routed by province or CAP).")
    channel: Channel = Channel.WEB
    campaign: str = Field("", max_length=100)
    utm: UtmIn = UtmIn()
    interest: Lead.Interest = Lead.Interest.BUY
    condition: Condition | Literal[""] = ""
    vehicle_model_id: int | None = Field(None, description="A model of the catalogue.")
    stock_vehicle_id: int | None = Field(None, description="A vehicle of the stock you can see.")
    vehicle_text: str = Field("", max_length=200, description="The vehicle as the customer wrote it.")
    message: str = ""
    preferred_contact: Channel | Literal[""] = ""
    trade_ins: list[TradeInIn] = []


class StageIn(Schema):
    stage: Lead.Stage = Field(description="Orders and deliveries are recorded on the lead's page.")
    lost_reason: Lead.LostReason | Literal[""] = Field("", description="Needed to move the lead to lost.")
    lost_note: str = Field("", max_length=300)


class ActivityIn(Schema):
    kind: Activity.Kind
    text: str = Field(min_length=1)
    due_at: AwareDatetime | None = Field(None, description="Needed for a task.")


class ActivityOut(Schema):
    id: int
    lead_id: int
    kind: str
    text: str
    due_at: datetime.datetime | None
    done_at: datetime.datetime | None
    by: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_by(activity: Activity) -> str | None:
        return activity.by.full_name if activity.by_id else None


class AdfProblemOut(Schema):
    prospect: int = Field(description="The prospect's position in the document, from 1.")
    element: str = Field(description='The element at fault, e.g. "customer/contact/email"; empty for the whole prospect.')
    message: str


class AdfImportOut(Schema):
    document_id: int
    prospects: int
    leads: list[int] = Field(description="The leads created, one per whole prospect.")
    problems: list[AdfProblemOut]


class VehicleModelOut(Schema):
    id: int
    make: str
    model: str
    trim: str
    fuel: str
    list_price: Money | None
    is_active: bool


class VehicleModelIn(Schema):
    make: str = Field(min_length=1, max_length=60)
    model: str = Field(min_length=1, max_length=80)
    trim: str = Field("", max_length=80)
    fuel: Fuel
    list_price: MoneyIn | None = None

    _list_price_not_negative = field_validator("list_price")(_not_negative)


class CatalogueFilters(Schema):
    is_active: bool | None = Field(None, description="Only the models on sale (true) or withdrawn (false).")


class StockVehicleOut(Schema):
    id: int
    site_id: int
    vehicle_model_id: int | None
    make: str
    model: str
    trim: str
    fuel: str
    vin: str
    plate: str
    condition: str
    year: int | None
    km: int
    colour: str
    zone: str
    price: Money
    status: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class StockFilters(Schema):
    site_id: int | None = None
    status: StockVehicle.Status | None = None
    condition: Condition | None = None
    fuel: Fuel | None = None
    zone: str = Field("", max_length=40)


class StockEditIn(Schema):
    """What a site can change about a vehicle in stock (stock.STOCK_EDITABLE_FIELDS); the VIN, for one, cannot be."""

    model_config = ConfigDict(extra="forbid")

    plate: str = Field("", max_length=10)
    condition: Condition = Condition.NEW
    year: int | None = Field(None, ge=1900, le=2100)
    km: int = Field(0, ge=0)
    colour: str = Field("", max_length=60)
    zone: str = Field("", max_length=40)
    price: MoneyIn = Decimal(0)
    status: StockVehicle.Status = StockVehicle.Status.AVAILABLE
    trim: str = Field("", max_length=80)

    _price_not_negative = field_validator("price")(_not_negative)


class StockVehicleIn(StockEditIn):
    site_id: int | None = Field(None, description="A site you can see; left out, yours.")
    vehicle_model_id: int | None = Field(None, description="From the catalogue; make, model and fuel come with it.")
    make: str = Field("", max_length=60)
    model: str = Field("", max_length=80)
    fuel: Fuel | Literal[""] = ""
    vin: str = Field(min_length=1, max_length=20, description="17 characters; spaces are dropped, letters capitalised.")
    price: MoneyIn


class QuoteLineIn(Schema):
    kind: QuoteLine.Kind = Field(description="A discount or a trade-in is subtracted by the totals; every amount is positive.")
    description: str = Field(min_length=1, max_length=200)
    amount: MoneyIn

    _amount_not_negative = field_validator("amount")(_not_negative)


class QuoteIn(Schema):
    valid_until: datetime.date | None = Field(None, description="Left out: in 30 days.")
    road_costs: MoneyIn = Field(Decimal(0), description="Messa su strada, outside the VAT.")
    notes: str = ""
    lines: list[QuoteLineIn] | None = Field(None, description="Left out: from the lead's configuration or vehicle, and its trade-ins.")

    _road_costs_not_negative = field_validator("road_costs")(_not_negative)


class QuoteLineOut(Schema):
    id: int
    kind: str
    description: str
    amount: Money
    position: int


class QuoteTotalsOut(Schema):
    vat_rate: Money
    goods: Money = Field(description="Vehicle, finishes, options, accessories and services.")
    discounts: Money
    taxable: Money = Field(description="Goods less discounts: the imponibile.")
    vat: Money
    vehicle_total: Money = Field(description="Taxable plus VAT.")
    road_costs: Money
    trade_in: Money
    to_pay: Money


class QuoteOut(Schema):
    id: int
    lead_id: int
    number: str
    status: str
    valid_until: datetime.date
    vat_rate: Money
    road_costs: Money
    notes: str
    sent_at: datetime.datetime | None
    sent_to: str
    lines: list[QuoteLineOut]
    totals: QuoteTotalsOut
    created_at: datetime.datetime

    @staticmethod
    def resolve_lines(quote: Quote) -> list:
        return list(quote.lines.all())

    @staticmethod
    def resolve_totals(quote: Quote):
        return quotes.quote_totals(quote)


# --- Leads ----------------------------------------------------------------------------


@router.get("/leads", response={200: list[LeadOut], **READ_ERRORS}, summary="Leads the caller can see, newest first")
@paginate(CappedLimitOffsetPagination)
def lead_list(request: HttpRequest, filters: Query[LeadFilters]):
    actor = allowed(request, Capability.LEADS_VIEW)
    leads = queries.lead_filter(
        queries.lead_list(actor=actor), stage=filters.stage or "", channel=filters.channel or "", campaign=filters.campaign.strip(),
        text=filters.q,
    )  # fmt: skip
    if filters.site_id is not None:
        leads = leads.filter(site_id=filters.site_id)
    if filters.assigned_to_id is not None:
        leads = leads.filter(assigned_to_id=filters.assigned_to_id)
    if filters.updated_since is not None:
        leads = leads.filter(updated_at__gte=filters.updated_since)
    return leads


@router.get("/leads/{int:lead_id}", response={200: LeadOut, **READ_ERRORS})
def lead_detail(request: HttpRequest, lead_id: int):
    return _lead(request.auth, lead_id)


@router.post("/leads", response={201: LeadOut, **WRITE_ERRORS}, summary="Take an enquiry in: the lead is routed to a site and a consultant")
def lead_create(request: HttpRequest, payload: LeadIn):
    actor = allowed(request, Capability.LEADS_MANAGE)
    # Left out, a site member's enquiry is their own site's, as on quick entry; head office's is routed.
    chosen = _visible_site(actor, payload.site_id) if payload.site_id is not None else actor.site
    enquiry = services.Enquiry(
        person=payload.customer.person(),
        source=Lead.Source.API,
        channel=payload.channel,
        chosen_site=chosen,
        campaign=payload.campaign.strip(),
        utm=payload.utm.model_dump(),
        interest=payload.interest,
        condition=payload.condition,
        vehicle_model=found(queries.catalogue(actor=actor), payload.vehicle_model_id, "vehicle_model_id"),
        stock_vehicle=found(queries.stock_list(actor=actor), payload.stock_vehicle_id, "stock_vehicle_id"),
        vehicle_text=payload.vehicle_text.strip(),
        message=payload.message.strip(),
        preferred_contact=payload.preferred_contact,
        trade_ins=[services.TradeInIn(**trade.model_dump()) for trade in payload.trade_ins],
    )
    # A nameless stranger is refused under `last_name`: the customer's, in this body.
    with errors_named(fields={"vehicle_model": "vehicle_model_id", "stock_vehicle": "stock_vehicle_id", "last_name": "customer.last_name"}):
        lead = services.lead_create(by=actor.user, network=actor.network, enquiry=enquiry)
    # The routing may send it to a site the caller cannot see (theirs takes no leads): they still get what they made.
    return Status(201, queries.lead_list(actor=actor).filter(pk=lead.pk).first() or lead)


@router.post(
    "/leads/adf",
    response={201: AdfImportOut, **WRITE_ERRORS},
    summary="Import an ADF/XML document: every whole prospect becomes a routed lead",
    description=(
        "The body is the ADF document itself (`Content-Type: application/xml`), up to 10 MB; the header `X-Filename` "
        "names it in the list of documents received. A prospect that cannot be read is listed in `problems`, naming its "
        "element, and the others are imported. When no prospect can be, the answer is 422 `adf_invalid` with every problem "
        "in `errors`, and nothing is kept; a document that cannot be read at all is 422 with its own code: `not_adf`, "
        "`malformed`, `forbidden_xml` (DTDs and entities), `empty`, `no_prospect`, `too_large`, `no_site`."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in ("application/xml", "text/xml")},
        }
    },
)
def lead_adf_import(request: HttpRequest):
    actor = allowed(request, Capability.LEADS_MANAGE)
    # Read from the stream, not `request.body`: Django refuses a body past DATA_UPLOAD_MAX_MEMORY_SIZE
    # (2.5 MB) there, and a portal's document may be 10 MB. A byte past the cap is enough to refuse it.
    # (With an Idempotency-Key, api/idempotency.py hashes `request.body` first: there the 2.5 MB limit still holds.)
    declared = request.META.get("CONTENT_LENGTH") or ""
    too_large = declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES
    data = b"" if too_large else request.read(MAX_DOCUMENT_BYTES + 1)
    if too_large or len(data) > MAX_DOCUMENT_BYTES:
        return refused("too_large", _("The ADF document is larger than 10 MB: send it in parts."))
    filename = (request.headers.get("X-Filename") or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "api.xml"
    try:
        with transaction.atomic():
            result = adf_import(by=actor.user, network=actor.network, data=data, filename=filename, source=AdfDocument.Source.API)
            if not result.leads and result.problems:
                # Refused whole: keep no document, so the sender's corrected retry is the only copy.
                transaction.set_rollback(True)
    except AdfError as error:
        return refused(error.code, error.message)
    problems = [{"prospect": p.prospect, "element": p.element, "message": p.message} for p in result.problems]
    if not result.leads and problems:
        first = problems[0]
        message = _("No prospect could be imported. The first problem is in prospect %(prospect)s, %(element)s: %(message)s") % {
            "prospect": first["prospect"], "element": first["element"] or _("the whole prospect"), "message": first["message"],
        }  # fmt: skip
        return refused("adf_invalid", message, errors=problems)
    body = {"document_id": result.document.pk, "prospects": result.document.prospect_count, "leads": [lead.pk for lead in result.leads],
            "problems": problems}  # fmt: skip
    return Status(201, body)


@router.post("/leads/{int:lead_id}/stage", response={200: LeadOut, **WRITE_ERRORS}, summary="Move a lead to another stage")
def lead_stage_move(request: HttpRequest, lead_id: int, payload: StageIn):
    actor = request.auth
    lead = _lead(actor, lead_id, Capability.LEADS_MANAGE)
    services.lead_stage_move(by=actor.user, lead=lead, stage=payload.stage, lost_reason=payload.lost_reason, lost_note=payload.lost_note)
    return _lead(actor, lead_id)


@router.get("/leads/{int:lead_id}/activities", response={200: list[ActivityOut], **READ_ERRORS}, summary="A lead's calls, e-mails, notes and tasks")
@paginate(CappedLimitOffsetPagination)
def activity_list(request: HttpRequest, lead_id: int):
    actor = request.auth
    return queries.lead_activities(actor=actor, lead=_lead(actor, lead_id))


@router.post(
    "/leads/{int:lead_id}/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Record a call, e-mail, meeting, note or task; reaching out to a new lead answers it",
)
def activity_add(request: HttpRequest, lead_id: int, payload: ActivityIn):
    actor = request.auth
    lead = _lead(actor, lead_id, Capability.LEADS_MANAGE)
    activity = services.activity_add(by=actor.user, lead=lead, kind=payload.kind, text=payload.text, due_at=payload.due_at)
    return Status(201, queries.lead_activities(actor=actor, lead=lead).get(pk=activity.pk))


# --- Quotes ---------------------------------------------------------------------------


@router.get("/leads/{int:lead_id}/quotes", response={200: list[QuoteOut], **READ_ERRORS}, summary="A lead's quotes, newest first, with their totals")
def quote_list(request: HttpRequest, lead_id: int):
    actor = request.auth
    lead = _lead(actor, lead_id)
    return list(_quotes(actor).filter(lead=lead))


@router.post(
    "/leads/{int:lead_id}/quotes",
    response={201: QuoteOut, **WRITE_ERRORS},
    summary="Prepare a draft quote; a lead not yet at the quote stage moves to it",
)
def quote_create(request: HttpRequest, lead_id: int, payload: QuoteIn):
    actor = request.auth
    lead = _lead(actor, lead_id, Capability.LEADS_MANAGE)
    lines = None if payload.lines is None else [(line.kind, line.description.strip(), line.amount) for line in payload.lines]
    quote = services.lead_quote_prepare(
        by=actor.user, lead=lead, valid_until=payload.valid_until, road_costs=payload.road_costs, notes=payload.notes, lines=lines
    )
    return Status(201, _quotes(actor).get(pk=quote.pk))


@router.get("/quotes/{quote_id}", response={200: QuoteOut, **READ_ERRORS}, summary="A quote with its lines and totals")
def quote_detail(request: HttpRequest, quote_id: int):
    actor = allowed(request, Capability.LEADS_VIEW)
    return get_object_or_404(_quotes(actor), pk=quote_id)


@router.get(
    "/quotes/{quote_id}/pdf",
    response={200: bytes, **READ_ERRORS},
    summary="The quote as the customer receives it: an A4 PDF, in Italian",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def quote_pdf(request: HttpRequest, quote_id: int):
    actor = allowed(request, Capability.LEADS_VIEW)
    quote = get_object_or_404(_quotes(actor).select_related("lead__site__network", "lead__customer"), pk=quote_id)
    response = HttpResponse(quotes.quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quotes.quote_pdf_filename(quote)}"'
    return response


# --- Catalogue and stock ----------------------------------------------------------------


@router.get("/vehicles/models", response={200: list[VehicleModelOut], **READ_ERRORS}, summary="The network's catalogue")
@paginate(CappedLimitOffsetPagination)
def vehicle_model_list(request: HttpRequest, filters: Query[CatalogueFilters]):
    actor = allowed(request, Capability.LEADS_VIEW)
    models = queries.catalogue(actor=actor)
    if filters.is_active is not None:
        models = models.filter(is_active=filters.is_active)
    return models


@router.post("/vehicles/models", response={201: VehicleModelOut, **WRITE_ERRORS}, summary="Add a version to the network's catalogue (head office)")
def vehicle_model_create(request: HttpRequest, payload: VehicleModelIn):
    actor = allowed(request, Capability.VEHICLES_MANAGE)
    # The catalogue is the network's: head office keeps it, as on the catalogue page; sites keep their stock.
    if not actor.is_head_office:
        raise PermissionDenied
    entry = stock.vehicle_model_create(by=actor.user, network=actor.network, **payload.model_dump())
    return Status(201, entry)


@router.get("/vehicles/stock", response={200: list[StockVehicleOut], **READ_ERRORS}, summary="Vehicles in the stock the caller can see")
@paginate(CappedLimitOffsetPagination)
def stock_list(request: HttpRequest, filters: Query[StockFilters]):
    actor = allowed(request, Capability.LEADS_VIEW)
    vehicles = queries.stock_list(actor=actor)
    for name in ("site_id", "status", "condition", "fuel"):
        if getattr(filters, name) is not None:
            vehicles = vehicles.filter(**{name: getattr(filters, name)})
    if filters.zone.strip():
        vehicles = vehicles.filter(zone__iexact=filters.zone.strip())
    return vehicles


@router.get("/vehicles/stock/{vehicle_id}", response={200: StockVehicleOut, **READ_ERRORS})
def stock_detail(request: HttpRequest, vehicle_id: int):
    actor = allowed(request, Capability.LEADS_VIEW)
    return get_object_or_404(queries.stock_list(actor=actor), pk=vehicle_id)


@router.post("/vehicles/stock", response={201: StockVehicleOut, **WRITE_ERRORS}, summary="Put a vehicle in a site's stock")
def stock_create(request: HttpRequest, payload: StockVehicleIn):
    actor = allowed(request, Capability.VEHICLES_MANAGE)
    site = _visible_site(actor, payload.site_id) if payload.site_id is not None else actor.site
    if site is None:
        raise DjangoValidationError({"site_id": _("Choose one of the sites you can see.")})
    model = found(queries.catalogue(actor=actor), payload.vehicle_model_id, "vehicle_model_id")
    given = payload.model_dump(exclude={"site_id", "vehicle_model_id", "vin", "price"}, exclude_unset=True)
    # What the catalogue model brings (make, model, trim, fuel) is not overwritten by empty values.
    fields = {name: value for name, value in given.items() if value not in ("", None)}
    _vin_free(actor, payload.vin)
    with errors_named(fields={"vehicle_model": "vehicle_model_id"}):
        vehicle = stock.stock_vehicle_create(by=actor.user, site=site, vin=payload.vin, price=payload.price, vehicle_model=model, **fields)
    return Status(201, get_object_or_404(queries.stock_list(actor=actor), pk=vehicle.pk))


@router.patch("/vehicles/stock/{vehicle_id}", response={200: StockVehicleOut, **WRITE_ERRORS}, summary="Change a vehicle's price, status, zone…")
def stock_update(request: HttpRequest, vehicle_id: int, payload: PatchDict[StockEditIn]):
    actor = allowed(request, Capability.LEADS_VIEW)
    vehicle = get_object_or_404(queries.stock_list(actor=actor), pk=vehicle_id)
    if not actor.can(Capability.VEHICLES_MANAGE):
        raise PermissionDenied
    stock.stock_vehicle_update(by=actor.user, vehicle=vehicle, data=dict(payload))
    return get_object_or_404(queries.stock_list(actor=actor), pk=vehicle_id)


# --- Shared steps ---------------------------------------------------------------------


def _lead(actor: Actor, lead_id: int, capability: Capability = Capability.LEADS_VIEW) -> Lead:
    """A lead the actor can see (else 404), then the capability the operation needs (else 403)."""
    if not actor.can(Capability.LEADS_VIEW):
        raise PermissionDenied
    lead = get_object_or_404(queries.lead_list(actor=actor), pk=lead_id)
    if not actor.can(capability):
        raise PermissionDenied
    return lead


def _quotes(actor: Actor):
    return actor.scope(Quote.objects.prefetch_related("lines"))


def _visible_site(actor: Actor, site_id: int) -> Site:
    site = queries.lead_sites(actor=actor).filter(pk=site_id).first()
    if site is None:
        raise DjangoValidationError({"site_id": _("Choose one of the sites you can see.")})
    return site


# Everything but the network and the VIN: what a (network, vin) probe leaves out of the checks.
_NOT_THE_VIN = {f.name for f in StockVehicle._meta.concrete_fields} - {"network", "vin"}


def _vin_free(actor: Actor, vin: str) -> None:
    """A VIN already in the network's stock is refused by name.

    stock_vehicle_create's full_clean() excludes `network`, which skips the (network, vin)
    unique constraint: the duplicate would otherwise reach the database as an IntegrityError.
    """
    probe = StockVehicle(network=actor.network, vin=vin_clean(vin))
    try:
        probe.validate_constraints(exclude=_NOT_THE_VIN)
    except DjangoValidationError as error:
        raise DjangoValidationError({"vin": error.messages}) from error
