"""Reads of API tokens: each person sees only their own."""

from django.db.models import QuerySet

from vicino.core.models import User

from .models import ApiToken


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("membership__network", "membership__site")
