"""What every app's API router shares: the error body, the 4xx responses it declares, and the
steps each operation begins or ends with (the capability check, a refusal with its own code,
a service's errors named as the client sent them)."""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, PlainSerializer

from .actor import Actor
from .roles import Capability


class ErrorOut(Schema):
    """Every API error: a stable machine `code` and a `message` in the caller's language."""

    code: str
    message: str
    errors: list[dict] | None = None


CENT = Decimal("0.01")


def two_places(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


# Euro with cents, as a string ("31720.00"): a JSON number would lose cents to floating point.
Money = Annotated[Decimal, PlainSerializer(two_places, return_type=str, when_used="always")]
MoneyIn = Annotated[Decimal, Field(max_digits=12, decimal_places=2, description='Euro excl. VAT, e.g. "24000.00".')]

# Declared on each operation so the OpenAPI schema tells clients what can go wrong.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def allowed(request: HttpRequest, capability: Capability) -> Actor:
    """The token's actor, when their role has the capability (else 403)."""
    actor = request.auth
    if not actor.can(capability):
        raise PermissionDenied
    return actor


def refused(code: str, message: str, errors: list | None = None, status: int = 422, **extra) -> JsonResponse:
    """An error with its own code, shaped like every other API error (no `errors` key when there are none)."""
    body = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse({**body, **extra}, status=status)


@contextmanager
def errors_named(*, fields: dict[str, str] | None = None, codes: dict[str, str] | None = None) -> Iterator[None]:
    """A service's errors under the names the client sent, so `errors[].loc` points at its field.

    `fields` renames model fields (site → site_id); `codes` places field-less errors by their
    code (an invalid e-mail belongs to `emails`).
    """
    try:
        yield
    except DjangoValidationError as error:
        fields, codes = fields or {}, codes or {}
        if hasattr(error, "error_dict"):
            raise DjangoValidationError({fields.get(name, name): errors for name, errors in error.error_dict.items()}) from error
        if codes and all(item.code in codes for item in error.error_list):
            named: dict[str, list] = {}
            for item in error.error_list:
                named.setdefault(codes[item.code], []).append(item)
            raise DjangoValidationError(named) from error
        raise


def found(rows, pk: int | None, field: str):
    """The row `pk` among those the actor can see, None when not asked for; else the field is refused."""
    if pk is None:
        return None
    row = rows.filter(pk=pk).first()
    if row is None:
        raise DjangoValidationError({field: _("There is nothing with this id that you can see.")})
    return row


def rule_refused(error: DjangoValidationError) -> JsonResponse | None:
    """A service's refusal of one rule with a code of its own (slot_past, order_closed…) as a 422 with that code;
    None for field errors, which stay the usual 422 `validation_error` naming the field."""
    if hasattr(error, "error_dict") or len(error.error_list) != 1 or not error.error_list[0].code:
        return None
    (rule,) = error.error_list
    return refused(rule.code, rule.messages[0])
