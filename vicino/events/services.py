"""Registrations: a place, or a turn on the waiting list — never more people than the event holds.

The count and the write of one registration happen while no other registration of the same
event can: SQLite takes its write lock at BEGIN (`transaction_mode` IMMEDIATE), PostgreSQL locks
the event's row (`SELECT … FOR UPDATE`). A rush of a hundred people for thirty places therefore
confirms exactly thirty and queues the rest, in the order they asked.

A cancellation offers the freed places to the first people waiting who fit, each with a
deadline to confirm (`Event.confirm_within_hours`); an offer not taken in time goes to the next.

Every change a guest should know of sends them an e-mail after commit (see `mail.py`); the
event's own changes (moved, postponed, cancelled) reach every live registration.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.models import User
from vicino.people import queries as people_queries
from vicino.people import services as people
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, ConsentEvent, ContactPoint, Customer, Purpose

from .links import ticket_id_of
from .documents import document_checked
from .models import Event, Partner, Registration, Sponsorship, SponsorshipDocument
from .tasks import event_mail, registration_mail
from .times import local

R = Registration.Status
# Who holds a place: the confirmed, and those offered one until their deadline.
HOLDING = (R.CONFIRMED, R.OFFERED)
LIVE = (R.CONFIRMED, R.OFFERED, R.WAITING)
# Attendance is settled by itself this long after the end, if staff have not done it.
CLOSE_AFTER = datetime.timedelta(hours=6)


def _mail(registration: Registration, kind: str) -> None:
    transaction.on_commit(lambda: registration_mail.enqueue(registration.pk, kind))


def places_taken(event: Event) -> tuple[int, int]:
    """Places held (everyone counted) and, of those, the companions'."""
    held = Registration.objects.filter(event=event, status__in=HOLDING).aggregate(n=Count("pk"), held_companions=Sum("companions"))
    companions = held["held_companions"] or 0
    return held["n"] + companions, companions


def _fits(event: Event, places: int, companions: int) -> bool:
    taken, companions_taken = places_taken(event)
    if event.companion_capacity is not None and companions_taken + companions > event.companion_capacity:
        return False
    return taken + places <= event.capacity


def _when(event: Event, moment: datetime.datetime) -> str:
    return f"{local(event, moment):%d/%m/%Y %H:%M}"


def registration_refusal(event: Event, now: datetime.datetime) -> str:
    """Why the event's page cannot take a registration now, in words; "" when it can."""
    refused = _refusal(event, 0, now)
    return " ".join(refused.messages) if refused is not None else ""


def _refusal(event: Event, companions: int, now: datetime.datetime) -> ValidationError | None:
    if event.status == Event.Status.CANCELLED:
        return ValidationError(_("This event has been cancelled: registrations are closed."), code="event_cancelled")
    if event.status != Event.Status.PUBLISHED:
        return ValidationError(_("Registrations for this event are not open."), code="event_not_open")
    if event.registration_opens_at and now < event.registration_opens_at:
        return ValidationError(_("Registrations open on %(when)s.") % {"when": _when(event, event.registration_opens_at)}, code="registration_not_yet")
    if now >= (event.registration_closes_at or event.starts_at):
        return ValidationError(_("Registrations for this event are closed."), code="registration_closed")
    if companions > event.max_companions:
        return ValidationError({"companions": ValidationError(
            _("You can bring at most %(count)s companions.") % {"count": event.max_companions}, code="too_many_companions")})  # fmt: skip
    return None


def _known_by_email(event: Event, email: str) -> Customer | None:
    return (Customer.objects.filter(network=event.network, erased_at__isnull=True, merged_into__isnull=True, contact_points__kind=ContactPoint.Kind.EMAIL,
                                    contact_points__value__iexact=email).order_by("pk").first())  # fmt: skip


def _audience_refusal(event: Event, customer: Customer | None) -> ValidationError | None:
    """Customers-only and members-only events take people we already know as such, by the address they gave us."""
    if event.audience == Event.Audience.CUSTOMERS and (customer is None or customer.relation in (Customer.Relation.ENTHUSIAST, Customer.Relation.PROSPECT)):
        return ValidationError({"email": ValidationError(
            _("This event is for our customers: register with the e-mail address you gave us."), code="customers_only")})  # fmt: skip
    if event.audience == Event.Audience.MEMBERS and (customer is None or customer.relation != Customer.Relation.MEMBER):
        return ValidationError({"email": ValidationError(
            _("This event is for members: register with the e-mail address of your membership."), code="members_only")})  # fmt: skip
    return None


@transaction.atomic
def registration_create(*, event: Event, person: PersonIn, email: str, companions: int = 0, dietary_notes: str = "", is_walk_in: bool = False,
                        by: User | None = None, now: datetime.datetime | None = None) -> Registration:  # fmt: skip
    """Register a person: a confirmed place if it fits, else a turn on the waiting list. Refused, nothing is written."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    now = now or timezone.now()  # read once the lock is held: the queue's order is the order places are given out
    # At the door the window and the limits are past: the guest is in the room. A cancelled event still has no door.
    refused = _refusal(event, companions, now) if not is_walk_in or event.status == Event.Status.CANCELLED else None
    if refused is not None:
        raise refused
    email = email.strip().lower()
    if email and Registration.objects.filter(event=event, email=email).exclude(status=R.CANCELLED).exists():
        raise ValidationError({"email": ValidationError(_("This e-mail is already registered for this event."), code="already_registered")})
    known = _known_by_email(event, email) if email else None
    if event.audience in (Event.Audience.CUSTOMERS, Event.Audience.MEMBERS) and not is_walk_in:
        refused = _audience_refusal(event, known)
        if refused is not None:
            raise refused
    # Someone on the public page is matched by their e-mail alone (people.matching, `unverified`).
    matched = customer_match_or_create(by=by, network=event.network, site=event.site, person=person, channel=Channel.EVENT,
                                       summary=_("Customer record created from an event registration"), unverified=by is None)  # fmt: skip
    customer = Customer.objects.get(pk=matched.customer_id)
    if matched.created:
        # Someone who has never bought: an enthusiast, until they do.
        Customer.objects.filter(pk=customer.pk).update(relation=Customer.Relation.ENTHUSIAST)
        customer.relation = Customer.Relation.ENTHUSIAST
    confirmed = is_walk_in or _fits(event, 1 + companions, companions)
    registration = Registration.objects.create(
        event=event, customer=customer, email=email, companions=companions, dietary_notes=dietary_notes.strip()[:300],
        status=R.CONFIRMED if confirmed else R.WAITING, queued_at=now, is_walk_in=is_walk_in, new_customer=matched.created,
        relation_then=customer.relation, checked_in_at=now if is_walk_in else None, checked_in_by=by if is_walk_in else None,
    )  # fmt: skip
    people.interaction_record(customer=customer, channel=Channel.EVENT, site=event.site, actor=by, ref=registration,
                              kind="event.registered" if confirmed else "event.waiting",
                              summary=(_("Registered for %(event)s") if confirmed else _("On the waiting list for %(event)s")) % {"event": event})  # fmt: skip
    if is_walk_in:
        audit_record(by=by, action="event.walk_in", target=event, changes={"guest": [None, customer.display_name]})
        people.interaction_record(customer=customer, channel=Channel.EVENT, kind="event.attended", site=event.site, actor=by,
                                  ref=registration, summary=_("Attended %(event)s") % {"event": event})  # fmt: skip
    else:
        _mail(registration, "confirmed" if confirmed else "waiting")
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None = None, now: datetime.datetime | None = None) -> Registration:
    """Give a place back (or leave the waiting list); the freed places are offered to those waiting."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == R.CANCELLED or event.status == Event.Status.CANCELLED:
        return registration
    if event.ends_at <= now:
        raise ValidationError(_("The event is over: its registrations stay as they were."), code="event_over")
    registration.status, registration.cancelled_at = R.CANCELLED, now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    people.interaction_record(customer=registration.customer, channel=Channel.EVENT, kind="event.cancelled", site=event.site, actor=by,
                              ref=registration, summary=_("Registration for %(event)s cancelled") % {"event": event})  # fmt: skip
    if by is not None:
        audit_record(by=by, action="event.registration_cancel", target=event, changes={"guest": [registration.customer.display_name, None]})
    _mail(registration, "cancelled")
    waiting_list_move(event=event, now=now)
    return registration


def waiting_list_move(*, event: Event, now: datetime.datetime) -> list[Registration]:
    """Offers past their deadline go back; free places are offered, in order, to the first waiting who fit."""
    for lapsed in Registration.objects.filter(event=event, status=R.OFFERED, offer_expires_at__lte=now).select_related("customer"):
        lapsed.status, lapsed.cancelled_at = R.CANCELLED, now
        lapsed.save(update_fields=["status", "cancelled_at", "updated_at"])
        people.interaction_record(customer=lapsed.customer, channel=Channel.EVENT, kind="event.offer_lapsed", site=event.site, ref=lapsed,
                                  summary=_("The place offered at %(event)s was not confirmed in time") % {"event": event})  # fmt: skip
    if event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return []
    taken, companions_taken = places_taken(event)
    free = event.capacity - taken
    companions_free = None if event.companion_capacity is None else event.companion_capacity - companions_taken
    offered = []
    for waiting in Registration.objects.filter(event=event, status=R.WAITING).select_related("customer").order_by("queued_at", "pk"):
        if waiting.places > free or (companions_free is not None and waiting.companions > companions_free):
            continue
        if companions_free is not None:
            companions_free -= waiting.companions
        waiting.status, waiting.offer_expires_at = R.OFFERED, min(now + datetime.timedelta(hours=event.confirm_within_hours), event.starts_at)
        waiting.save(update_fields=["status", "offer_expires_at", "updated_at"])
        free -= waiting.places
        offered.append(waiting)
        people.interaction_record(customer=waiting.customer, channel=Channel.EVENT, kind="event.offered", site=event.site, ref=waiting,
                                  summary=_("A place at %(event)s is offered until %(when)s") % {
                                      "event": event, "when": _when(event, waiting.offer_expires_at)})  # fmt: skip
        _mail(waiting, "offered")
    return offered


@transaction.atomic
def offer_accept(*, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    """The person waiting takes the place offered, before its deadline."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == R.CONFIRMED:
        return registration
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event has been cancelled."), code="event_cancelled")
    if registration.status != R.OFFERED or registration.offer_expires_at <= now:
        raise ValidationError(_("This place is no longer offered: the time to confirm it has passed."), code="offer_expired")
    registration.status, registration.offer_expires_at = R.CONFIRMED, None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    people.interaction_record(customer=registration.customer, channel=Channel.EVENT, kind="event.registered", site=registration.event.site,
                              ref=registration, summary=_("Registered for %(event)s") % {"event": registration.event})  # fmt: skip
    _mail(registration, "confirmed")
    return registration


@transaction.atomic
def check_in(*, by: User, registration: Registration, now: datetime.datetime | None = None) -> tuple[Registration, bool]:
    """Mark the guest as arrived; a second scan changes nothing and says when they came (False)."""
    registration = Registration.objects.select_for_update().select_related("event", "customer").get(pk=registration.pk)
    if registration.checked_in_at is not None:
        return registration, False
    if registration.event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event has been cancelled."), code="event_cancelled")
    if registration.status != R.CONFIRMED:
        raise ValidationError(_("This registration has no confirmed place: %(status)s.") % {"status": registration.get_status_display().lower()},
                              code="not_confirmed")  # fmt: skip
    registration.checked_in_at, registration.checked_in_by = now or timezone.now(), by
    registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    audit_record(by=by, action="event.check_in", target=registration.event, changes={"guest": [None, registration.customer.display_name]})
    people.interaction_record(customer=registration.customer, channel=Channel.EVENT, kind="event.attended", site=registration.event.site, actor=by,
                              ref=registration, summary=_("Attended %(event)s") % {"event": registration.event})  # fmt: skip
    return registration, True


def ticket_check_in(*, by: User, event: Event, code: str, now: datetime.datetime | None = None) -> tuple[Registration, bool]:
    """Check in the guest whose ticket was scanned at `event`'s door; a forged code or another event's ticket is refused."""
    registration_id = ticket_id_of(code)
    registration = Registration.objects.filter(pk=registration_id, event__network_id=event.network_id).first() if registration_id else None
    if registration is None:
        raise ValidationError(_("This code is not one of our tickets."), code="ticket_forged")
    if registration.event_id != event.pk:
        other = registration.event
        # Named when the door may know of it (the same site's, or the network's); another site's stays unnamed.
        if other.site_id is None or other.site_id == event.site_id:
            raise ValidationError(_("This ticket is for another event: %(event)s.") % {"event": other}, code="other_event")
        raise ValidationError(_("This ticket is for an event at another site."), code="other_event")
    return check_in(by=by, registration=registration, now=now)


@transaction.atomic
def registration_mark_paid(*, by: User, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    """Staff saw the money come in (no payment goes through Vicino): the ticket is marked paid, once."""
    registration = Registration.objects.select_for_update().select_related("event", "customer").get(pk=registration.pk)
    if registration.paid_at is None:
        registration.paid_at = now or timezone.now()
        registration.save(update_fields=["paid_at", "updated_at"])
        audit_record(by=by, action="event.paid", target=registration.event, changes={"guest": [None, registration.customer.display_name]})
    return registration


def _tell_everyone(event: Event, kind: str) -> None:
    """After commit, one task writes to every live registration: a change to a thousand guests does not hold the request."""
    transaction.on_commit(lambda: event_mail.enqueue(event.pk, kind))


@transaction.atomic
def event_reschedule(*, by: User, event: Event, starts_at: datetime.datetime, ends_at: datetime.datetime,
                     now: datetime.datetime | None = None) -> Event:  # fmt: skip
    """A new date (also the one a postponed event was waiting for): everyone keeps their place and is told, with a calendar update."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be moved."), code="event_cancelled")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ValidationError(_("The end must come after the start."), code="end_before_start")})
    if starts_at <= now:
        raise ValidationError({"starts_at": ValidationError(_("The new date must be in the future."), code="in_the_past")})
    before = [event.starts_at.isoformat(), event.ends_at.isoformat(), event.status]
    was_draft = event.status == Event.Status.DRAFT
    event.starts_at, event.ends_at = starts_at, ends_at
    if event.status == Event.Status.POSTPONED:
        event.status = Event.Status.PUBLISHED
    if event.registration_closes_at and event.registration_closes_at > starts_at:
        event.registration_closes_at = starts_at
    event.sequence += 1
    event.closed_at = None  # a new date: attendance is still to come
    event.save(update_fields=["starts_at", "ends_at", "status", "registration_closes_at", "sequence", "closed_at", "updated_at"])
    audit_record(by=by, action="event.reschedule", target=event, changes={"when": [before, [starts_at.isoformat(), ends_at.isoformat(), event.status]]})
    if not was_draft:
        _tell_everyone(event, "rescheduled")
    waiting_list_move(event=event, now=now)  # places given back while it was postponed go to those waiting
    return event


def _status_move(by: User, event: Event, status: str, *, action: str, tell: str = "") -> Event:
    """The event to `status`, its sequence raised when guests are told (so their calendars update), audited."""
    before = event.status
    event.status = status
    if tell:
        event.sequence += 1
    event.save(update_fields=["status", "sequence", "updated_at"])
    audit_record(by=by, action=action, target=event, changes={"status": [before, status]})
    if tell and before != Event.Status.DRAFT:
        _tell_everyone(event, tell)
    return event


@transaction.atomic
def event_postpone(*, by: User, event: Event) -> Event:
    """Postponed until a new date is set: registrations are kept (and the waiting list frozen), everyone is told."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(_("Only a published event can be postponed."), code="not_published")
    return _status_move(by, event, Event.Status.POSTPONED, action="event.postpone", tell="postponed")


@transaction.atomic
def event_cancel(*, by: User, event: Event) -> Event:
    """Cancelled for good: no more registrations or check-ins, and everyone registered or waiting is told."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        return event
    return _status_move(by, event, Event.Status.CANCELLED, action="event.cancel", tell="event_cancelled")


@transaction.atomic
def event_publish(*, by: User, event: Event) -> Event:
    """A draft goes public: its page opens, and it appears in the network's list when its audience is open."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."), code="not_draft")
    return _status_move(by, event, Event.Status.PUBLISHED, action="event.publish")


@transaction.atomic
def event_attendance_close(*, event: Event, by: User | None = None, now: datetime.datetime | None = None) -> int:
    """After the event: whoever held a confirmed place and did not come is a no-show, on their timeline; once. Returns how many."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.closed_at is not None:
        return 0
    if event.status != Event.Status.PUBLISHED:
        # A postponed event has not happened yet, a cancelled one never will: nobody missed it.
        raise ValidationError(_("Only an event that took place has an attendance to record."), code="not_held")
    if event.ends_at > now:
        raise ValidationError(_("The event has not ended yet."), code="not_ended")
    missing = list(Registration.objects.filter(event=event, status=R.CONFIRMED, checked_in_at__isnull=True).select_related("customer"))
    for registration in missing:
        people.interaction_record(customer=registration.customer, channel=Channel.EVENT, kind="event.no_show", site=event.site, actor=by,
                                  ref=registration, summary=_("Did not come to %(event)s") % {"event": event})  # fmt: skip
    Registration.objects.filter(pk__in=[r.pk for r in missing]).update(no_show=True, updated_at=now)
    # Offers nobody took lapse with the event.
    Registration.objects.filter(event=event, status__in=(R.OFFERED, R.WAITING)).update(status=R.CANCELLED, cancelled_at=now, updated_at=now)
    event.closed_at = now
    event.save(update_fields=["closed_at", "updated_at"])
    audit_record(by=by, action="event.close", target=event, changes={"no_shows": [None, len(missing)]})
    return len(missing)


@transaction.atomic
def event_thanks_send(*, by: User, event: Event, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Thank those who came, by e-mail — only those who agreed to hear from us (marketing by e-mail); each once.

    Returns (to be sent, left out for want of consent).
    """
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.ends_at > now:
        raise ValidationError(_("The event has not ended yet."), code="not_ended")
    came = list(Registration.objects.filter(event=event, checked_in_at__isnull=False, thanked_at__isnull=True))
    # One query for everyone, by the same rule as `may_contact`.
    allowed = set(people_queries.contactable_customers(network=event.network, purpose=Purpose.MARKETING, channel=Channel.EMAIL, at=now)
                  .filter(pk__in={r.customer_id for r in came}).values_list("pk", flat=True))  # fmt: skip
    sent = [r for r in came if r.customer_id in allowed]
    skipped = len(came) - len(sent)
    Registration.objects.filter(pk__in=[r.pk for r in sent]).update(thanked_at=now, updated_at=now)
    for registration in sent:
        _mail(registration, "thanks")
    audit_record(by=by, action="event.thanks", target=event, changes={"thanked": [None, len(sent)], "without_consent": [None, skipped]})
    return len(sent), skipped


def events_sweep(*, now: datetime.datetime | None = None) -> int:
    """Every quarter of an hour: lapsed offers pass to the next person waiting; ended events get their attendance settled."""
    now = now or timezone.now()
    touched = 0
    lapsed = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now, registrations__status=R.OFFERED,
                                  registrations__offer_expires_at__lte=now).distinct()  # fmt: skip
    for event in lapsed:
        with transaction.atomic():
            waiting_list_move(event=Event.objects.select_for_update().get(pk=event.pk), now=now)
        touched += 1
    for event in Event.objects.filter(closed_at__isnull=True, ends_at__lte=now - CLOSE_AFTER, status=Event.Status.PUBLISHED):
        event_attendance_close(event=event, now=now)
        touched += 1
    return touched


# --- Planning: events, partners, sponsorships --------------------------------------------


@transaction.atomic
def event_save(*, by: User, event: Event, changed: list[str] | None = None) -> Event:
    """Create or change an event as staff planned it; the address is unique in the network. A date change tells the guests."""
    if Event.objects.filter(network_id=event.network_id, slug=event.slug).exclude(pk=event.pk).exists():
        raise ValidationError({"slug": ValidationError(_("Another event of the network already has this address."), code="slug_taken")})
    creating = event.pk is None
    before = None if creating else Event.objects.select_for_update().get(pk=event.pk)
    moved = before is not None and (before.starts_at, before.ends_at) != (event.starts_at, event.ends_at)
    if moved:
        event.sequence = before.sequence + 1
    event.save()
    audit_record(by=by, action="event.save", target=event, changes={name: [None, str(getattr(event, name))] for name in (changed or ["title"])})
    if moved and event.status in (Event.Status.PUBLISHED, Event.Status.POSTPONED):
        if event.status == Event.Status.POSTPONED:
            Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
        _tell_everyone(event, "rescheduled")
    if not creating:
        waiting_list_move(event=Event.objects.select_for_update().get(pk=event.pk), now=timezone.now())  # more places: the queue first
    return event


@transaction.atomic
def partner_save(*, by: User, partner: Partner) -> Partner:
    if Partner.objects.filter(network_id=partner.network_id, name__iexact=partner.name).exclude(pk=partner.pk).exists():
        raise ValidationError({"name": ValidationError(_("A partner with this name already exists."), code="partner_exists")})
    partner.save()
    audit_record(by=by, action="partner.save", target=partner, changes={"name": [None, partner.name]})
    return partner


@transaction.atomic
def sponsorship_save(*, by: User, sponsorship: Sponsorship, document=None) -> Sponsorship:
    """Record what a partner gives an event and gets back, with a document if one came (checked by its bytes)."""
    if sponsorship.partner.network_id != sponsorship.event.network_id:
        raise ValidationError(_("This belongs to another network."), code="other_network")
    content_type = document_checked(document) if document is not None else None
    sponsorship.save()
    if document is not None:
        SponsorshipDocument.objects.create(sponsorship=sponsorship, file=document, name=document.name[:200], content_type=content_type)
    audit_record(by=by, action="sponsorship.save", target=sponsorship.event, changes={
        "partner": [None, sponsorship.partner.name], "value": [None, str(sponsorship.value)]})  # fmt: skip
    return sponsorship


def marketing_optin_pending(*, registration: Registration) -> bool:
    """The guest ticked "news by e-mail" online and has not yet confirmed it from their e-mail (double opt-in)."""
    latest = (ConsentEvent.objects.filter(customer_id=registration.customer_id, purpose=Purpose.MARKETING, channel=Channel.EMAIL)
              .order_by("-occurred_at", "-pk").first())  # fmt: skip
    return latest is not None and latest.action == ConsentEvent.Action.GRANTED and latest.double_opt_in_at is None and (
        latest.source in ConsentEvent.ONLINE_SOURCES)


@transaction.atomic
def marketing_optin_confirm(*, registration: Registration, ip_address: str | None = None, user_agent: str = "") -> ConsentEvent | None:
    """The guest confirmed from the link we e-mailed them that they want our news: the Garante's double opt-in, recorded."""
    if not marketing_optin_pending(registration=registration):
        return None
    pending = (ConsentEvent.objects.filter(customer_id=registration.customer_id, purpose=Purpose.MARKETING, channel=Channel.EMAIL)
               .order_by("-occurred_at", "-pk").first())  # fmt: skip
    return people.consent_record(by=None, customer=registration.customer, purpose=Purpose.MARKETING, channel=Channel.EMAIL,
                                 action=ConsentEvent.Action.GRANTED, source=ConsentEvent.Source.WEB_FORM, notice=pending.notice,
                                 ip_address=ip_address, user_agent=user_agent, double_opt_in_at=timezone.now(),
                                 evidence=_("Confirmed from the link in the event's e-mail to %(email)s") % {"email": registration.email})  # fmt: skip
