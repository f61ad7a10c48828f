"""Bearer-token authentication: a token becomes the Actor its owner would be in that membership."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from vicino.core.actor import Actor

from .models import ApiToken
from .tokens import token_matches, token_prefix

# Writing last_used_at on every call would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenRevoked(AuthenticationError):
    pass


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        prefix = token_prefix(token)
        if prefix is None:
            return None
        found = (
            ApiToken.objects.select_related("user", "membership__network", "membership__site")
            .filter(prefix=prefix)
            .first()
        )
        if found is None or not token_matches(token, found.key_hash) or not found.user.is_active:
            return None
        if found.revoked_at is not None:
            raise TokenRevoked(401, _("This API token has been revoked. Create a new one in your profile."))
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        actor = Actor(user=found.user, membership=found.membership)
        request.user = found.user
        request.actor = actor
        return actor
