"""Setting a site's diary up: its resources and their hours, closures, days with other hours,
the patron saint, and the offerings with what they need and how they are prepared.

Every change is audited. None rewrites a booking already made: a closure over booked time is
recorded and the bookings it overlaps are returned, for staff to move; a checklist changed
later leaves the checks already copied into bookings as they were (decision 006).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.models import Site, User

from .models import Allocation, Booking, Checklist, ChecklistStep, Closure, Offering, OfferingNeed, OpeningException, Resource, ResourceHours, SiteCalendar

Interval = tuple[datetime.time, datetime.time]


@dataclass(frozen=True)
class ChecklistIn:
    name: str
    steps: tuple[str, ...]


def _fields_of(instance, names) -> dict:
    return {name: str(getattr(instance, name)) for name in names}


@transaction.atomic
def resource_save(*, by: User, site: Site, data: dict, hours: dict[int, list[Interval]], resource: Resource | None = None) -> Resource:
    """Add or change a resource of the site, with its weekly hours (none: it follows the site's)."""
    names = ["kind", "name", "user", "vehicle_model", "stock_vehicle", "is_active"]
    before = _fields_of(resource, names) if resource else None
    resource = resource or Resource(network=site.network, site=site)
    for name in names:
        setattr(resource, name, data.get(name))
    if resource.kind == Resource.Kind.DEMO_VEHICLE and resource.vehicle_model is None:
        raise ValidationError({"vehicle_model": _("A demo vehicle needs its model: customers book a test drive of a model.")})
    if resource.kind in (Resource.Kind.CONSULTANT, Resource.Kind.ADVISOR) and resource.user is None:
        raise ValidationError({"user": _("A consultant or an advisor is a member of staff: choose who.")})
    resource.full_clean(exclude=["network", "site"])
    resource.save()
    resource.hours.all().delete()
    ResourceHours.objects.bulk_create(
        [ResourceHours(resource=resource, weekday=day, starts_at=start, ends_at=end) for day, intervals in sorted(hours.items()) for start, end in intervals]
    )
    after = _fields_of(resource, names)
    audit_record(by=by, action="booking_resource.save", target=resource,
                 changes={k: [before[k] if before else None, v] for k, v in after.items() if not before or before[k] != v})  # fmt: skip
    return resource


def closure_overlaps(*, resource: Resource, starts_at: datetime.datetime, ends_at: datetime.datetime) -> list[Booking]:
    """The bookings still to come that hold the resource in that time."""
    held = Allocation.objects.filter(resource=resource, is_active=True, starts_at__lt=ends_at, ends_at__gt=starts_at).values("booking")
    return list(Booking.objects.filter(pk__in=held, status=Booking.Status.CONFIRMED).select_related("customer", "offering").order_by("starts_at"))


@transaction.atomic
def closure_add(*, by: User, resource: Resource, starts_at: datetime.datetime, ends_at: datetime.datetime, reason: str = "") -> tuple[Closure, list[Booking]]:
    """Take a resource out of the diary for a time; the bookings already holding it then are returned, to be moved."""
    if starts_at >= ends_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    closure = Closure.objects.create(resource=resource, starts_at=starts_at, ends_at=ends_at, reason=reason[:200])
    audit_record(by=by, action="booking_closure.add", target=resource,
                 changes={"closure": [None, f"{starts_at.isoformat()} – {ends_at.isoformat()} {reason}".strip()]})  # fmt: skip
    return closure, closure_overlaps(resource=resource, starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def closure_remove(*, by: User, closure: Closure) -> None:
    """The resource can be booked again in that time."""
    audit_record(by=by, action="booking_closure.remove", target=closure.resource,
                 changes={"closure": [f"{closure.starts_at.isoformat()} – {closure.ends_at.isoformat()} {closure.reason}".strip(), None]})  # fmt: skip
    closure.delete()


@transaction.atomic
def opening_exception_set(*, by: User, site: Site, date: datetime.date, opens_at: datetime.time | None = None,
                          closes_at: datetime.time | None = None, reason: str = "") -> OpeningException:  # fmt: skip
    """A day the site keeps other hours (both times), or stays closed (neither); one per day, the last word wins."""
    if (opens_at is None) != (closes_at is None):
        raise ValidationError({"closes_at": _("Give both times for other hours, or neither for a day closed.")})
    if opens_at is not None and opens_at >= closes_at:
        raise ValidationError({"closes_at": _("The closing time must come after the opening time.")})
    exception, _created = OpeningException.objects.update_or_create(
        site=site, date=date, defaults={"opens_at": opens_at, "closes_at": closes_at, "reason": reason[:200]}
    )
    hours = f"{opens_at:%H:%M}–{closes_at:%H:%M}" if opens_at else "closed"
    audit_record(by=by, action="opening_exception.set", target=site, changes={date.isoformat(): [None, f"{hours} {reason}".strip()]})
    return exception


@transaction.atomic
def opening_exception_remove(*, by: User, exception: OpeningException) -> None:
    """The day follows the usual hours again."""
    audit_record(by=by, action="opening_exception.remove", target=exception.site, changes={exception.date.isoformat(): [exception.reason or "", None]})
    exception.delete()


@transaction.atomic
def site_calendar_set(*, by: User, site: Site, patron_saint: str, month: int | None, day: int | None) -> SiteCalendar:
    """The site's patron saint's day, a local holiday it is closed on (none: clear both)."""
    if (month is None) != (day is None):
        raise ValidationError({"patron_day": _("Give both the day and the month, or neither.")})
    if month is not None:
        try:
            datetime.date(2024, month, day)  # a leap year: 29 February is a date
        except ValueError:
            raise ValidationError({"patron_day": _("This day does not exist in that month.")}) from None
    calendar, _created = SiteCalendar.objects.get_or_create(site=site)
    before = (calendar.patron_saint, calendar.patron_day, calendar.patron_month)
    calendar.patron_saint, calendar.patron_month, calendar.patron_day = patron_saint.strip(), month, day
    calendar.save()
    audit_record(by=by, action="site_calendar.set", target=site, changes={"patron": [list(before), [calendar.patron_saint, day, month]]})
    return calendar


@transaction.atomic
def offering_save(*, by: User, site: Site, data: dict, needs: dict[str, tuple[int, bool]], checklists: list[ChecklistIn],
                  offering: Offering | None = None) -> Offering:  # fmt: skip
    """Add or change what the site offers: its times and rules, the resources it needs at once, its preparation checklists.

    `needs` maps a kind of resource to (how many, of the model the customer chooses); bookings
    already made keep what they hold and the checks they were given.
    """
    names = ["kind", "name", "slug", "description", "duration_minutes", "buffer_before_minutes", "buffer_after_minutes", "step_minutes",
             "min_notice_minutes", "horizon_days", "is_public", "consent_purpose", "consent_text", "meeting_room_url"]  # fmt: skip
    before = _fields_of(offering, names) if offering else None
    offering = offering or Offering(network=site.network, site=site)
    for name in names:
        setattr(offering, name, data.get(name))
    if not needs:
        raise ValidationError(_("An offering needs at least one resource: what would it hold?"))
    if any(chosen for kind, (_n, chosen) in needs.items() if kind != Resource.Kind.DEMO_VEHICLE):
        raise ValidationError(_("Only a demo vehicle can be of the model the customer chooses."))
    if offering.kind == Offering.Kind.VIDEO and not offering.meeting_room_url:
        raise ValidationError({"meeting_room_url": _("A video consultation needs the address of its video rooms.")})
    offering.full_clean(exclude=["network", "site"])
    if Offering.objects.filter(site=site, slug=offering.slug).exclude(pk=offering.pk).exists():
        raise ValidationError({"slug": _("Another offering of this site already has this address.")})
    offering.save()
    offering.needs.all().delete()
    OfferingNeed.objects.bulk_create(
        [OfferingNeed(offering=offering, kind=kind, quantity=quantity, of_chosen_model=chosen) for kind, (quantity, chosen) in needs.items()]
    )
    offering.checklists.all().delete()
    for checklist_in in checklists:
        checklist = Checklist.objects.create(offering=offering, name=checklist_in.name[:120])
        ChecklistStep.objects.bulk_create([ChecklistStep(checklist=checklist, label=label[:200], position=n) for n, label in enumerate(checklist_in.steps)])
    after = _fields_of(offering, names)
    changes = {k: [before[k] if before else None, v] for k, v in after.items() if not before or before[k] != v}
    changes["needs"] = [None, {kind: quantity for kind, (quantity, _c) in needs.items()}]
    changes["checklists"] = [None, [c.name for c in checklists]]
    audit_record(by=by, action="offering.save", target=offering, changes=changes)
    return offering
