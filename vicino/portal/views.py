"""The customer portal's pages: signing in by an e-mailed link, my vehicles and their repair orders,
my bookings, my events, my privacy. Mobile-first, no account: every page reads through `queries`,
scoped to the signed-in customer, and another customer's id is simply not found (404).
"""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vicino.bookings.links import booking_manage_url
from vicino.bookings.models import Booking
from vicino.events import services as events_services
from vicino.events.links import registration_manage_url
from vicino.events.models import Event, Registration
from vicino.people import privacy as people_privacy
from vicino.people.models import CONSENT_CHANNELS, Purpose
from vicino.workshop import services as workshop
from vicino.workshop.models import Finding, RepairOrder

from . import queries, services
from .forms import EmailForm, ErasureForm
from .media import media_response
from .session import customer_required, portal_link, portal_sign_in, portal_sign_out, safe_next

POLL_SECONDS = 5


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


# --- Signing in ------------------------------------------------------------------------


def signin(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. Known address or not, the answer is the same page."""
    if request.method == "GET" and portal_link(request) is not None:
        return redirect("portal:vehicles")
    form = EmailForm(request.POST if request.method == "POST" else None, initial={"next": safe_next(request, request.GET.get("next", ""))})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.signin_link_request(email=form.cleaned_data["email"], ip_address=_ip(request),
                                             next_path=safe_next(request, form.cleaned_data["next"]))  # fmt: skip
            except ValidationError as error:
                if error.code == "too_many":
                    form.add_error(None, error)
                    status = 429
                else:
                    form.add_error("email", error)
            else:
                return redirect("portal:signin-sent")
    return render(request, "portal/signin.html", {"form": form}, status=status)


def signin_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/signin_sent.html", {"minutes": int(services.LINK_LIFETIME.total_seconds() // 60)})


def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: it signs the customer in, once; used or expired, the page says which and offers a new one."""
    try:
        link = services.signin_link_use(token=token)
    except services.LinkRefused as refused:
        current = portal_link(request)
        if refused.link is not None and current is not None and current.pk == refused.link.pk:
            return redirect("portal:vehicles")  # the same person clicking the link a second time
        form = EmailForm(initial={"email": refused.link.email if refused.link else "", "next": safe_next(request, request.GET.get("next", ""))})
        return render(request, "portal/link_refused.html", {"reason": refused.reason, "form": form}, status=410 if refused.link else 404)
    portal_sign_in(request, link)
    return redirect(safe_next(request, request.GET.get("next", "")) or "portal:vehicles")


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    portal_sign_out(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal:signin")


# --- My vehicles and their repair orders ----------------------------------------------


@customer_required
def vehicles(request: HttpRequest) -> HttpResponse:
    rows = [
        {"vehicle": vehicle, "open": [o for o in vehicle.customer_orders if o.is_open],
         "history": [o for o in vehicle.customer_orders if not o.is_open]}
        for vehicle in queries.vehicle_list(customer=request.customer)
    ]  # fmt: skip
    return render(request, "portal/vehicles.html", {"rows": rows, "section": "vehicles"})


def _version(updated_at) -> str:
    """What the poller sends back: the moment the order last changed for its owner (every workshop
    service that changes what the owner sees — status, updates, findings, answers — touches it)."""
    return f"{updated_at.timestamp():.6f}"


def _order_context(order: RepairOrder) -> dict:
    events, updates, findings = list(order.events.all()), order.visible_updates, list(order.findings.all())
    # While the version stays the same the poller is answered "nothing new" (204), so a video being
    # watched or a button being pressed is not swapped away every five seconds.
    return {
        "order": order, "events": events, "updates": updates, "findings": findings, "section": "vehicles", "poll_seconds": POLL_SECONDS,
        "version": _version(order.updated_at),
    }  # fmt: skip


@customer_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A repair order as the owner follows it; htmx polls its live part (`#order-live`) every few seconds."""
    since = request.GET.get("since", "") if request.htmx else ""
    if since:
        # The poll, most of the time: one small read of when the order last changed for its owner.
        stamp = queries.order_list(customer=request.customer).filter(pk=pk).values_list("updated_at", flat=True).first()
        if stamp is None:
            raise Http404
        if since == _version(stamp):
            return HttpResponse(status=204)
    order = get_object_or_404(queries.order_detail(customer=request.customer), pk=pk)
    context = _order_context(order)
    if request.htmx:
        return render(request, "portal/order.html#order-live", context)
    return render(request, "portal/order.html", context)


@require_POST
@customer_required
def finding_answer(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    """Approve or decline a proposed job; an answer already recorded stays as it is, and the page says so."""
    finding = get_object_or_404(queries.finding_list(customer=request.customer), pk=finding_pk, order_id=pk)
    answer = request.POST.get("answer")
    if answer not in ("approve", "decline"):
        messages.error(request, _("Choose Approve or Decline."))
    elif finding.answer != Finding.Answer.PROPOSED:
        messages.info(request, _("You had already answered: %(answer)s on %(when)s. Nothing was changed.") % {
            "answer": finding.get_answer_display().lower(), "when": timezone.localtime(finding.answered_at).strftime("%d/%m/%Y %H:%M")})  # fmt: skip
    else:
        try:
            finding = workshop.finding_answer(finding=finding, approve=answer == "approve", via=Finding.Via.PORTAL,
                                              ip_address=_ip(request), user_agent=_user_agent(request))  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if finding.answer == Finding.Answer.APPROVED:
                messages.success(request, _("Approved: “%(title)s”. The workshop will go ahead with it.") % {"title": finding.title})
            else:
                messages.success(request, _("Declined: “%(title)s”. The workshop will not do it.") % {"title": finding.title})
    return redirect("portal:order", pk=pk)


@customer_required
def media(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo or video of one of the customer's orders, marked visible; anyone else's is not found."""
    update = get_object_or_404(queries.media_list(customer=request.customer), pk=pk)
    return media_response(request, update.media, update.media_type or "application/octet-stream")


# --- My bookings, my events -----------------------------------------------------------


@customer_required
def bookings(request: HttpRequest) -> HttpResponse:
    """Upcoming and past bookings; moving and cancelling go through the bookings' own signed page."""
    upcoming, past = queries.bookings_split(customer=request.customer)
    now = timezone.now()
    rows = [{"booking": b, "manage_url": booking_manage_url(b) if b.status == Booking.Status.CONFIRMED and b.starts_at > now else ""}
            for b in upcoming]  # fmt: skip
    return render(request, "portal/bookings.html", {"upcoming": rows, "past": past, "section": "bookings"})


@customer_required
def events(request: HttpRequest) -> HttpResponse:
    """Upcoming registrations with their ticket page, and cancelling in one tap."""
    rows = [{"registration": r, "ticket_url": registration_manage_url(r),
             "cancellable": r.status != Registration.Status.CANCELLED and r.event.status != Event.Status.CANCELLED}
            for r in queries.registrations_upcoming(customer=request.customer)]  # fmt: skip
    return render(request, "portal/events.html", {"rows": rows, "section": "events"})


@require_POST
@customer_required
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(queries.registration_list(customer=request.customer), pk=pk)
    events_services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration for %(event)s is cancelled.") % {"event": registration.event})
    return redirect("portal:events")


# --- My privacy -------------------------------------------------------------------------


def _privacy_render(request: HttpRequest, *, status: int = 200, erasure_form: ErasureForm | None = None) -> HttpResponse:
    customer = request.customer
    context = {
        "grid": queries.consent_grid(customer=customer), "notice": queries.privacy_notice_latest(customer=customer),
        "requests": list(queries.privacy_request_list(customer=customer)[:20]), "erasure_open": queries.erasure_open(customer=customer),
        "erasure_form": erasure_form or ErasureForm(), "section": "privacy",
    }  # fmt: skip
    return render(request, "portal/privacy.html", context, status=status)


def _consent_cells(values: list[str]) -> set[tuple[str, str]]:
    cells = set()
    for value in values:
        purpose, _sep, channel = value.partition(":")
        if purpose in Purpose.values and channel in CONSENT_CHANNELS:
            cells.add((purpose, channel))
    return cells


@customer_required
def privacy(request: HttpRequest) -> HttpResponse:
    """Consents per purpose and channel, each one grantable and withdrawable; data download; erasure."""
    if request.method != "POST":
        return _privacy_render(request)
    # The boxes ticked now against those ticked when the page was shown: only what the customer changed is written.
    wanted, shown = _consent_cells(request.POST.getlist("consent")), _consent_cells(request.POST.getlist("shown"))
    changes = {cell: True for cell in wanted - shown} | {cell: False for cell in shown - wanted}
    try:
        recorded = services.portal_consents_set(customer=request.customer, changes=changes, link=request.portal_link,
                                                ip_address=_ip(request), user_agent=_user_agent(request))  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _privacy_render(request, status=422)
    messages.success(request, _("Your choices are saved.") if recorded else _("Nothing to change: your choices were already these."))
    return redirect("portal:privacy")


@require_POST
@customer_required
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything the network holds about the customer, as a ZIP (GDPR arts. 15 and 20); staff see it was exported."""
    archive = people_privacy.customer_data_archive(by=None, customer=request.customer)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@customer_required
def erasure(request: HttpRequest) -> HttpResponse:
    """Ask for erasure: a confirmation first; then one request for staff, never a second while one is open."""
    already = queries.erasure_open(customer=request.customer)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and already is None:
        if not form.is_valid():
            return render(request, "portal/erasure.html", {"form": form, "section": "privacy"}, status=422)
        request_, created = services.portal_erasure_request(customer=request.customer)
        if created:
            messages.success(request, _("Your request for erasure has been received. The network will answer by %(date)s.") % {
                "date": timezone.localtime(request_.due_at).strftime("%d/%m/%Y")})  # fmt: skip
            return redirect("portal:privacy")
        already = request_
    if already is not None:
        messages.info(request, _("Your request for erasure of %(date)s is already in progress: there is no need to ask again.") % {
            "date": timezone.localtime(already.received_at).strftime("%d/%m/%Y")})  # fmt: skip
        return redirect("portal:privacy")
    return render(request, "portal/erasure.html", {"form": form, "section": "privacy"})
