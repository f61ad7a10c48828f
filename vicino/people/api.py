"""API operations on customers: records, contact points, the consent ledger, the timeline."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import PatchDict, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import AwareDatetime, ConfigDict, Field, ValidationInfo, field_validator

from vicino.api.pagination import CappedLimitOffsetPagination
from vicino.core import queries as core_queries
from vicino.core.actor import Actor
from vicino.core.apischema import READ_ERRORS, WRITE_ERRORS, allowed, errors_named
from vicino.core.models import Site
from vicino.core.roles import Capability

from . import privacy, queries, services
from .matching import PersonIn
from .models import Channel, ConsentEvent, ContactPoint, Customer, Interaction, PrivacyNotice, Purpose, Tag
from .search import customer_search
from .timeline import is_system_kind

router = Router(tags=["people"])


# --- Schemas --------------------------------------------------------------------------


class EnquirerIn(Schema):
    """A customer as a request from another app gives them (an enquiry, a booking): found by e-mail or phone, else created."""

    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    company_name: str = Field("", max_length=200)
    emails: list[str] = []
    phones: list[str] = Field([], description="Any common writing; stored in E.164.")
    street: str = Field("", max_length=200)
    cap: str = Field("", max_length=5)
    city: str = Field("", max_length=100)
    province: str = Field("", max_length=2)
    language: str = Field("it", max_length=8)

    def person(self) -> PersonIn:
        """What customer matching reads."""
        data = self.model_dump()
        return PersonIn(**{**data, "emails": tuple(data["emails"]), "phones": tuple(data["phones"])})


class ContactPointOut(Schema):
    id: int
    kind: str
    value: str = Field(description="As stored: lower-case e-mail, or phone number in E.164 (+393331234567).")
    label: str
    is_primary: bool
    created_at: datetime.datetime


class AddressIn(Schema):
    label: str = Field("", max_length=30)
    street: str = Field("", max_length=200)
    cap: str = Field("", max_length=5)
    city: str = Field("", max_length=100)
    province: str = Field("", max_length=2)
    country: str = Field("IT", max_length=2)


class AddressOut(Schema):
    label: str
    street: str
    cap: str
    city: str
    province: str
    country: str


class CustomerOut(Schema):
    id: int
    kind: str
    relation: str
    display_name: str
    first_name: str
    last_name: str
    company_name: str
    fiscal_code: str
    vat_number: str
    birth_date: datetime.date | None
    language: str
    preferred_channel: str
    member_number: str
    member_card: str
    external_id: str
    notes: str
    site_id: int | None
    contact_points: list[ContactPointOut]
    address: AddressOut | None = Field(None, description="The primary postal address.")
    tags: list[str]
    erased_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_contact_points(customer: Customer) -> list:
        return customer.contacts

    @staticmethod
    def resolve_address(customer: Customer):
        return next(iter(customer.addresses.all()), None)

    @staticmethod
    def resolve_tags(customer: Customer) -> list[str]:
        return [tag.name for tag in customer.tags.all()]


class CustomerIn(Schema):
    """The editable fields of a customer (services.CUSTOMER_EDITABLE_FIELDS, with the site as `site_id`)."""

    # A field that cannot be set (network, erased_at…) is refused, not silently dropped.
    model_config = ConfigDict(extra="forbid")

    kind: Customer.Kind = Customer.Kind.PERSON
    relation: Customer.Relation = Customer.Relation.PROSPECT
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    company_name: str = Field("", max_length=200)
    fiscal_code: str = Field("", max_length=16)
    vat_number: str = Field("", max_length=13)
    birth_date: datetime.date | None = None
    language: str = Field("it", max_length=8)
    preferred_channel: str = Field("", max_length=12)
    member_number: str = Field("", max_length=30)
    member_card: str = Field("", max_length=30)
    external_id: str = Field("", max_length=60)
    notes: str = ""
    site_id: int | None = Field(
        None, description="A site you can see; null for the whole network. Left out on creation: your own site."
    )


class CustomerCreateIn(CustomerIn):
    emails: list[str] = []
    phones: list[str] = Field([], description="Any common writing; stored in E.164.")
    address: AddressIn | None = None
    tags: list[str] = Field([], description="Tag names; new ones are created.")
    channel: Channel = Field(Channel.OTHER, description="How the customer reached you; goes on the timeline.")


class CustomerFilters(Schema):
    q: str = Field("", max_length=100, description="Name, e-mail, phone or member number; accents and a typo forgiven.")
    relation: Customer.Relation | None = None
    site_id: int | None = None
    tag: str = Field("", max_length=50, description="A tag name.")
    updated_since: AwareDatetime | None = Field(None, description="Only customers changed at or after this time.")


class ContactPointIn(Schema):
    kind: ContactPoint.Kind
    value: str = Field(min_length=1, max_length=254)
    label: str = Field("", max_length=30)


class ConsentIn(Schema):
    purpose: Purpose
    channel: Channel = Field(description="One of: email, sms, phone, post, whatsapp.")
    action: ConsentEvent.Action
    source: ConsentEvent.Source
    # Declared after `action`, so its check can see the action; validated even when left out.
    notice_version: str | None = Field(
        None, max_length=20, validate_default=True, description="The privacy notice version shown; a grant needs it."
    )
    occurred_at: AwareDatetime | None = None
    ip_address: str | None = Field(None, max_length=45)
    user_agent: str = Field("", max_length=300)
    double_opt_in_at: AwareDatetime | None = None
    evidence: str = Field("", max_length=300)

    @field_validator("notice_version")
    @classmethod
    def grants_cite_a_notice(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("action") == ConsentEvent.Action.GRANTED and not (value or "").strip():
            raise ValueError(_("Say which version of the privacy notice the customer was shown."))
        return value


class ConsentEventOut(Schema):
    id: int
    purpose: str
    channel: str
    action: str
    source: str
    notice_version: str | None
    occurred_at: datetime.datetime
    recorded_by: str | None
    ip_address: str | None
    user_agent: str
    double_opt_in_at: datetime.datetime | None
    evidence: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_notice_version(event: ConsentEvent) -> str | None:
        return event.notice.version if event.notice_id else None

    @staticmethod
    def resolve_recorded_by(event: ConsentEvent) -> str | None:
        return event.actor.full_name if event.actor_id else None


class ConsentStateOut(Schema):
    purpose: str
    channel: str
    allowed: bool = Field(description="Whether the customer may be contacted for this purpose on this channel now.")
    action: str
    source: str
    notice_version: str | None
    occurred_at: datetime.datetime
    event_id: int


class ConsentsOut(Schema):
    states: list[ConsentStateOut] = Field(description="Where each purpose and channel stands now.")
    events: list[ConsentEventOut] = Field(description="The ledger, newest first.")


class MayContactOut(Schema):
    allowed: bool


class InteractionIn(Schema):
    channel: Channel
    kind: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_.-]+$", description="Your own kind, e.g. call")
    summary: str = Field(min_length=1, max_length=500)
    occurred_at: AwareDatetime | None = None


class InteractionOut(Schema):
    id: int
    channel: str
    kind: str
    kind_label: str
    summary: str
    occurred_at: datetime.datetime
    site_id: int | None
    recorded_by: str | None
    ref_type: str
    ref_id: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_recorded_by(entry: Interaction) -> str | None:
        return entry.actor.full_name if entry.actor_id else None


class TimelineFilters(Schema):
    channel: Channel | None = None
    kind: str = Field("", max_length=40)


# --- Customers ------------------------------------------------------------------------


@router.get("/customers", response={200: list[CustomerOut], **READ_ERRORS}, summary="Customers the caller can see")
@paginate(CappedLimitOffsetPagination)
def customer_list(request: HttpRequest, filters: Query[CustomerFilters]):
    actor = allowed(request, Capability.CUSTOMERS_VIEW)
    customers = _customers(actor)
    if filters.relation:
        customers = customers.filter(relation=filters.relation)
    if filters.site_id is not None:
        customers = customers.filter(site_id=filters.site_id)
    if filters.tag.strip():
        tagged = actor.scope(Tag.objects.filter(name__iexact=filters.tag.strip())).values("customers")
        customers = customers.filter(pk__in=tagged)
    if filters.updated_since is not None:
        customers = customers.filter(updated_at__gte=filters.updated_since)
    return customer_search(actor=actor, text=filters.q, base=customers)


@router.get("/customers/{customer_id}", response={200: CustomerOut, **READ_ERRORS})
def customer_detail(request: HttpRequest, customer_id: int):
    actor = allowed(request, Capability.CUSTOMERS_VIEW)
    return get_object_or_404(_customers(actor), pk=customer_id)


@router.post("/customers", response={201: CustomerOut, **WRITE_ERRORS}, summary="Add a customer")
def customer_create(request: HttpRequest, payload: CustomerCreateIn):
    actor = allowed(request, Capability.CUSTOMERS_MANAGE)
    fields = payload.model_dump(include=set(CustomerIn.model_fields) - {"site_id"})
    # Left out, the customer is followed by the caller's own site, as on the web form.
    site = _visible_site(actor, payload.site_id) if "site_id" in payload.model_fields_set else actor.site
    with errors_named(fields={"site": "site_id"}, codes={"invalid_email": "emails", "invalid_phone": "phones"}):
        customer = services.customer_create(
            by=actor.user,
            network=actor.network,
            site=site,
            emails=payload.emails,
            phones=payload.phones,
            address=payload.address.model_dump() if payload.address else None,
            tags=payload.tags,
            channel=payload.channel,
            **fields,
        )
    return Status(201, get_object_or_404(_customers(actor), pk=customer.pk))


@router.patch(
    "/customers/{customer_id}", response={200: CustomerOut, **WRITE_ERRORS}, summary="Change a customer's details"
)
def customer_update(request: HttpRequest, customer_id: int, payload: PatchDict[CustomerIn]):
    actor = request.auth
    customer = _customer(actor, customer_id, Capability.CUSTOMERS_MANAGE)
    data = dict(payload)
    if "site_id" in data:
        data["site"] = _visible_site(actor, data.pop("site_id"))
    with errors_named(fields={"site": "site_id"}):
        services.customer_update(by=actor.user, customer=customer, data=data)
    return get_object_or_404(_customers(actor), pk=customer_id)


# --- Contact points -------------------------------------------------------------------


@router.get("/customers/{customer_id}/contact-points", response={200: list[ContactPointOut], **READ_ERRORS})
def contact_point_list(request: HttpRequest, customer_id: int):
    customer = _customer(request.auth, customer_id)
    return list(customer.contact_points.all())


@router.post(
    "/customers/{customer_id}/contact-points",
    response={201: ContactPointOut, **WRITE_ERRORS},
    summary="Add an e-mail address or a phone number",
)
def contact_point_add(request: HttpRequest, customer_id: int, payload: ContactPointIn):
    actor = request.auth
    customer = _customer(actor, customer_id, Capability.CUSTOMERS_MANAGE)
    with errors_named(codes={"invalid_email": "value", "invalid_phone": "value"}):
        point = services.contact_point_add(
            by=actor.user, customer=customer, kind=payload.kind, value=payload.value, label=payload.label
        )
    return Status(201, actor.scope(ContactPoint.objects.all()).get(pk=point.pk))


@router.delete(
    "/customers/{customer_id}/contact-points/{point_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a contact point",
)
def contact_point_remove(request: HttpRequest, customer_id: int, point_id: int):
    actor = request.auth
    customer = _customer(actor, customer_id, Capability.CUSTOMERS_MANAGE)
    points = actor.scope(ContactPoint.objects.filter(customer=customer).select_related("customer"))
    point = get_object_or_404(points, pk=point_id)
    services.contact_point_remove(by=actor.user, point=point)
    return Status(204, None)


# --- Consent ledger (append-only: no PATCH, no DELETE) --------------------------------


@router.get(
    "/customers/{customer_id}/consents",
    response={200: ConsentsOut, **READ_ERRORS},
    summary="Current consent per purpose and channel, and the ledger",
)
def consent_list(request: HttpRequest, customer_id: int):
    actor = request.auth
    customer = _customer(actor, customer_id)
    states = [
        {
            "purpose": state.purpose,
            "channel": state.channel,
            "allowed": state.allowed,
            "action": state.event.action,
            "source": state.event.source,
            "notice_version": state.event.notice.version if state.event.notice_id else None,
            "occurred_at": state.event.occurred_at,
            "event_id": state.event.pk,
        }
        for state in queries.consent_states(customer=customer)
    ]
    events = actor.scope(customer.consent_events.select_related("notice", "actor")).order_by("-occurred_at", "-id")
    return {"states": states, "events": list(events)}


@router.post(
    "/customers/{customer_id}/consents",
    response={201: ConsentEventOut, **WRITE_ERRORS},
    summary="Record a consent granted, withdrawn or expired",
)
def consent_record(request: HttpRequest, customer_id: int, payload: ConsentIn):
    actor = request.auth
    customer = _customer(actor, customer_id, Capability.CUSTOMERS_MANAGE)
    notice = None
    if payload.notice_version:
        notice = actor.scope(PrivacyNotice.objects.all()).filter(version=payload.notice_version.strip()).first()
        if notice is None:
            raise DjangoValidationError({"notice_version": _("There is no privacy notice with this version.")})
    with errors_named(fields={"notice": "notice_version"}):
        event = services.consent_record(
            by=actor.user,
            customer=customer,
            purpose=payload.purpose,
            channel=payload.channel,
            action=payload.action,
            source=payload.source,
            notice=notice,
            occurred_at=payload.occurred_at,
            ip_address=payload.ip_address,
            user_agent=payload.user_agent,
            double_opt_in_at=payload.double_opt_in_at,
            evidence=payload.evidence,
        )
    return Status(201, event)


@router.get(
    "/customers/{customer_id}/may-contact",
    response={200: MayContactOut, **READ_ERRORS},
    summary="May the customer be contacted for this purpose on this channel now?",
)
def may_contact(request: HttpRequest, customer_id: int, purpose: Purpose, channel: Channel):
    customer = _customer(request.auth, customer_id)
    return {"allowed": queries.may_contact(customer=customer, purpose=purpose, channel=channel)}


# --- Timeline -------------------------------------------------------------------------


@router.get(
    "/customers/{customer_id}/interactions",
    response={200: list[InteractionOut], **READ_ERRORS},
    summary="The customer's timeline",
)
@paginate(LimitOffsetPagination)
def interaction_list(request: HttpRequest, customer_id: int, filters: Query[TimelineFilters]):
    actor = request.auth
    customer = _customer(actor, customer_id)
    return queries.customer_timeline(actor=actor, customer=customer, channel=filters.channel or "", kind=filters.kind)


@router.post(
    "/customers/{customer_id}/interactions",
    response={201: InteractionOut, **WRITE_ERRORS},
    summary="Put something that happened on the customer's timeline",
)
def interaction_record(request: HttpRequest, customer_id: int, payload: InteractionIn):
    actor = request.auth
    customer = _customer(actor, customer_id, Capability.CUSTOMERS_MANAGE)
    # The kinds Vicino writes itself (consents, erasure…) stand for records elsewhere; a client cannot fake them.
    if is_system_kind(payload.kind):
        raise DjangoValidationError({"kind": _("Vicino records this kind of entry itself. Choose another kind.")})
    entry = services.interaction_record(
        customer=customer,
        channel=payload.channel,
        kind=payload.kind,
        summary=payload.summary,
        # Where it happened: the caller's site; head office's entries go to the customer's site.
        site=actor.site,
        actor=actor.user,
        occurred_at=payload.occurred_at,
    )
    return Status(201, entry)


@router.get(
    "/customers/{customer_id}/data",
    response={200: bytes, **READ_ERRORS},
    summary="Everything held about the customer, as a ZIP (data.json and CSV files): access and portability",
    openapi_extra={"responses": {200: {"content": {"application/zip": {}}}}},
)
def customer_data(request: HttpRequest, customer_id: int):
    customer = _customer(request.auth, customer_id, Capability.CUSTOMERS_MANAGE)
    response = HttpResponse(privacy.customer_data_archive(by=request.auth.user, customer=customer), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.zip"'
    return response


# --- Shared steps ---------------------------------------------------------------------


def _customers(actor: Actor):
    return queries.customer_list(actor=actor).prefetch_related("tags", "addresses")


def _customer(actor: Actor, customer_id: int, capability: Capability = Capability.CUSTOMERS_VIEW) -> Customer:
    """A customer the actor can see (else 404), then the capability the operation needs (else 403)."""
    if not actor.can(Capability.CUSTOMERS_VIEW):
        raise PermissionDenied
    customer = get_object_or_404(queries.customer_list(actor=actor), pk=customer_id)
    if not actor.can(capability):
        raise PermissionDenied
    return customer


def _visible_site(actor: Actor, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    site = core_queries.site_list(actor=actor).filter(pk=site_id).first()
    if site is None:
        raise DjangoValidationError({"site_id": _("Choose one of the sites you can see.")})
    return site
