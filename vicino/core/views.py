"""The shell's pages: sign-in, switching place and language, home, sites, team, audit log."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import queries, services
from .forms import (
    LoginForm,
    OpeningHoursForm,
    PasswordResetForm,
    SetPasswordForm,
    SiteForm,
    TeamMemberForm,
    errors_into_form,
)
from .middleware import SESSION_KEY
from .models import Site
from .pagination import CappedPaginator
from .roles import Capability, Role

AUDIT_PAGE_SIZE = 50


def actor_required(capability: Capability | None = None) -> Callable:
    """A signed-in user acting through a membership, holding `capability` if one is named."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.actor is None:
                return render(request, "core/no_access.html", status=403)
            if capability is not None and not request.actor.can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def site_chosen(request: HttpRequest, sites: QuerySet[Site]) -> Site | None:
    """The site a page shows: the one asked for (`?site=`) among `sites`, else the user's own, else the first.

    A site outside `sites` is a 404, as if it did not exist.
    """
    chosen = request.GET.get("site") or request.POST.get("site")
    if chosen and chosen.isdigit():
        site = sites.filter(pk=int(chosen)).first()
        if site is None:
            raise Http404
        return site
    return request.actor.site or sites.first()


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        # Someone who picked a language on the login page keeps it; otherwise their saved one.
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.get_user().language, samesite="Lax")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("core:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("core:password-reset-complete")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, and remember it for a signed-in user."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=60 * 60 * 24 * 365)
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    return response


@require_POST
@login_required
def membership_switch(request: HttpRequest) -> HttpResponse:
    """Act through another of one's own memberships (another network, site or role)."""
    chosen = next((m for m in request.memberships if str(m.pk) == request.POST.get("membership")), None)
    if chosen is None:
        raise PermissionDenied
    request.session[SESSION_KEY] = chosen.pk
    messages.success(request, _("You are now working as %(membership)s.") % {"membership": chosen})
    return redirect("core:home")


@actor_required()
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it can use now: its place, its sites, its team, recent changes."""
    actor = request.actor
    context: dict = {"sites": [], "team": [], "recent_audit": [], "team_chart": None}
    if actor.can(Capability.SITES_VIEW):
        context["sites"] = list(queries.site_list(actor=actor).filter(is_active=True))
    if actor.can(Capability.TEAM_VIEW):
        context["team"] = list(queries.membership_list(actor=actor)[:12])
        context["team_total"] = queries.membership_list(actor=actor).count()
        labels = dict(Role.choices)
        by_role = queries.team_by_role(actor=actor)
        context["team_chart"] = {
            "labels": [str(labels[row["role"]]) for row in by_role],
            "values": [row["count"] for row in by_role],
        }
    if actor.can(Capability.AUDIT_VIEW):
        context["recent_audit"] = list(queries.audit_list(actor=actor)[:8])
    return render(request, "core/home.html", context)


@actor_required(Capability.SITES_VIEW)
def site_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.site_list(actor=request.actor), 50).get_page(request.GET.get("page"))
    return render(request, "core/site_list.html", {"page": page})


@actor_required(Capability.SITES_VIEW)
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(queries.site_list(actor=request.actor), pk=pk)
    team = queries.membership_list(actor=request.actor).filter(site=site)
    can_edit = request.actor.can(Capability.SITES_MANAGE)
    return render(request, "core/site_detail.html", {"site": site, "team": team, "can_edit": can_edit})


@actor_required(Capability.SITES_MANAGE)
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(queries.site_list(actor=request.actor), pk=pk)
    form = SiteForm(request.POST or None, instance=site)
    hours_form = OpeningHoursForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid() and hours_form.is_valid():
        # The model form has already copied its data onto `site`; the service compares
        # against a fresh copy so the audit entry holds the real before and after.
        fresh = get_object_or_404(queries.site_list(actor=request.actor), pk=pk)
        try:
            with transaction.atomic():
                services.site_update(
                    by=request.user, site=fresh, data={f: form.cleaned_data[f] for f in services.SITE_EDITABLE_FIELDS}
                )
                services.opening_hours_set(by=request.user, site=fresh, intervals=hours_form.cleaned_data["intervals"])
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("The site “%(site)s” was saved.") % {"site": fresh})
            return redirect("core:site-detail", pk=fresh.pk)
    return render(request, "core/site_edit.html", {"site": site, "form": form, "hours_form": hours_form})


@actor_required(Capability.TEAM_VIEW)
def team(request: HttpRequest) -> HttpResponse:
    """The team in the actor's scope; managers add people here (new ones get an invitation)."""
    actor = request.actor
    form = TeamMemberForm(request.POST or None, actor=actor) if actor.can(Capability.TEAM_MANAGE) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                membership = services.team_member_add(
                    by=request.user,
                    network=actor.network,
                    site=form.cleaned_data["site"],
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    role=form.cleaned_data["role"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(person)s now works as %(membership)s.") % {"person": membership.user, "membership": membership})
                return redirect("core:team")
    page = Paginator(queries.membership_list(actor=actor), 50).get_page(request.GET.get("page"))
    return render(request, "core/team.html", {"page": page, "form": form, "can_manage": form is not None})


@require_POST
@actor_required(Capability.TEAM_MANAGE)
def team_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(queries.membership_list(actor=request.actor), pk=pk)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot take away your own role: ask another administrator."))
    else:
        services.membership_delete(by=request.user, membership=membership)
        messages.success(request, _("%(person)s no longer works as %(membership)s.") % {"person": membership.user, "membership": membership})
    return redirect("core:team")


@actor_required(Capability.AUDIT_VIEW)
def audit_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    page = CappedPaginator(queries.audit_list(actor=request.actor, search=search), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "core/audit_list.html#audit-rows" if request.htmx else "core/audit_list.html"
    return render(request, template, {"page": page, "search": search})


def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("core/favicon.svg"), permanent=True)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or reverse("core:home")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")
