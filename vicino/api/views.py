"""Personal API tokens in the UI: create (shown once), list, revoke."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.core.roles import Capability
from vicino.core.views import actor_required

from . import queries, services
from .forms import ApiTokenForm


@actor_required(Capability.API_ACCESS)
def token_list(request: HttpRequest) -> HttpResponse:
    """List one's tokens; a POST creates one and shows its secret on this response only."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, plaintext = services.api_token_create(
            by=request.user, membership=request.actor.membership, name=form.cleaned_data["name"]
        )
        created = {"token": token, "plaintext": plaintext}
        form = ApiTokenForm()
    tokens = queries.api_token_list(user=request.user)
    response = render(request, "api/token_list.html", {"form": form, "tokens": tokens, "created": created})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@actor_required(Capability.API_ACCESS)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(queries.api_token_list(user=request.user), pk=pk)
    services.api_token_revoke(by=request.user, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api:token-list")
