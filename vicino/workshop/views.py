"""The staff side of the workshop: the board, an order's page, opening an order, the technician's phone page,
staff-only media, and the courtesy cars."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.bookings import queries as bookings_queries
from vicino.bookings.models import Resource
from vicino.core.forms import errors_into_form
from vicino.core.models import Site, User
from vicino.core.roles import Capability, Role
from vicino.core.views import actor_required, site_chosen
from vicino.people import queries as people_queries
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, Customer
from vicino.people.search import customer_search

from . import queries, services
from .forms import AnswerForm, AssignForm, DeliverForm, LoanBackForm, LoanOutForm, OrderOpenForm, StatusForm, UpdateForm, WorkLineForm
from .models import Loan, RepairOrder, Vehicle, plate_clean

S = RepairOrder.Status
# The board's columns, left to right; a delivered order has left the board.
BOARD_COLUMNS = [S.RECEIVED, S.DIAGNOSIS, S.WAITING_APPROVAL, S.WAITING_PARTS, S.IN_PROGRESS, S.QUALITY_CHECK, S.READY]
CUSTOMERS_SHOWN = 10
CENT = Decimal("0.01")


def _site(request: HttpRequest) -> Site | None:
    """The site whose workshop is shown: a site member's own; head office picks one (the first by default)."""
    return site_chosen(request, queries.workshop_sites(actor=request.actor))


def _errors_into(form: BaseForm, error: ValidationError, renamed: dict[str, str] | None = None) -> None:
    """A service's refusal next to the form's field, where the service names it differently (`media` → `photos`)."""
    if renamed and hasattr(error, "error_dict"):
        error = ValidationError({renamed.get(field, field): errors for field, errors in error.error_dict.items()})
    errors_into_form(form, error)


# --- The board ------------------------------------------------------------------------


@actor_required(Capability.WORKSHOP_VIEW)
def board(request: HttpRequest) -> HttpResponse:
    """A site's open orders in a column per status, and today's service appointments still to open; htmx refreshes both."""
    actor = request.actor
    site = _site(request)
    now = timezone.now()
    columns = {status: [] for status in BOARD_COLUMNS}
    appointments = []
    if site is not None:
        for order in queries.repair_order_board(actor=actor, site=site):
            columns[order.status].append(order)
        appointments = list(queries.service_appointments_today(actor=actor, site=site, now=now))
    context = {
        "site": site, "sites": queries.workshop_sites(actor=actor) if actor.is_head_office else None, "now": now,
        "columns": [(status, columns[status]) for status in BOARD_COLUMNS], "appointments": appointments,
        "can_manage": actor.can(Capability.WORKSHOP_MANAGE),
    }  # fmt: skip
    return render(request, "workshop/board.html#board" if request.htmx else "workshop/board.html", context)


# --- An order's page ------------------------------------------------------------------


def _order(request: HttpRequest, pk: int, *, detail: bool = False) -> RepairOrder:
    orders = queries.repair_order_detail(actor=request.actor) if detail else queries.repair_order_list(actor=request.actor)
    return get_object_or_404(orders, pk=pk)


@actor_required(Capability.WORKSHOP_VIEW)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_render(request, _order(request, pk, detail=True))


def _detail_render(request: HttpRequest, order: RepairOrder, *, status: int = 200, **forms) -> HttpResponse:
    actor = request.actor
    can_manage = actor.can(Capability.WORKSHOP_MANAGE)
    findings = list(order.findings.all())
    context = {
        "order": order, "now": timezone.now(), "totals": services.order_totals(order), "lines": [(line, (line.quantity * line.unit_price).quantize(CENT)) for line in order.lines.all()],
        "updates": list(order.updates.all()), "findings": findings, "events": list(order.events.all()), "loans": list(order.loans.all()),
        "can_work": actor.can(Capability.WORKSHOP_WORK), "can_manage": can_manage,
        "status_form": forms.get("status_form") or StatusForm(initial={"status": order.status}),
        "deliver_form": forms.get("deliver_form") or DeliverForm(initial={"km_out": order.km_in}),
        "assign_form": forms.get("assign_form") or _assign_form(order, initial={
            "technician": order.technician_id, "bay": order.bay_id,
            "promised_at": timezone.localtime(order.promised_at) if order.promised_at else None}),
        "earlier": queries.vehicle_history(actor=actor, vehicle=order.vehicle).exclude(pk=order.pk)[:20],
        "line_form": forms.get("line_form") or WorkLineForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(), "answer_finding": forms.get("answer_finding"),
        "proposed": [f for f in findings if f.answer == f.Answer.PROPOSED],
        "courtesy_available": queries.courtesy_vehicles_available(actor=actor, site=order.site).exists() if can_manage and order.is_open else False,
    }  # fmt: skip
    return render(request, "workshop/order_detail.html", context, status=status)


def _assign_form(order: RepairOrder, data=None, initial=None) -> AssignForm:
    technicians = User.objects.filter(memberships__site=order.site, memberships__role__in=(Role.TECHNICIAN, Role.SERVICE_ADVISOR),
                                      is_active=True).distinct().order_by("full_name")  # fmt: skip
    bays = Resource.objects.filter(site=order.site, kind=Resource.Kind.BAY, is_active=True).order_by("name")
    return AssignForm(data, initial=initial, technicians=technicians, bays=bays)


@require_POST
@actor_required(Capability.WORKSHOP_MANAGE)
def order_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the car to a technician and a bay, and promise a time."""
    order = _order(request, pk)
    form = _assign_form(order, request.POST)
    if form.is_valid():
        try:
            services.order_assign(by=request.user, order=order, **form.cleaned_data)
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("workshop:order-detail", pk=order.pk)
    return _detail_render(request, _order(request, pk, detail=True), assign_form=form, status=422)


def _back(request: HttpRequest, order: RepairOrder) -> HttpResponse:
    if request.POST.get("back") == "update":
        return redirect("workshop:order-update", pk=order.pk)
    return redirect("workshop:order-detail", pk=order.pk)


@require_POST
@actor_required(Capability.WORKSHOP_WORK)
def order_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the order along (technicians too, while they work on it)."""
    order = _order(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.order_status_move(by=request.user, order=order, status=form.cleaned_data["status"])
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("Now: %(status)s.") % {"status": S(form.cleaned_data["status"]).label})
            return _back(request, order)
    else:
        messages.error(request, _("Choose one of the statuses."))
    return _back(request, order)


@require_POST
@actor_required(Capability.WORKSHOP_MANAGE)
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner collects the car: the order closes."""
    order = _order(request, pk)
    form = DeliverForm(request.POST)
    if form.is_valid():
        try:
            services.order_deliver(by=request.user, order=order, km_out=form.cleaned_data["km_out"])
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Handed back: the order is closed."))
            return redirect("workshop:order-detail", pk=order.pk)
    return _detail_render(request, _order(request, pk, detail=True), deliver_form=form, status=422)


@require_POST
@actor_required(Capability.WORKSHOP_MANAGE)
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Price a piece of labour or a part on the order."""
    order = _order(request, pk)
    form = WorkLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.work_line_add(by=request.user, order=order, kind=data["kind"], description=data["description"], unit_price=data["unit_price"],
                                   quantity=data["quantity"], vat_rate=data["vat_rate"])  # fmt: skip
        except ValidationError as refused:
            errors_into_form(form, refused)
        else:
            messages.success(request, _("Line added."))
            return redirect("workshop:order-detail", pk=order.pk)
    return _detail_render(request, _order(request, pk, detail=True), line_form=form, status=422)


@require_POST
@actor_required(Capability.WORKSHOP_MANAGE)
def finding_answer(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    """The owner's answer given by phone or at the counter, recorded by the advisor who took it."""
    order = _order(request, pk)
    finding = get_object_or_404(order.findings.all(), pk=finding_pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.finding_answer(finding=finding, approve=form.cleaned_data["approve"], via=form.cleaned_data["via"], recorded_by=request.user,
                                    ip_address=request.META.get("REMOTE_ADDR") or None, user_agent=request.META.get("HTTP_USER_AGENT", ""))  # fmt: skip
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Answer recorded."))
            return redirect("workshop:order-detail", pk=order.pk)
    return _detail_render(request, _order(request, pk, detail=True), answer_form=form, answer_finding=finding.pk, status=422)


# --- Opening an order -----------------------------------------------------------------


@actor_required(Capability.WORKSHOP_MANAGE)
def order_create(request: HttpRequest) -> HttpResponse:
    """Open a repair order: from a service booking (`?booking=`), or at the counter — the car found by plate or VIN, the owner chosen or new."""
    actor = request.actor
    source = request.POST if request.method == "POST" else request.GET
    booking = None
    if source.get("booking", "").isdigit():
        booking = get_object_or_404(bookings_queries.booking_list(actor=actor), pk=int(source["booking"]))
        existing = queries.repair_order_list(actor=actor).filter(booking=booking).first()
        if existing is not None:
            messages.info(request, _("This booking already has its repair order."))
            return redirect("workshop:order-detail", pk=existing.pk)
        site = booking.site
    else:
        site = _site(request)
    if site is None:
        raise Http404
    find = source.get("find", "").strip()[:40]
    vehicle = _vehicle_found(actor, find) if find else None
    if booking is not None and vehicle is None and not find:
        owned = list(queries.vehicle_list(actor=actor).filter(owners=booking.customer)[:2])
        vehicle = owned[0] if len(owned) == 1 else None
    candidates, search = _customers_offered(request, vehicle, booking)
    initial = {"promised_at": timezone.localtime(booking.ends_at) if booking else None}
    if vehicle is not None:
        initial.update(plate=vehicle.plate, vin=vehicle.vin, make=vehicle.make, model=vehicle.model, year=vehicle.year, km_in=vehicle.km or None)
    elif find:
        initial["plate" if len(plate_clean(find)) < 11 else "vin"] = find.upper()
    if len(candidates) == 1:
        initial["customer"] = candidates[0].pk
    form = OrderOpenForm(request.POST or None, initial=initial, fixed_customer=booking.customer if booking else None,
                         customers=people_queries.customer_list(actor=actor))  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = _order_open(request, site, form.cleaned_data, booking)
            except ValidationError as refused:
                errors_into_form(form, refused)
            else:
                messages.success(request, _("Repair order %(number)s opened.") % {"number": order.number})
                return redirect("workshop:order-detail", pk=order.pk)
        status = 422
    context = {"form": form, "site": site, "booking": booking, "vehicle": vehicle, "find": find, "candidates": candidates, "search": search,
               "sites": queries.workshop_sites(actor=actor) if actor.is_head_office and booking is None else None,
               "not_found": bool(find) and vehicle is None}  # fmt: skip
    return render(request, "workshop/order_form.html", context, status=status)


def _vehicle_found(actor, text: str) -> Vehicle | None:
    """The network's car with this plate or VIN, however it was typed."""
    plate = plate_clean(text)
    if not plate:
        return None
    return queries.vehicle_list(actor=actor).filter(Q(plate=plate) | Q(vin=plate)).first()


def _customers_offered(request: HttpRequest, vehicle: Vehicle | None, booking) -> tuple[list[Customer], str]:
    """Whom the counter can pick: the car's owners, and the customers a name search finds."""
    if booking is not None:
        return [], ""
    actor = request.actor
    customers = people_queries.customer_list(actor=actor)
    offered: list[Customer] = list(customers.filter(vehicles=vehicle)[:CUSTOMERS_SHOWN]) if vehicle is not None else []
    search = request.GET.get("q", "").strip()[:100]
    if search:
        offered += [c for c in customer_search(actor=actor, text=search, base=customers, limit=CUSTOMERS_SHOWN)[:CUSTOMERS_SHOWN] if c not in offered]
    chosen = (request.POST.get("customer") or request.GET.get("customer") or "").strip()
    if chosen.isdigit() and all(c.pk != int(chosen) for c in offered):
        offered += list(customers.filter(pk=int(chosen)))
    return offered, search


@transaction.atomic
def _order_open(request: HttpRequest, site: Site, data: dict, booking) -> RepairOrder:
    """The owner (found, chosen or new), their car, the order: all of it, or nothing."""
    vehicle_data = {name: data[name] for name in ("plate", "vin", "make", "model", "year") if data.get(name) not in (None, "")}
    vehicle_data.setdefault("plate", "")
    vehicle_data.setdefault("vin", "")
    if booking is not None:
        vehicle = services.vehicle_save(by=request.user, network=site.network, data=vehicle_data, owners=[booking.customer])
        return services.repair_order_from_booking(by=request.user, booking=booking, vehicle=vehicle, km_in=data["km_in"],
                                                  promised_at=data["promised_at"], complaint=data["complaint"])  # fmt: skip
    customer = data.get("customer")
    if customer is None:
        person = PersonIn(first_name=data["first_name"], last_name=data["last_name"], emails=(data["email"],) if data["email"] else (),
                          phones=(data["phone"],) if data["phone"] else ())  # fmt: skip
        matched = customer_match_or_create(by=request.user, network=site.network, site=site, person=person, channel=Channel.WORKSHOP,
                                           summary=_("Customer record created at the workshop counter"))  # fmt: skip
        customer = Customer.objects.get(pk=matched.customer_id)
    vehicle = services.vehicle_save(by=request.user, network=site.network, data=vehicle_data, owners=[customer])
    return services.repair_order_open(by=request.user, site=site, vehicle=vehicle, customer=customer, source=RepairOrder.Source.COUNTER,
                                      complaint=data["complaint"], km_in=data["km_in"], promised_at=data["promised_at"])  # fmt: skip


# --- The technician's page ------------------------------------------------------------


_FINDING_FIELDS = {"title": "finding_title", "grade": "finding_grade", "price": "finding_price"}


@actor_required(Capability.WORKSHOP_WORK)
def order_update(request: HttpRequest, pk: int) -> HttpResponse:
    """On the phone by the car: a note, a photo or video, work found with its price, and the order along."""
    order = _order(request, pk)
    form = UpdateForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form.is_finding:
                    services.finding_propose(by=request.user, order=order, title=data["finding_title"], grade=data["finding_grade"],
                                             price=data["finding_price"], text=data["text"], upload=data["media"])  # fmt: skip
                else:
                    services.update_post(by=request.user, order=order, text=data["text"], is_visible=data["is_visible"], upload=data["media"])
            except ValidationError as refused:
                _errors_into(form, refused, _FINDING_FIELDS)
            else:
                messages.success(request, _("Sent to the customer for approval.") if form.is_finding else _("Update saved."))
                return redirect("workshop:order-update", pk=order.pk)
        status = 422
    context = {"order": order, "form": form, "statuses": [(s.value, s.label) for s in services.MOVABLE]}
    return render(request, "workshop/order_update.html", context, status=status)


# --- Media, for staff only --------------------------------------------------------------


def _file_response(field, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    # Photos of customers' cars: not kept by shared caches, not guessed into another type.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@actor_required(Capability.WORKSHOP_VIEW)
def update_media(request: HttpRequest, pk: int) -> HttpResponse:
    """An update's photo or video, to staff who may see its order."""
    update = get_object_or_404(queries.order_update_list(actor=request.actor), pk=pk)
    return _file_response(update.media, update.media_type)


@actor_required(Capability.WORKSHOP_VIEW)
def loan_photo(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(queries.loan_photo_list(actor=request.actor), pk=pk)
    name = photo.image.name.lower()
    content_type = "image/png" if name.endswith(".png") else "image/webp" if name.endswith(".webp") else "image/jpeg"
    return _file_response(photo.image, content_type)


# --- Courtesy cars --------------------------------------------------------------------


@actor_required(Capability.WORKSHOP_VIEW)
def courtesy_list(request: HttpRequest) -> HttpResponse:
    """A site's courtesy cars: free, or out with whom since when."""
    actor = request.actor
    site = _site(request)
    vehicles = list(queries.courtesy_vehicle_board(actor=actor, site=site)) if site else []
    context = {"site": site, "vehicles": vehicles, "sites": queries.workshop_sites(actor=actor) if actor.is_head_office else None,
               "can_manage": actor.can(Capability.WORKSHOP_MANAGE)}  # fmt: skip
    return render(request, "workshop/courtesy_list.html", context)


@actor_required(Capability.WORKSHOP_MANAGE)
def loan_out(request: HttpRequest) -> HttpResponse:
    """Lend a courtesy car to the customer of an order (`?order=`) or to a customer (`?customer=`): km, level, damage, photos."""
    actor = request.actor
    source = request.POST if request.method == "POST" else request.GET
    order = customer = None
    if request.GET.get("order", "").isdigit():
        order = get_object_or_404(queries.repair_order_list(actor=actor).exclude(status=S.DELIVERED), pk=int(request.GET["order"]))
    elif request.GET.get("customer", "").isdigit():
        customer = get_object_or_404(people_queries.customer_list(actor=actor), pk=int(request.GET["customer"]))
    site = order.site if order is not None else _site(request)
    if site is None:
        raise Http404
    vehicles = queries.courtesy_vehicles_available(actor=actor, site=site)
    orders = queries.repair_order_board(actor=actor, site=site)
    initial = {"order": order.pk if order else None, "courtesy_vehicle": source.get("vehicle") if source.get("vehicle", "").isdigit() else None}
    form = LoanOutForm(request.POST or None, request.FILES or None, vehicles=vehicles, orders=orders, customer=customer, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = data["order"] or order
            try:
                services.loan_out(by=request.user, courtesy_vehicle=data["courtesy_vehicle"], customer=chosen.customer if chosen else customer,
                                  km=data["km"], level=data["level"], damage=data["damage"], order=chosen, photos=data["photos"])  # fmt: skip
            except ValidationError as refused:
                _errors_into(form, refused, {"media": "photos"})
            else:
                messages.success(request, _("%(car)s lent.") % {"car": data["courtesy_vehicle"]})
                return redirect("workshop:order-detail", pk=chosen.pk) if chosen else redirect(f"{reverse("workshop:courtesy-list")}?site={site.pk}")
        status = 422
    context = {"form": form, "site": site, "order": order, "customer": customer, "none_available": not vehicles.exists()}
    return render(request, "workshop/loan_out.html", context, status=status)


@actor_required(Capability.WORKSHOP_MANAGE)
def loan_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The courtesy car is back: km, level, any new damage, photos."""
    loan: Loan = get_object_or_404(queries.loan_list(actor=request.actor), pk=pk)
    if loan.back_at is not None:
        messages.info(request, _("This car has already been given back."))
        return redirect(f"{reverse("workshop:courtesy-list")}?site={loan.courtesy_vehicle.site_id}")
    form = LoanBackForm(request.POST or None, request.FILES or None, initial={"km": loan.out_km, "level": loan.out_level})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.loan_back(by=request.user, loan=loan, km=data["km"], level=data["level"], damage=data["damage"], photos=data["photos"])
            except ValidationError as refused:
                _errors_into(form, refused, {"media": "photos"})
            else:
                messages.success(request, _("%(car)s given back.") % {"car": loan.courtesy_vehicle})
                return redirect(f"{reverse("workshop:courtesy-list")}?site={loan.courtesy_vehicle.site_id}")
        status = 422
    return render(request, "workshop/loan_back.html", {"form": form, "loan": loan}, status=status)
