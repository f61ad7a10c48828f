"""Setting a site's diary up (site managers, head office): resources, offerings, closures, days with other hours, the patron saint."""

import copy
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.core.forms import errors_into_form
from vicino.core.models import Site, User
from vicino.core.roles import Capability
from vicino.core.views import actor_required, site_chosen
from vicino.sales import queries as sales_queries

from . import queries, setup
from .forms_setup import ClosureForm, OfferingForm, OpeningExceptionForm, PatronForm, ResourceForm
from .models import Offering, Resource
from .slots import zone


def _site(request: HttpRequest) -> Site:
    site = site_chosen(request, queries.diary_sites(actor=request.actor))
    if site is None:
        raise Http404
    return site


def _back(site: Site) -> HttpResponse:
    return redirect(f"{reverse('bookings:setup')}?site={site.pk}")


def _when(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at, zone()):%d/%m/%Y %H:%M}"


@actor_required(Capability.BOOKINGS_SETUP)
def setup_page(request: HttpRequest) -> HttpResponse:
    """The site's diary at a glance, with the forms for what changes week by week: closures, other hours."""
    return _setup_render(request, _site(request))


def _setup_render(request: HttpRequest, site: Site, forms: dict | None = None, status: int = 200) -> HttpResponse:
    """The setup page; a form posted back with errors takes the place of its empty one."""
    actor = request.actor
    made = queries.setup_of(actor=actor, site=site)
    calendar = made.calendar
    forms = {
        "closure_form": ClosureForm(resources=queries.resource_list(actor=actor).filter(site=site), prefix="closure"),
        "exception_form": OpeningExceptionForm(prefix="exception"),
        "patron_form": PatronForm(prefix="patron", initial={"patron_saint": calendar.patron_saint, "patron_day": calendar.patron_day,
                                                             "patron_month": calendar.patron_month} if calendar else None),  # fmt: skip
        **(forms or {}),
    }
    return render(request, "bookings/setup.html", {"setup": made, "site": site, "sites": queries.diary_sites(actor=actor) if actor.is_head_office else None,
                                                   **forms}, status=status)  # fmt: skip


@require_POST
@actor_required(Capability.BOOKINGS_SETUP)
def closure_add(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = ClosureForm(request.POST, resources=queries.resource_list(actor=request.actor).filter(site=site), prefix="closure")
    if form.is_valid():
        try:
            _closure, overlapping = setup.closure_add(by=request.user, resource=form.cleaned_data["resource"], starts_at=form.cleaned_data["starts_at"],
                                                      ends_at=form.cleaned_data["ends_at"], reason=form.cleaned_data["reason"].strip())  # fmt: skip
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("%(resource)s cannot be booked from %(start)s to %(end)s.") % {
                "resource": form.cleaned_data["resource"], "start": _when(form.cleaned_data["starts_at"]), "end": _when(form.cleaned_data["ends_at"])})  # fmt: skip
            if overlapping:
                listed = "; ".join(f"{_when(b.starts_at)} {b.offering} – {b.customer.display_name}" for b in overlapping)
                messages.warning(request, _("Already booked in that time, to move: %(bookings)s.") % {"bookings": listed})
            return _back(site)
    return _setup_render(request, site, forms={"closure_form": form}, status=422)


@require_POST
@actor_required(Capability.BOOKINGS_SETUP)
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(queries.closure_list(actor=request.actor), pk=pk)
    setup.closure_remove(by=request.user, closure=closure)
    messages.success(request, _("%(resource)s can be booked again from %(start)s to %(end)s.") % {
        "resource": closure.resource, "start": _when(closure.starts_at), "end": _when(closure.ends_at)})  # fmt: skip
    return _back(closure.resource.site)


@require_POST
@actor_required(Capability.BOOKINGS_SETUP)
def exception_add(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = OpeningExceptionForm(request.POST, prefix="exception")
    if form.is_valid():
        try:
            setup.opening_exception_set(by=request.user, site=site, **{k: v.strip() if isinstance(v, str) else v for k, v in form.cleaned_data.items()})
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("%(date)s now has its own hours.") % {"date": f"{form.cleaned_data['date']:%d/%m/%Y}"})
            return _back(site)
    return _setup_render(request, site, forms={"exception_form": form}, status=422)


@require_POST
@actor_required(Capability.BOOKINGS_SETUP)
def exception_remove(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(queries.opening_exception_list(actor=request.actor), pk=pk)
    setup.opening_exception_remove(by=request.user, exception=exception)
    messages.success(request, _("%(date)s follows the usual hours again.") % {"date": f"{exception.date:%d/%m/%Y}"})
    return _back(exception.site)


@require_POST
@actor_required(Capability.BOOKINGS_SETUP)
def patron_set(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = PatronForm(request.POST, prefix="patron")
    if form.is_valid():
        data = form.cleaned_data
        try:
            setup.site_calendar_set(by=request.user, site=site, patron_saint=data["patron_saint"], month=data["patron_month"], day=data["patron_day"])
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("The patron saint's day is saved."))
            return _back(site)
    return _setup_render(request, site, forms={"patron_form": form}, status=422)


@actor_required(Capability.BOOKINGS_SETUP)
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a resource to the site, or change one: what it is, who or which car, its own hours."""
    actor = request.actor
    resource = get_object_or_404(queries.resource_list(actor=actor).prefetch_related("hours"), pk=pk) if pk else None
    site = resource.site if resource else _site(request)
    form = ResourceForm(
        # A copy: the form writes what it cleaned into its instance, and the service compares with the resource as it was.
        request.POST or None, instance=copy.copy(resource) if resource else Resource(network=site.network, site=site),
        users=User.objects.filter(memberships__site=site, is_active=True).distinct().order_by("full_name"),
        models=sales_queries.catalogue(actor=actor).filter(is_active=True).order_by("make", "model", "trim"),
        stock=sales_queries.stock_list(actor=actor).filter(site=site).order_by("make", "model", "vin"),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            saved = setup.resource_save(by=request.user, site=site, resource=resource, data=form.cleaned_data, hours=form.hours())
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("%(resource)s is saved.") % {"resource": saved})
            return _back(site)
    status = 422 if request.method == "POST" else 200
    return render(request, "bookings/setup_resource.html", {"form": form, "site": site, "resource": resource}, status=status)


@actor_required(Capability.BOOKINGS_SETUP)
def offering_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add what the site offers, or change it: times and rules, the resources it needs at once, its checklists."""
    actor = request.actor
    offering = get_object_or_404(queries.offering_list(actor=actor).prefetch_related("checklists__steps"), pk=pk) if pk else None
    site = offering.site if offering else _site(request)
    form = OfferingForm(request.POST or None, instance=copy.copy(offering) if offering else Offering(network=site.network, site=site))
    if request.method == "POST" and form.is_valid():
        try:
            saved = setup.offering_save(by=request.user, site=site, offering=offering, data=form.cleaned_data, needs=form.needs(),
                                        checklists=form.cleaned_data["checklists"])  # fmt: skip
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("%(offering)s is saved.") % {"offering": saved})
            return _back(site)
    status = 422 if request.method == "POST" else 200
    return render(request, "bookings/setup_offering.html", {"form": form, "site": site, "offering": offering}, status=status)
