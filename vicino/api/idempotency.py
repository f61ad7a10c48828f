"""Idempotency keys: a POST sent again under the same `Idempotency-Key` is processed once, then replayed.

A client that cannot tell whether its POST arrived (a timeout, a dropped connection) sends
it again with the same key. The first request with a key claims it: a row unique per
(user, key), inserted before the operation runs, in the same transaction as the operation's
writes and the answer stored on the row. So either all of them commit or none does.

A later request with the key gets the stored status and body back, with
`Idempotent-Replayed: true`, and writes nothing; the key sent with another method, path or
body is refused (422 `idempotency_key_reused`); a key whose first request has not answered
yet is refused with 409 `idempotency_key_in_progress`. Two identical requests racing cannot
both write: the unique index lets one insert the row; the other waits for that transaction
(PostgreSQL on the index entry, SQLite at BEGIN IMMEDIATE) and then replays its answer.
A 5xx answer rolls everything back, the key included, so the client may simply retry.

`install(api)` applies this to every POST operation of a NinjaAPI; keys live 24 hours.
"""

import datetime
import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from vicino.core.models import User

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 200
# Long enough for any client's retries; older keys are ignored and may be purged.
KEY_LIFETIME = datetime.timedelta(hours=24)

# Attributes the two halves use to hand the request over to each other.
_PENDING = "_idempotency_pending"
_CLAIMED = "_idempotency_claimed"


class IdempotencyRefused(Exception):
    """The key forbids processing this request; the API answers with its JSON error."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class _Pending:
    key: str
    method: str
    path: str
    body_sha256: str


def install(api: NinjaAPI) -> None:
    """Honour `Idempotency-Key` on every POST operation of `api` (call before its URLs are built)."""
    # "view" wraps the whole operation run (authentication included): it holds the transaction.
    api.add_decorator(_answered_once, mode="view")
    # "operation" wraps the function after authentication and input validation: it claims the key.
    api.add_decorator(_claimed_first, mode="operation")


def idempotency_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the keys past their lifetime (they are already ignored); returns how many."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _answered_once(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    operation = getattr(inspect.unwrap(run), "__self__", None)
    if operation is not None and "POST" in operation.methods and 422 in operation.response_models:
        # Tell the OpenAPI schema about the in-progress answer, with the same error body as the 422.
        operation.response_models.setdefault(409, operation.response_models[422])

    @wraps(run)
    def run_once(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return run(request, *args, **kwargs)
        pending = _Pending(
            key=key,
            method=request.method,
            path=request.get_full_path(),
            body_sha256=hashlib.sha256(request.body).hexdigest(),
        )
        setattr(request, _PENDING, pending)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            claimed: IdempotencyKey | None = getattr(request, _CLAIMED, None)
            if claimed is not None:
                if response.status_code >= 500:
                    # Nothing happened as far as the client can tell: keep no write and free the key.
                    transaction.set_rollback(True)
                elif response.streaming:
                    claimed.delete()
                else:
                    claimed.status = response.status_code
                    claimed.response_body = response.content.decode(response.charset or "utf-8")
                    claimed.save(update_fields=["status", "response_body"])
        return response

    return run_once


def _claimed_first(view_func: Callable) -> Callable:
    @wraps(view_func)
    def view_once(request: HttpRequest, *args, **kwargs):
        pending: _Pending | None = getattr(request, _PENDING, None)
        user = _user_of(request)
        if pending is None or user is None:
            return view_func(request, *args, **kwargs)
        if not pending.key.strip() or len(pending.key) > KEY_MAX_LENGTH:
            raise IdempotencyRefused(
                400,
                "idempotency_key_invalid",
                _("The Idempotency-Key header must be 1 to %(max)d characters long.") % {"max": KEY_MAX_LENGTH},
            )
        row, claimed = _claim(user=user, pending=pending)
        if claimed:
            setattr(request, _CLAIMED, row)
            return view_func(request, *args, **kwargs)
        if (row.method, row.path, row.body_sha256) != (pending.method, pending.path, pending.body_sha256):
            raise IdempotencyRefused(
                422,
                "idempotency_key_reused",
                _("This Idempotency-Key was already used for a different request. Send a new key with a new request."),
            )
        if row.status == IdempotencyKey.IN_PROGRESS:
            raise _in_progress()
        return _replay(row)

    return view_once


def _claim(*, user: User, pending: _Pending) -> tuple[IdempotencyKey, bool]:
    """The key's row: inserted now and held by this request (True), or the one an earlier request left."""
    for _attempt in range(3):
        try:
            # A savepoint, so a lost race leaves the request's transaction usable.
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user=user,
                    key=pending.key,
                    method=pending.method,
                    path=pending.path,
                    body_sha256=pending.body_sha256,
                )
            return row, True
        except IntegrityError:
            cutoff = timezone.now() - KEY_LIFETIME
            found = IdempotencyKey.objects.filter(user=user, key=pending.key).first()
            if found is None:
                continue
            if found.created_at < cutoff:
                # Expired: the key is free again.
                IdempotencyKey.objects.filter(pk=found.pk, created_at__lt=cutoff).delete()
                continue
            return found, False
    raise _in_progress()


def _in_progress() -> IdempotencyRefused:
    return IdempotencyRefused(
        409,
        "idempotency_key_in_progress",
        _("A request with this Idempotency-Key is still being processed. Retry in a moment."),
    )


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(row.response_body, status=row.status, content_type="application/json; charset=utf-8")
    response[REPLAYED_HEADER] = "true"
    return response


def _user_of(request: HttpRequest) -> User | None:
    """The authenticated caller the key belongs to; anonymous requests have no keys."""
    user = getattr(getattr(request, "auth", None), "user", None) or getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
