"""Puts the acting user's current membership on every request as `request.actor`."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .actor import actor_for, user_memberships

SESSION_KEY = "vicino_membership"


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = user_memberships(user=request.user)
        request.actor = actor_for(
            user=request.user, membership_id=request.session.get(SESSION_KEY), memberships=request.memberships
        )
        return self.get_response(request)
