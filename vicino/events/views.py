"""The staff side of events: the schedule (palinsesto) by month or year and its printable view, an
event's page with its guests, figures and sponsors, planning an event, partners, and the door."""

import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vicino.core.audit import audit_record
from vicino.core.forms import errors_into_form
from vicino.core.models import Site
from vicino.core.pagination import CappedPaginator
from vicino.core.roles import Capability
from vicino.core.views import actor_required
from vicino.people.exports import export_csv
from vicino.people.importfile import cell_safe
from vicino.people.matching import PersonIn

from . import queries, services
from .forms import EventForm, PartnerForm, RescheduleForm, SponsorshipForm, WalkInForm
from .models import Event, Partner, Registration, SponsorshipDocument
from .times import local

GUESTS_PER_PAGE = 100
SEARCH_SHOWN = 20


def _sites(request: HttpRequest):
    return request.actor.scope(Site.objects.filter(is_active=True)).order_by("name")


def _wall_clock(event: Event, moment: datetime.datetime | None) -> datetime.datetime | None:
    return local(event, moment).replace(tzinfo=None) if moment else None


def _month_asked(value: str, today: datetime.date) -> datetime.date:
    """The month asked for (`2027-03`), within a century of today; anything else is this month."""
    try:
        year, month = (int(part) for part in value.split("-", 1))
        if abs(year - today.year) <= 100:
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


# --- The schedule -------------------------------------------------------------------------


@actor_required(Capability.EVENTS_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    """The palinsesto: a month as a calendar, or a year as twelve lists; `print=1` drops the chrome for paper."""
    actor = request.actor
    today = timezone.localdate()
    view = "year" if request.GET.get("view") == "year" else "month"
    first = _month_asked(request.GET.get("month", ""), today)
    site = None
    chosen = request.GET.get("site", "")
    if chosen.isascii() and chosen.isdigit():
        site = _sites(request).filter(pk=int(chosen)).first()
        if site is None:
            raise Http404
    if view == "year":
        first, last = first.replace(month=1), first.replace(month=12, day=31)
    else:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    events = list(queries.event_schedule(actor=actor, first=first, last=last, site=site))
    context = {"view": view, "first": first, "last": last, "site": site, "sites": _sites(request), "events": events, "today": today,
               "can_manage": actor.can(Capability.EVENTS_MANAGE), "printing": request.GET.get("print") == "1"}  # fmt: skip
    if view == "month":
        by_day: dict[datetime.date, list[Event]] = {}
        for event in events:
            day = max(timezone.localdate(event.starts_at), first)
            while day <= min(timezone.localdate(event.ends_at), last):
                by_day.setdefault(day, []).append(event)
                day += datetime.timedelta(days=1)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        context["weeks"] = [[(day, day.month == first.month, by_day.get(day, [])) for day in week] for week in weeks]
        context["previous"] = (first - datetime.timedelta(days=1)).replace(day=1)
        context["next"] = last + datetime.timedelta(days=1)
    else:
        context["months"] = [(datetime.date(first.year, month, 1), [e for e in events if timezone.localdate(e.starts_at).month == month])
                             for month in range(1, 13)]  # fmt: skip
        context["previous"], context["next"] = first.replace(year=first.year - 1), first.replace(year=first.year + 1)
    return render(request, "events/schedule_print.html" if context["printing"] else "events/schedule.html", context)


# --- An event's page ------------------------------------------------------------------------


def _event(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(queries.event_list(actor=request.actor).select_related("network"), pk=pk)


def _editable(request: HttpRequest, pk: int) -> Event:
    event = _event(request, pk)
    if not queries.may_edit(request.actor, event):
        raise Http404  # a network event seen from a site: read, not changed
    return event


@actor_required(Capability.EVENTS_VIEW)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor
    event = _event(request, pk)
    search = request.GET.get("q", "").strip()
    page = CappedPaginator(queries.guest_list(actor=actor, event=event, search=search), GUESTS_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = actor.can(Capability.EVENTS_MANAGE) and queries.may_edit(actor, event)
    context = {
        "event": event, "guests": page.object_list, "page": page, "search": search, "figures": queries.event_figures(event=event), "now": timezone.now(),
        "sponsorships": queries.sponsorship_list(actor=actor).filter(event=event), "can_manage": can_manage,
        "can_door": actor.can(Capability.EVENTS_CHECK_IN), "reschedule_form": RescheduleForm(event=event, initial={
            "starts_at": _wall_clock(event, event.starts_at), "ends_at": _wall_clock(event, event.ends_at)}),
        "sponsorship_form": SponsorshipForm(partners=queries.partner_list(actor=actor).order_by("name")) if can_manage else None,
        "public_url": request.build_absolute_uri(reverse("events:public-event", args=[event.network.slug, event.slug])),
    }  # fmt: skip
    return render(request, "events/event_detail.html", context)


@actor_required(Capability.EVENTS_MANAGE)
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = request.actor
    event = _editable(request, pk) if pk else Event(network=actor.network, site=actor.site)
    form = EventForm(request.POST or None, request.FILES or None, instance=event, sites=_sites(request), head_office=actor.is_head_office)
    if pk:
        # As the clock reads where the event is held, without a zone: the form would show them in the server's.
        form.initial.update({name: _wall_clock(event, getattr(event, name)) for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.event_save(by=request.user, event=form.save(commit=False), changed=form.changed_data)
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:detail", saved.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event if pk else None},
                  status=422 if request.method == "POST" else 200)  # fmt: skip


@require_POST
@actor_required(Capability.EVENTS_MANAGE)
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, postpone, move, cancel, settle attendance, thank: each one service, its refusal shown on the page."""
    event = _editable(request, pk)
    try:
        if action == "publish":
            services.event_publish(by=request.user, event=event)
            messages.success(request, _("Published: the event's page is open."))
        elif action == "postpone":
            services.event_postpone(by=request.user, event=event)
            messages.success(request, _("Postponed: registrations are kept and every guest is being told."))
        elif action == "cancel":
            services.event_cancel(by=request.user, event=event)
            messages.success(request, _("Cancelled: every guest is being told."))
        elif action == "reschedule":
            form = RescheduleForm(request.POST, event=event)
            if not form.is_valid():
                raise ValidationError(_("Give the new start and end."), code="invalid")
            services.event_reschedule(by=request.user, event=event, starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"])
            messages.success(request, _("Moved: every guest keeps their place and is being told the new date."))
        elif action == "close":
            missing = services.event_attendance_close(event=event, by=request.user)
            messages.success(request, _("Attendance recorded: %(count)s no-shows on their timelines.") % {"count": missing})
        elif action == "thanks":
            sent, skipped = services.event_thanks_send(by=request.user, event=event)
            messages.success(request, _("Thank-you e-mails: %(sent)s on their way; %(skipped)s guests left out, without consent to our news.") % {
                "sent": sent, "skipped": skipped})  # fmt: skip
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("events:detail", event.pk)


@require_POST
@actor_required(Capability.EVENTS_CHECK_IN)
def registration_action(request: HttpRequest, pk: int, registration_pk: int, action: str) -> HttpResponse:
    event = _event(request, pk)
    registration = get_object_or_404(queries.registration_list(actor=request.actor).filter(event=event), pk=registration_pk)
    try:
        if action == "paid":
            services.registration_mark_paid(by=request.user, registration=registration)
        elif action == "cancel" and request.actor.can(Capability.EVENTS_MANAGE):
            services.registration_cancel(registration=registration, by=request.user)
        elif action == "check-in":
            services.check_in(by=request.user, registration=registration)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") if request.POST.get("next") == reverse("events:door", args=[pk]) else reverse("events:detail", args=[pk]))


@actor_required(Capability.EVENTS_MANAGE)
def guest_list_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The guest list as CSV for the door's paper list or the caterer (formulas neutralised); taking it out is audited."""
    event = _event(request, pk)
    guests = queries.guest_list(actor=request.actor, event=event).exclude(status=Registration.Status.CANCELLED)
    audit_record(by=request.user, action="event.guests_export", target=event, changes={"guests": [None, guests.count()]})
    header = [_("Last name"), _("First name"), _("E-mail"), _("Status"), _("Companions"), _("Dietary notes"), _("Arrived"), _("Paid")]

    def rows():
        for r in guests.iterator(chunk_size=500):
            yield [cell_safe(str(value)) for value in (
                r.customer.last_name or r.customer.company_name, r.customer.first_name, r.email, r.get_status_display(), r.companions,
                r.dietary_notes, f"{local(event, r.checked_in_at):%d/%m/%Y %H:%M}" if r.checked_in_at else "",
                f"{timezone.localtime(r.paid_at):%d/%m/%Y}" if r.paid_at else "")]  # fmt: skip

    response = StreamingHttpResponse(export_csv(rows(), header=header), content_type="text/csv; charset=utf-8")
    name = _("guests")  # the file's name, in the user's language
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-{name}.csv"'
    return response


@require_POST
@actor_required(Capability.EVENTS_MANAGE)
def sponsorship_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _editable(request, pk)
    form = SponsorshipForm(request.POST, request.FILES, partners=queries.partner_list(actor=request.actor))
    if form.is_valid():
        sponsorship = form.save(commit=False)
        sponsorship.event = event
        try:
            services.sponsorship_save(by=request.user, sponsorship=sponsorship, document=form.cleaned_data.get("document"))
        except ValidationError as error:
            errors_into_form(form, error)
    if form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, _("Sponsorship recorded."))
    return redirect(reverse("events:detail", args=[pk]) + "#sponsors")


@actor_required(Capability.EVENTS_VIEW)
def sponsorship_document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(request.actor.scope(SponsorshipDocument.objects.all()), pk=pk)
    return FileResponse(document.file.open("rb"), content_type=document.content_type, as_attachment=True, filename=document.name)


# --- Partners -------------------------------------------------------------------------------


@actor_required(Capability.EVENTS_VIEW)
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = list(queries.partner_list(actor=request.actor).order_by("name")[:500])
    history = {}
    for sponsorship in queries.sponsorship_list(actor=request.actor).filter(partner__in=partners).order_by("-event__starts_at"):
        history.setdefault(sponsorship.partner_id, []).append(sponsorship)
    rows = [(partner, history.get(partner.pk, [])) for partner in partners]
    return render(request, "events/partners.html", {"rows": rows, "can_manage": request.actor.can(Capability.EVENTS_MANAGE)})


@actor_required(Capability.EVENTS_MANAGE)
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    partner = get_object_or_404(request.actor.scope(Partner.objects.all()), pk=pk) if pk else Partner(network=request.actor.network)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(by=request.user, partner=form.save(commit=False))
        except ValidationError as error:
            errors_into_form(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("events:partners")
    return render(request, "events/partner_form.html", {"form": form, "partner": partner if pk else None},
                  status=422 if request.method == "POST" else 200)  # fmt: skip


# --- The door -------------------------------------------------------------------------------


@actor_required(Capability.EVENTS_CHECK_IN)
def door(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page at the entrance: scan a ticket, find a guest by name, register a walk-in, see who is in."""
    event = _event(request, pk)
    search = request.GET.get("q", "").strip()
    context = {"event": event, "arrivals": queries.arrivals(event=event), "search": search, "walk_in_form": WalkInForm(event=event),
               "found": list(queries.guest_list(actor=request.actor, event=event, search=search).filter(~Q(status=Registration.Status.CANCELLED))[:SEARCH_SHOWN]) if search else None}  # fmt: skip
    if request.htmx and request.GET.get("part") == "count":
        return render(request, "events/door.html#arrivals", context)
    if request.htmx and "q" in request.GET:
        return render(request, "events/door.html#found", context)
    return render(request, "events/door.html", context)


def _door_answer(event: Event, registration: Registration | None, first_time: bool, error: ValidationError | None) -> JsonResponse:
    if error is not None:
        return JsonResponse({"ok": False, "code": error.code or "refused", "message": " ".join(error.messages), "arrivals": queries.arrivals(event=event)},
                            status=422)  # fmt: skip
    at = f"{local(event, registration.checked_in_at):%H:%M}"
    name = registration.customer.display_name
    message = (_("Welcome, %(name)s!") if first_time else _("%(name)s is already checked in at %(at)s.")) % {"name": name, "at": at}
    if registration.companions:
        message += " " + ngettext("With %(count)s companion.", "With %(count)s companions.", registration.companions) % {"count": registration.companions}
    return JsonResponse({"ok": True, "first_time": first_time, "name": name, "at": at, "companions": registration.companions,
                         "dietary_notes": registration.dietary_notes, "message": message, "arrivals": queries.arrivals(event=event)})  # fmt: skip


@require_POST
@actor_required(Capability.EVENTS_CHECK_IN)
def door_scan(request: HttpRequest, pk: int) -> JsonResponse:
    """A scanned code (or one typed in): a small JSON answer, fast on a weak connection; the same ticket twice says when it came in."""
    event = _event(request, pk)
    try:
        registration, first_time = services.ticket_check_in(by=request.user, event=event, code=request.POST.get("code", ""))
    except ValidationError as error:
        return _door_answer(event, None, False, error)
    return _door_answer(event, registration, first_time, None)


@require_POST
@actor_required(Capability.EVENTS_CHECK_IN)
def door_check_in(request: HttpRequest, pk: int, registration_pk: int) -> JsonResponse:
    """A guest found by name, checked in from the list."""
    event = _event(request, pk)
    registration = get_object_or_404(queries.registration_list(actor=request.actor).filter(event=event), pk=registration_pk)
    try:
        registration, first_time = services.check_in(by=request.user, registration=registration)
    except ValidationError as error:
        return _door_answer(event, None, False, error)
    return _door_answer(event, registration, first_time, None)


@require_POST
@actor_required(Capability.EVENTS_CHECK_IN)
def door_walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = WalkInForm(request.POST, event=event)
    if form.is_valid():
        data = form.cleaned_data
        person = PersonIn(first_name=data["first_name"], last_name=data["last_name"], emails=(data["email"],) if data["email"] else (),
                          phones=(data["phone"],) if data["phone"] else (), language=request.LANGUAGE_CODE)  # fmt: skip
        try:
            registration = services.registration_create(event=event, person=person, email=data["email"] or "", companions=data["companions"],
                                                        dietary_notes=data["dietary_notes"], is_walk_in=True, by=request.user)  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s is registered and in.") % {"name": registration.customer.display_name})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("events:door", pk)
