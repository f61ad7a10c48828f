"""API operations on the workshop: customers' vehicles, repair orders and their work, the notes and
photos from the floor, the jobs found and the owner's answers, by the same rules as the pages (services.py).

Times are returned in UTC ("2026-12-14T07:00:00Z"), as the sales API returns them: unlike a booking's
slot, nothing here is a time of day a customer was told by heart, and a client shows them in its own
zone. Times sent (`promised_at`, `updated_since`) must carry their offset. Amounts are strings with
two decimals ("120.00"), excl. VAT unless the name says otherwise.

Photos and videos are sent as `multipart/form-data` (the fields as form fields, the file as `media`);
they are read back only through GET /workshop/orders/{id}/updates/{update_id}/media, with a token that
may see the order (its site's staff, head office): the files are never served from a public address.
"""

import datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AwareDatetime, ConfigDict, Field, PlainSerializer, model_validator

from vicino.api.pagination import CappedLimitOffsetPagination
from vicino.bookings import queries as bookings_queries
from vicino.core import queries as core_queries
from vicino.core.actor import Actor
from vicino.core.apischema import CENT, READ_ERRORS, WRITE_ERRORS, Money, MoneyIn, allowed, found, refused, rule_refused, two_places
from vicino.core.roles import Capability
from vicino.people import queries as people_queries
from vicino.sales.models import Fuel

from . import queries, services
from .models import Finding, OrderUpdate, RepairOrder, Vehicle, WorkLine, plate_clean

router = Router(tags=["workshop"])

MEDIA_URL_NAME = "workshop-update-media"

# Hours of labour or pieces, with two decimals ("1.50").
Quantity = Annotated[Decimal, PlainSerializer(two_places, return_type=str, when_used="always")]
# Staff record here what the owner said on the phone or at the counter; the portal is the owner's own way.
StaffVia = Literal[Finding.Via.PHONE.value, Finding.Via.COUNTER.value]


# --- Schemas --------------------------------------------------------------------------


class CustomerRef(Schema):
    id: int
    display_name: str


class VehicleOut(Schema):
    id: int
    plate: str
    vin: str
    make: str
    model: str
    year: int | None
    km: int
    fuel: str
    vehicle_model_id: int | None
    owners: list[CustomerRef] = Field(description="The owners you can see (a customer of another site is left out).")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_owners(vehicle: Vehicle) -> list:
        return vehicle.visible_owners


class VehicleFilters(Schema):
    plate: str = Field("", max_length=20, description="Written any way: spaces and dashes do not count.")
    vin: str = Field("", max_length=20)
    customer_id: int | None = Field(None, description="The vehicles of this owner.")


class VehicleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    plate: str = Field("", max_length=20, description="Spaces and dashes are dropped, letters capitalised.")
    vin: str = Field("", max_length=20, description="17 characters; spaces are dropped, letters capitalised.")
    make: str = Field("", max_length=60)
    model: str = Field("", max_length=80)
    year: int | None = Field(None, ge=1900, le=2100)
    km: int | None = Field(None, ge=0)
    fuel: Fuel | None = None
    owner_ids: list[int] = Field([], description="Customers you can see, added to the owners (none is removed).")


class VehicleRef(Schema):
    id: int
    plate: str
    vin: str
    make: str
    model: str


class OrderOut(Schema):
    id: int
    number: str
    site_id: int
    status: str
    is_open: bool
    source: str = Field(description="booking, counter or emergency.")
    is_urgent: bool
    vehicle: VehicleRef
    customer: CustomerRef
    booking_id: int | None
    complaint: str
    location: str = Field(description="Where the car is, for an emergency.")
    contact_phone: str
    advisor_id: int | None
    technician_id: int | None
    bay_id: int | None
    km_in: int | None
    promised_at: datetime.datetime | None
    status_changed_at: datetime.datetime | None
    ready_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class LineOut(Schema):
    id: int
    kind: str
    description: str
    quantity: Quantity
    unit_price: Money
    vat_rate: Money
    amount: Money = Field(description="Quantity × unit price, excl. VAT.")
    finding_id: int | None = Field(description="The approved job it comes from.")
    position: int

    @staticmethod
    def resolve_amount(line: WorkLine) -> Decimal:
        return (line.quantity * line.unit_price).quantize(CENT)


class TotalsOut(Schema):
    taxable: Money
    vat: Money
    total: Money


def _media_url(update: OrderUpdate, context) -> str | None:
    if not update.media:
        return None
    path = reverse(f"api-v1:{MEDIA_URL_NAME}", kwargs={"order_id": update.order_id, "update_id": update.pk})
    return context["request"].build_absolute_uri(path)


class UpdateOut(Schema):
    id: int
    author: str | None
    text: str
    is_visible: bool = Field(description="Shown to the owner in the portal; otherwise for the staff only.")
    media_kind: str = Field(description='"image", "video", or empty for a note.')
    media_type: str
    media_url: str | None = Field(description="The photo or video, for a token of the order's site.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(update: OrderUpdate) -> str | None:
        return update.author.full_name if update.author_id else None

    @staticmethod
    def resolve_media_url(update: OrderUpdate, context) -> str | None:
        return _media_url(update, context)


class FindingOut(Schema):
    id: int
    order_id: int
    title: str
    grade: str = Field(description="red (needed now), amber (soon) or green (fine for now).")
    price: Money
    vat_rate: Money
    price_with_vat: Money
    answer: str = Field(description="proposed, approved or declined.")
    answered_at: datetime.datetime | None
    answered_via: str
    recorded_by: str | None = Field(description="Who took the answer down, when staff did.")
    update_id: int | None
    media_url: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_recorded_by(finding: Finding) -> str | None:
        return finding.recorded_by.full_name if finding.recorded_by_id else None

    @staticmethod
    def resolve_media_url(finding: Finding, context) -> str | None:
        return _media_url(finding.update, context) if finding.update_id else None


class EventOut(Schema):
    status: str
    at: datetime.datetime
    by: str | None

    @staticmethod
    def resolve_by(event) -> str | None:
        return event.by.full_name if event.by_id else None


class OrderDetailOut(OrderOut):
    lines: list[LineOut]
    totals: TotalsOut
    findings: list[FindingOut]
    updates: list[UpdateOut] = Field(description="Every note, photo and video, those shown to the owner and the staff's own.")
    events: list[EventOut] = Field(description="The order's statuses, oldest first.")

    @staticmethod
    def resolve_lines(order: RepairOrder) -> list:
        return list(order.lines.all())

    @staticmethod
    def resolve_totals(order: RepairOrder) -> dict:
        return services.order_totals(order)

    @staticmethod
    def resolve_findings(order: RepairOrder) -> list:
        return list(order.findings.all())

    @staticmethod
    def resolve_updates(order: RepairOrder) -> list:
        return list(order.updates.all())

    @staticmethod
    def resolve_events(order: RepairOrder) -> list:
        return list(order.events.all())


class OrderFilters(Schema):
    site_id: int | None = None
    status: RepairOrder.Status | None = None
    open: bool | None = Field(None, description="Only the orders not yet handed back (true), or only those handed back (false).")
    customer_id: int | None = None
    vehicle_id: int | None = None
    updated_since: AwareDatetime | None = Field(None, description="Only orders changed at or after this time.")


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    vehicle_id: int = Field(description="A vehicle of the network (POST /workshop/vehicles records a new one).")
    customer_id: int | None = Field(None, description="A customer you can see; becomes an owner of the vehicle.")
    site_id: int | None = Field(None, description="A site you can see; left out, yours.")
    booking_id: int | None = Field(None, description="Or the service appointment the car came for: customer, site and complaint come from it.")
    complaint: str = Field("", description="What the customer reports.")
    promised_at: AwareDatetime | None = Field(None, description="When the car was promised back.")
    km_in: int | None = Field(None, ge=0, description="The odometer at arrival.")

    @model_validator(mode="after")
    def _customer_or_booking(self):
        if self.booking_id is not None and (self.customer_id is not None or self.site_id is not None or self.complaint):
            raise ValueError(
                _("With a booking, the customer, the site and the complaint come from it: leave customer_id, site_id and complaint out.")
            )
        if self.booking_id is None and self.customer_id is None:
            raise ValueError(_("Give the customer_id, or the booking_id of their service appointment."))
        return self


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: RepairOrder.Status = Field(description="waiting_approval follows the findings, delivered the handover: neither is chosen here.")


class DeliverIn(Schema):
    model_config = ConfigDict(extra="forbid")

    km_out: int | None = Field(None, ge=0, description="The odometer at handover.")


class LineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: WorkLine.Kind
    description: str = Field(min_length=1, max_length=200)
    quantity: Decimal = Field(Decimal(1), max_digits=8, decimal_places=2, description='Hours or pieces, e.g. "1.50".')
    unit_price: MoneyIn
    vat_rate: Decimal | None = Field(None, max_digits=4, decimal_places=2, description="Left out: 22.00.")


class UpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field("", description="Needed when no photo or video is sent.")
    is_visible: bool = Field(False, description="Show it to the owner in the portal.")


class FindingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, description="The job, as the owner will read it.")
    grade: Finding.Grade
    price: MoneyIn
    text: str = Field("", description="The note shown with it; left out, the title.")
    vat_rate: Decimal | None = Field(None, max_digits=4, decimal_places=2, description="Left out: 22.00.")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    via: StaffVia = Field(description="How the owner answered: phone or counter (the portal records its own answers).")


# Rules of the work refused with 422 and their own code: `order_closed`, `status_not_movable`, `answers_missing`,
# `not_ready`, `booking_has_order`, `not_service`, `booking_closed`; an upload with `not_media` or `too_big`.
MEDIA_DESCRIPTION = (
    "Sent as multipart/form-data, with an optional photo (JPEG, PNG, WebP, up to 15 MB) or video (MP4, MOV, WebM, up to 50 MB) "
    "as `media`: judged by its bytes, resized, stripped of where it was taken. A file refused is 422 `not_media` or `too_big`, "
    'with `errors[0].loc` ["media"]. A closed order is 422 `order_closed`. With an `Idempotency-Key`, the request is read whole '
    "to be compared with a retry: it may then be 11 MB at most."
)


# --- Vehicles -------------------------------------------------------------------------


@router.get("/workshop/vehicles", response={200: list[VehicleOut], **READ_ERRORS}, summary="The network's vehicles, any workshop of it may service")
@paginate(CappedLimitOffsetPagination)
def vehicle_list(request: HttpRequest, filters: Query[VehicleFilters]):
    actor = allowed(request, Capability.WORKSHOP_VIEW)
    vehicles = _vehicles(actor).order_by("plate", "vin", "pk")
    if filters.plate.strip():
        vehicles = vehicles.filter(plate=plate_clean(filters.plate))
    if filters.vin.strip():
        vehicles = vehicles.filter(vin=_vin_clean(filters.vin))
    if filters.customer_id is not None:
        vehicles = vehicles.filter(owners=filters.customer_id)
    return vehicles


@router.get("/workshop/vehicles/{int:vehicle_id}", response={200: VehicleOut, **READ_ERRORS})
def vehicle_detail(request: HttpRequest, vehicle_id: int):
    actor = allowed(request, Capability.WORKSHOP_VIEW)
    return get_object_or_404(_vehicles(actor), pk=vehicle_id)


@router.post(
    "/workshop/vehicles",
    response={200: VehicleOut, 201: VehicleOut, **WRITE_ERRORS},
    summary="Record a customer's vehicle, found by plate or VIN: never twice",
    description=(
        "A vehicle the network already knows by this plate or VIN is brought up to date (200): what is sent replaces what "
        "was recorded, what is left out stays, the owners given are added. Otherwise it is recorded (201). Give the plate, the VIN or both."
    ),
)
def vehicle_save(request: HttpRequest, payload: VehicleIn):
    actor = allowed(request, Capability.WORKSHOP_MANAGE)
    customers = people_queries.customer_list(actor=actor)
    owners = [found(customers, pk, "owner_ids") for pk in dict.fromkeys(payload.owner_ids)]
    known = _known(actor, payload.plate, payload.vin)
    data = {name: value for name, value in payload.model_dump(exclude={"owner_ids"}).items() if value not in (None, "")}
    if known is not None:
        # vehicle_save writes both identifiers: the one left out would be blanked on the car found by the other.
        data.setdefault("plate", known.plate)
        data.setdefault("vin", known.vin)
    vehicle = services.vehicle_save(by=actor.user, network=actor.network, data=data, owners=owners)
    return Status(200 if known is not None else 201, _vehicles(actor).get(pk=vehicle.pk))


# --- Repair orders --------------------------------------------------------------------


@router.get("/workshop/orders", response={200: list[OrderOut], **READ_ERRORS}, summary="Repair orders at the sites you can see, newest first")
@paginate(CappedLimitOffsetPagination)
def order_list(request: HttpRequest, filters: Query[OrderFilters]):
    actor = allowed(request, Capability.WORKSHOP_VIEW)
    orders = queries.repair_order_list(actor=actor).order_by("-created_at", "-pk")
    for name in ("site_id", "status", "customer_id", "vehicle_id"):
        if getattr(filters, name) is not None:
            orders = orders.filter(**{name: getattr(filters, name)})
    if filters.open is not None:
        delivered = {"status": RepairOrder.Status.DELIVERED}
        orders = orders.exclude(**delivered) if filters.open else orders.filter(**delivered)
    if filters.updated_since is not None:
        orders = orders.filter(updated_at__gte=filters.updated_since)
    return orders


@router.get(
    "/workshop/orders/{int:order_id}",
    response={200: OrderDetailOut, **READ_ERRORS},
    summary="A repair order with its work, totals, findings and updates",
)
def order_detail(request: HttpRequest, order_id: int):
    return _order(request.auth, order_id, Capability.WORKSHOP_VIEW)


@router.post(
    "/workshop/orders",
    response={201: OrderDetailOut, **WRITE_ERRORS},
    summary="Take a car in: open a repair order at the counter, or from its service appointment",
    description=(
        "With `booking_id`, the order takes over from the booking (its customer, site and notes): 422 `not_service` for an "
        "appointment that is not a service, `booking_closed` for a cancelled or missed one, `booking_has_order` for one already taken in."
    ),
)
def order_open(request: HttpRequest, payload: OrderIn):
    actor = allowed(request, Capability.WORKSHOP_MANAGE)
    vehicle = found(queries.vehicle_list(actor=actor), payload.vehicle_id, "vehicle_id")
    booking = found(bookings_queries.booking_list(actor=actor), payload.booking_id, "booking_id")
    when = {"km_in": payload.km_in, "promised_at": payload.promised_at}
    if booking is not None:
        take_in = partial(services.repair_order_from_booking, by=actor.user, booking=booking, vehicle=vehicle, **when)
    else:
        customer = found(people_queries.customer_list(actor=actor), payload.customer_id, "customer_id")
        site = found(core_queries.site_list(actor=actor).filter(is_active=True), payload.site_id, "site_id") or actor.site
        if site is None:
            raise DjangoValidationError({"site_id": _("Choose the site whose workshop takes the car in.")})
        take_in = partial(services.repair_order_open, by=actor.user, site=site, vehicle=vehicle, customer=customer,
                          source=RepairOrder.Source.COUNTER, complaint=payload.complaint, **when)  # fmt: skip
    return _by_the_rules(take_in, read=_order_read(actor), created=True)


@router.post(
    "/workshop/orders/{int:order_id}/status",
    response={200: OrderDetailOut, **WRITE_ERRORS},
    summary="Move an order along; ready tells the owner by e-mail",
    description=(
        "To received, diagnosis, waiting_parts, in_progress, quality_check or ready; moving to where it is changes nothing. "
        "422 `status_not_movable` for waiting_approval and delivered, `answers_missing` for ready while a job waits for "
        "the owner's answer, `order_closed` once the car is handed back."
    ),
)
def order_status_move(request: HttpRequest, order_id: int, payload: StatusIn):
    actor = request.auth
    order = _order(actor, order_id, Capability.WORKSHOP_WORK)
    return _by_the_rules(lambda: services.order_status_move(by=actor.user, order=order, status=payload.status), read=_order_read(actor))


@router.post(
    "/workshop/orders/{int:order_id}/deliver",
    response={200: OrderDetailOut, **WRITE_ERRORS},
    summary="Hand the car back: the order closes",
    description="Only a car that is ready (else 422 `not_ready`); handing back a delivered one changes nothing.",
)
def order_deliver(request: HttpRequest, order_id: int, payload: DeliverIn):
    actor = request.auth
    order = _order(actor, order_id, Capability.WORKSHOP_MANAGE)
    return _by_the_rules(lambda: services.order_deliver(by=actor.user, order=order, km_out=payload.km_out), read=_order_read(actor))


@router.post(
    "/workshop/orders/{int:order_id}/lines", response={201: LineOut, **WRITE_ERRORS}, summary="Price labour or a part on the order, before VAT"
)
def work_line_add(request: HttpRequest, order_id: int, payload: LineIn):
    actor = request.auth
    order = _order(actor, order_id, Capability.WORKSHOP_MANAGE)
    return _by_the_rules(lambda: services.work_line_add(by=actor.user, order=order, kind=payload.kind, description=payload.description,
                                                        unit_price=payload.unit_price, quantity=payload.quantity, vat_rate=payload.vat_rate),
                         created=True)  # fmt: skip


@router.post(
    "/workshop/orders/{int:order_id}/updates",
    response={201: UpdateOut, **WRITE_ERRORS},
    summary="Post a note, photo or video on the order, for the staff or for the owner too",
    description=MEDIA_DESCRIPTION,
)
def update_post(request: HttpRequest, order_id: int, payload: Form[UpdateIn], media: UploadedFile | None = File(None)):
    actor = request.auth
    order = _order(actor, order_id, Capability.WORKSHOP_WORK)
    _form_known(request, UpdateIn)
    return _by_the_rules(lambda: services.update_post(by=actor.user, order=order, text=payload.text, is_visible=payload.is_visible, upload=media),
                         created=True)  # fmt: skip


@router.post(
    "/workshop/orders/{int:order_id}/findings",
    response={201: FindingOut, **WRITE_ERRORS},
    summary="Propose a job found on the car, graded and priced: the owner is asked to approve it",
    description=MEDIA_DESCRIPTION + " The order waits for approval until every job is answered; the owner is told by e-mail.",
)
def finding_propose(request: HttpRequest, order_id: int, payload: Form[FindingIn], media: UploadedFile | None = File(None)):
    actor = request.auth
    order = _order(actor, order_id, Capability.WORKSHOP_WORK)
    _form_known(request, FindingIn)
    return _by_the_rules(lambda: services.finding_propose(by=actor.user, order=order, title=payload.title, grade=payload.grade, price=payload.price,
                                                          text=payload.text.strip(), upload=media, vat_rate=payload.vat_rate),
                         read=lambda finding: _findings(actor).get(pk=finding.pk), created=True)  # fmt: skip


@router.post(
    "/workshop/findings/{int:finding_id}/answer",
    response={200: FindingOut, **WRITE_ERRORS},
    summary="Record the owner's answer to a proposed job, taken on the phone or at the counter",
    description=(
        "Kept once: a job already answered keeps its first answer. Approved, it becomes a line of the order; with every job "
        "answered, the work goes on (in_progress). The answer is recorded as taken by you."
    ),
)
def finding_answer(request: HttpRequest, finding_id: int, payload: AnswerIn):
    actor = request.auth
    if not actor.can(Capability.WORKSHOP_VIEW):
        raise PermissionDenied
    finding = get_object_or_404(_findings(actor), pk=finding_id)
    if not actor.can(Capability.WORKSHOP_MANAGE):
        raise PermissionDenied
    # No IP address or browser: those of the staff's client would pass for the owner's.
    return _by_the_rules(lambda: services.finding_answer(finding=finding, approve=payload.approve, via=payload.via, recorded_by=actor.user),
                         read=lambda answered: _findings(actor).get(pk=answered.pk))  # fmt: skip


@router.get(
    "/workshop/orders/{int:order_id}/updates/{int:update_id}/media",
    response={200: bytes, **READ_ERRORS},
    url_name=MEDIA_URL_NAME,
    summary="An update's photo or video",
    openapi_extra={"responses": {200: {"content": {"image/*": {}, "video/*": {}}}}},
)
def update_media(request: HttpRequest, order_id: int, update_id: int):
    actor = allowed(request, Capability.WORKSHOP_VIEW)
    order = get_object_or_404(queries.repair_order_list(actor=actor), pk=order_id)
    update = get_object_or_404(OrderUpdate.objects.filter(order=order).exclude(media=""), pk=update_id)
    try:
        response = FileResponse(update.media.open("rb"), content_type=update.media_type, filename=update.media.name.rsplit("/", 1)[-1])
    except FileNotFoundError:
        raise Http404 from None
    # A customer's car, maybe their things inside it: no shared cache keeps it.
    response["Cache-Control"] = "private"
    return response


# --- Shared steps ---------------------------------------------------------------------


def _vehicles(actor: Actor):
    """The network's vehicles, each with the owners the actor may see."""
    owners = people_queries.customer_list(actor=actor).order_by("last_name", "first_name", "pk")
    return queries.vehicle_list(actor=actor).prefetch_related(Prefetch("owners", queryset=owners, to_attr="visible_owners"))


def _vin_clean(value: str) -> str:
    return "".join(value.split()).upper()


def _known(actor: Actor, plate: str, vin: str) -> Vehicle | None:
    """The vehicle vehicle_save will bring up to date, looked for as it looks: the network's with this plate, else with this VIN."""
    vehicles = Vehicle.objects.filter(network=actor.network)
    plate, vin = plate_clean(plate), _vin_clean(vin)
    return (vehicles.filter(plate=plate).first() if plate else None) or (vehicles.filter(vin=vin).first() if vin else None)


def _order(actor: Actor, order_id: int, capability: Capability) -> RepairOrder:
    """An order the actor can see, as its page reads it (else 404), then the capability the operation needs (else 403)."""
    if not actor.can(Capability.WORKSHOP_VIEW):
        raise PermissionDenied
    order = _detail(actor, order_id)
    if not actor.can(capability):
        raise PermissionDenied
    return order


def _detail(actor: Actor, order_id: int) -> RepairOrder:
    return get_object_or_404(queries.repair_order_detail(actor=actor), pk=order_id)


def _order_read(actor: Actor):
    """How an operation on an order answers: the order as it now reads."""
    return lambda order: _detail(actor, order.pk)


def _findings(actor: Actor):
    """The findings on the orders the actor can see."""
    return Finding.objects.select_related("update", "recorded_by").filter(order__in=queries.repair_order_list(actor=actor))


def _form_known(request: HttpRequest, schema: type[Schema]) -> None:
    """Refuse form fields and files the operation does not take, as `extra="forbid"` does for a JSON body.

    Ninja picks a form's fields out of request.POST by name and drops the rest without a word.
    """
    unknown = sorted(set(request.POST) - set(schema.model_fields)) + sorted(set(request.FILES) - {"media"})
    if unknown:
        raise ValidationError([{"loc": ("form", name), "msg": "Extra inputs are not permitted", "type": "extra_forbidden"} for name in unknown])


def _by_the_rules(action, read=lambda made: made, created: bool = False):
    """Run a workshop service in one transaction: what it made as `read` shapes it, or the rule it broke with its own code."""
    try:
        with transaction.atomic():
            made = action()
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            # A file refused by media.py: its own code (not_media, too_big), and `loc` naming the field it came in.
            media = error.error_dict.get("media")
            if set(error.error_dict) == {"media"} and len(media) == 1 and media[0].code:
                message = media[0].messages[0]
                return refused(media[0].code, message, errors=[{"loc": ["media"], "msg": message, "type": media[0].code}])
            raise
        response = rule_refused(error)
        if response is None:
            raise
        return response
    return Status(201, read(made)) if created else read(made)
