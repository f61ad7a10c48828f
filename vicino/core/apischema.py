"""Shapes every app's API router shares: the error body and the 4xx responses it declares."""

from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a stable machine `code` and a `message` in the caller's language."""

    code: str
    message: str
    errors: list[dict] | None = None


# Declared on each operation so the OpenAPI schema tells clients what can go wrong.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
