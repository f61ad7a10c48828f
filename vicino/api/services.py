"""Creating and revoking personal API tokens."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.models import Membership, User

from .models import ApiToken
from .tokens import token_generate


@transaction.atomic
def api_token_create(*, by: User, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """A new token acting as `by` through `membership`; returns it with the plaintext, shown once."""
    if membership.user_id != by.pk:
        raise ValidationError(_("A token can only act through one of your own roles."), code="not_yours")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the program that will use it.")}, code="required")
    plaintext, prefix, key_hash = token_generate()
    token = ApiToken(user=by, membership=membership, name=name, prefix=prefix, key_hash=key_hash)
    token.full_clean()
    token.save()
    audit_record(by=by, action="api_token.create", target=token, changes={"name": [None, name]})
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    """Stop a token working, at once and for good."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(by=by, action="api_token.revoke", target=token)
    return token
