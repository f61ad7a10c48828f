"""The REST API at /api/v1/: one NinjaAPI, token authentication, errors as JSON with a stable code."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vicino.bookings.api import router as bookings_router
from vicino.core.api import router as core_router
from vicino.events.api import router as events_router
from vicino.people.api import router as people_router
from vicino.sales.api import router as sales_router
from vicino.workshop.api import router as workshop_router

from . import idempotency
from .auth import TokenAuth, TokenRevoked

DESCRIPTION = """The REST API of Vicino. Authenticate with a personal token: `Authorization: Bearer vcn_…`.

**Retrying a POST safely.** Every POST accepts an `Idempotency-Key` header: any string of up to
200 characters, new for each new request (a UUID will do). If you are not sure a POST arrived,
send it again with the same key and the same body: it is processed only once, and the repeat gets
the first answer back (same status and body) with the header `Idempotent-Replayed: true`.
The same key with a different method, path or body is refused with 422 `idempotency_key_reused`;
while the first request is still being processed, 409 `idempotency_key_in_progress`.
Keys belong to the token's user and are forgotten after 24 hours."""

api = NinjaAPI(
    title="Vicino API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
api.add_router("/", core_router)
api.add_router("/", people_router)
api.add_router("/", sales_router)
api.add_router("/", bookings_router)
api.add_router("/", workshop_router)
api.add_router("/", events_router)
idempotency.install(api)


def error(request: HttpRequest, status: int, code: str, message: str, errors: list | None = None) -> HttpResponse:
    body = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def on_invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in item.get("loc", [])], "msg": str(item.get("msg", "")), "type": item.get("type", "")}
        for item in exc.errors
    ]
    if any(item["type"] == "json_invalid" for item in errors):
        return error(request, 400, "malformed_json", _("The request body is not valid JSON."), errors)
    return error(request, 422, "validation_error", _("Some fields are missing or not valid."), errors)


@api.exception_handler(DjangoValidationError)
def on_rejected_by_rules(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [{"loc": [field], "msg": str(msg), "type": "invalid"} for field, msgs in exc.message_dict.items() for msg in msgs]
    else:
        errors = [{"loc": [], "msg": str(msg), "type": "invalid"} for msg in exc.messages]
    return error(request, 422, "validation_error", _("Some fields are missing or not valid."), errors)


@api.exception_handler(TokenRevoked)
def on_revoked(request: HttpRequest, exc: TokenRevoked) -> HttpResponse:
    return error(request, 401, "token_revoked", exc.message)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "not_authenticated", _("Send a valid API token: Authorization: Bearer vcn_…"))


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", _("Your role does not allow this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(idempotency.IdempotencyRefused)
def on_idempotency_refused(request: HttpRequest, exc: idempotency.IdempotencyRefused) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # Ninja's only 400 is a body it cannot parse.
        return error(request, 400, "malformed_json", _("The request body is not valid JSON."))
    return error(request, exc.status_code, "http_error", str(exc.message))
