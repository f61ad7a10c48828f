"""Vehicle pages: the network's catalogue, each site's stock with its photos."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.core.forms import errors_into_form
from vicino.core.pagination import CappedPaginator
from vicino.core.roles import Capability
from vicino.core.views import actor_required

from . import queries, stock
from .forms import StockPhotoForm, StockVehicleForm, VehicleModelForm
from .models import Condition, Fuel, StockVehicle

PAGE_SIZE = 50


@actor_required(Capability.LEADS_VIEW)
def stock_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    vehicles = queries.stock_list(actor=actor).prefetch_related("photos")
    filters = {key: request.GET.get(key, "") for key in ("status", "condition", "fuel", "zone")}
    if filters["status"] in StockVehicle.Status.values:
        vehicles = vehicles.filter(status=filters["status"])
    if filters["condition"] in Condition.values:
        vehicles = vehicles.filter(condition=filters["condition"])
    if filters["fuel"] in Fuel.values:
        vehicles = vehicles.filter(fuel=filters["fuel"])
    if filters["zone"]:
        vehicles = vehicles.filter(zone__iexact=filters["zone"].strip())
    page = CappedPaginator(vehicles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "filters": filters, "statuses": StockVehicle.Status.choices, "conditions": Condition.choices, "fuels": Fuel.choices,
        "can_manage": actor.can(Capability.VEHICLES_MANAGE),
    }  # fmt: skip
    return render(request, "sales/stock_list.html", context)


@actor_required(Capability.VEHICLES_MANAGE)
def stock_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    form = StockVehicleForm(request.POST or None, actor=actor, models=queries.catalogue(actor=actor))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        site, model = data.pop("site"), data.pop("vehicle_model")
        fields = {key: value for key, value in data.items() if value not in (None, "") or key in ("vin", "price")}
        fields["km"] = fields.get("km") or 0
        try:
            vehicle = stock.stock_vehicle_create(by=request.user, site=site, vehicle_model=model, **fields)
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("%(vehicle)s is in stock.") % {"vehicle": vehicle})
            return redirect("sales:stock-detail", pk=vehicle.pk)
    return render(request, "sales/stock_form.html", {"form": form}, status=422 if form.errors else 200)


@actor_required(Capability.LEADS_VIEW)
def stock_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_object_or_404(queries.stock_list(actor=request.actor).prefetch_related("photos"), pk=pk)
    form = StockPhotoForm()
    status = 200
    if request.method == "POST":
        if not request.actor.can(Capability.VEHICLES_MANAGE):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = StockPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                stock.stock_photo_add(by=request.user, vehicle=vehicle, upload=form.cleaned_data["image"])
            except ValidationError as error:
                errors_into_form(form, error)
            else:
                messages.success(request, _("Photo added."))
                return redirect("sales:stock-detail", pk=pk)
        status = 422
    context = {"vehicle": vehicle, "photo_form": form, "statuses": StockVehicle.Status.choices, "can_manage": request.actor.can(Capability.VEHICLES_MANAGE)}
    return render(request, "sales/stock_detail.html", context, status=status)


@require_POST
@actor_required(Capability.VEHICLES_MANAGE)
def stock_status(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_object_or_404(queries.stock_list(actor=request.actor), pk=pk)
    try:
        stock.stock_vehicle_update(by=request.user, vehicle=vehicle, data={"status": request.POST.get("status", "")})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sales:stock-detail", pk=pk)


@actor_required(Capability.LEADS_VIEW)
def catalogue_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    can_manage = actor.can(Capability.VEHICLES_MANAGE) and actor.is_head_office
    form = VehicleModelForm(request.POST or None) if can_manage else None
    if request.method == "POST" and can_manage and form.is_valid():
        try:
            entry = stock.vehicle_model_create(by=request.user, network=actor.network, **form.cleaned_data)
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("%(model)s added to the catalogue.") % {"model": entry})
            return redirect("sales:catalogue")
    context = {"models": queries.catalogue(actor=actor), "form": form}
    return render(request, "sales/catalogue.html", context, status=422 if form is not None and form.errors else 200)
