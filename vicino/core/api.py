"""API operations of the core: who am I, my networks, the sites I can see."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import PatchDict, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from . import queries, services
from .actor import user_memberships
from .apischema import READ_ERRORS, WRITE_ERRORS
from .models import Site
from .roles import Capability, capabilities_of

router = Router(tags=["core"])


class NetworkOut(Schema):
    id: int
    name: str
    slug: str
    kind: str


class MembershipOut(Schema):
    id: int
    network_id: int
    network: str = Field(validation_alias="network.name")
    site_id: int | None
    site: str | None = Field(None, validation_alias="site.name")
    role: str
    capabilities: list[str]

    @staticmethod
    def resolve_capabilities(membership) -> list[str]:
        return sorted(str(capability) for capability in capabilities_of(membership.role))


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    acting_as: MembershipOut
    memberships: list[MembershipOut]


class OpeningHoursOut(Schema):
    weekday: int
    opens_at: str
    closes_at: str

    @staticmethod
    def resolve_opens_at(row) -> str:
        return row.opens_at.strftime("%H:%M")

    @staticmethod
    def resolve_closes_at(row) -> str:
        return row.closes_at.strftime("%H:%M")


class SiteOut(Schema):
    id: int
    network_id: int
    code: str
    name: str
    kind: str
    street: str
    cap: str
    city: str
    province: str
    phone: str
    email: str
    is_active: bool
    opening_hours: list[OpeningHoursOut]

    @staticmethod
    def resolve_opening_hours(site) -> list:
        return list(site.opening_hours.all())


class SiteUpdateIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    kind: Site.Kind
    street: str = Field(max_length=200)
    cap: str = Field(max_length=5)
    city: str = Field(min_length=1, max_length=100)
    province: str = Field(min_length=2, max_length=2)
    phone: str = Field(max_length=30)
    email: str = Field(max_length=254)
    is_active: bool


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="The caller and the membership the token acts as")
def me(request: HttpRequest):
    actor = request.auth
    return {
        "id": actor.user.pk,
        "email": actor.user.email,
        "full_name": actor.user.full_name,
        "language": actor.user.language,
        "acting_as": actor.membership,
        "memberships": user_memberships(user=actor.user),
    }


@router.get("/networks", response={200: list[NetworkOut], **READ_ERRORS}, summary="Networks the caller can see")
def network_list(request: HttpRequest):
    return queries.network_list(actor=request.auth)


@router.get("/networks/{network_id}", response={200: NetworkOut, **READ_ERRORS})
def network_detail(request: HttpRequest, network_id: int):
    return get_object_or_404(queries.network_list(actor=request.auth), pk=network_id)


@router.get("/sites", response={200: list[SiteOut], **READ_ERRORS}, summary="Sites the caller can see")
@paginate(LimitOffsetPagination)
def site_list(request: HttpRequest):
    return queries.site_list(actor=request.auth).order_by("name", "pk")


@router.get("/sites/{site_id}", response={200: SiteOut, **READ_ERRORS})
def site_detail(request: HttpRequest, site_id: int):
    return get_object_or_404(queries.site_list(actor=request.auth), pk=site_id)


@router.patch("/sites/{site_id}", response={200: SiteOut, **WRITE_ERRORS}, summary="Change a site's details")
def site_update(request: HttpRequest, site_id: int, payload: PatchDict[SiteUpdateIn]):
    actor = request.auth
    site = get_object_or_404(queries.site_list(actor=actor), pk=site_id)
    if not actor.can(Capability.SITES_MANAGE):
        raise PermissionDenied
    services.site_update(by=actor.user, site=site, data=dict(payload))
    return get_object_or_404(queries.site_list(actor=actor), pk=site_id)
