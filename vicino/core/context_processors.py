"""What every page of the shell needs: the actor, the switcher and the navigation."""

from django.http import HttpRequest

from . import navigation


def shell(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {
        "actor": actor,
        "memberships": getattr(request, "memberships", []),
        "sidebar": navigation.sidebar_for(actor, current),
        "user_menu": navigation.user_menu_for(actor, current),
    }
