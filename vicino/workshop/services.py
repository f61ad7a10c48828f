"""The workshop's writes: vehicles and their owners, repair orders from a booking, the counter or an
emergency, the work and what the owner is shown, the owner's answers, courtesy cars.

Every step the owner would care about lands on their timeline; the e-mails (approval needed,
car ready, an emergency for the on-call advisor) go after commit.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.bookings.models import Booking, Offering
from vicino.core.audit import audit_record
from vicino.core.models import Membership, Site, User
from vicino.core.roles import Role
from vicino.people import services as people
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, Customer

from .media import media_checked
from .models import CourtesyVehicle, Finding, Loan, LoanPhoto, OnCall, OrderEvent, OrderUpdate, RepairOrder, Vehicle, WorkLine, plate_clean
from .tasks import emergency_alert_mail, order_approval_mail, order_ready_mail

S = RepairOrder.Status
# The statuses staff move an order through by hand; "waiting for approval" follows the findings, "delivered" the handover.
VEHICLE_FIELDS = ("plate", "vin", "make", "model", "year", "km", "fuel", "vehicle_model")
MOVABLE = [S.RECEIVED, S.DIAGNOSIS, S.WAITING_PARTS, S.IN_PROGRESS, S.QUALITY_CHECK, S.READY]


# --- Vehicles -------------------------------------------------------------------------


@transaction.atomic
def vehicle_save(*, by: User | None, network, data: dict, owners: list[Customer] = (), vehicle: Vehicle | None = None) -> Vehicle:
    """Record a customer's car (or change it): found by plate or VIN in the network, never twice."""
    data = {**data, "plate": plate_clean(data.get("plate", "")), "vin": "".join(data.get("vin", "").split()).upper()}
    if vehicle is None:
        same = Vehicle.objects.filter(network=network)
        vehicle = (same.filter(plate=data["plate"]).first() if data["plate"] else None) or (same.filter(vin=data["vin"]).first() if data["vin"] else None)
    vehicle = vehicle or Vehicle(network=network)
    if not data["plate"] and not data["vin"] and not (vehicle.plate or vehicle.vin):
        raise ValidationError({"plate": _("Give the plate or the VIN.")})
    # What is given replaces what was known; what is left out (a plate when the VIN found the car) stays.
    before = {name: getattr(vehicle, name) for name in VEHICLE_FIELDS}
    for name in VEHICLE_FIELDS:
        if data.get(name) not in (None, ""):
            setattr(vehicle, name, data[name])
    vehicle.make = vehicle.make or _("Unknown make")
    vehicle.full_clean(exclude=["network", "owners"], validate_constraints=False)
    duplicate = Vehicle.objects.filter(network=network).exclude(pk=vehicle.pk)
    if vehicle.plate and duplicate.filter(plate=vehicle.plate).exists():
        raise ValidationError({"plate": _("Another vehicle of the network has this plate.")})
    if vehicle.vin and duplicate.filter(vin=vehicle.vin).exists():
        raise ValidationError({"vin": _("Another vehicle of the network has this VIN.")})
    created = vehicle.pk is None
    vehicle.save()
    for owner in owners:
        if owner.network_id != network.pk:
            raise ValidationError(_("This belongs to another network."), code="other_network")
        vehicle.owners.add(owner)
    changes = {name: [None if created else str(before[name] or ""), str(getattr(vehicle, name) or "")] for name in VEHICLE_FIELDS
               if created and getattr(vehicle, name) or not created and before[name] != getattr(vehicle, name)}  # fmt: skip
    audit_record(by=by, action="vehicle.create" if created else "vehicle.update", target=vehicle, changes=changes)
    return vehicle


# --- Repair orders --------------------------------------------------------------------


def _number(site: Site, now: datetime.datetime) -> str:
    """The site's next order number of the year, e.g. MI01-2026-00042 (the site row is locked while it is taken)."""
    Site.objects.select_for_update().filter(pk=site.pk).first()
    prefix = f"{site.code}-{now:%Y}-"
    last = RepairOrder.objects.filter(network_id=site.network_id, number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) if last else 0) + 1:05d}"


def _event(order: RepairOrder, status: str, by: User | None, at: datetime.datetime) -> None:
    OrderEvent.objects.create(order=order, status=status, at=at, by=by if by is not None and by.is_authenticated else None)


@transaction.atomic
def repair_order_open(*, by: User | None, site: Site, vehicle: Vehicle, customer: Customer, source: str, complaint: str = "",
                      booking: Booking | None = None, advisor: User | None = None, promised_at: datetime.datetime | None = None,
                      km_in: int | None = None, is_urgent: bool = False, location: str = "", contact_phone: str = "",
                      now: datetime.datetime | None = None) -> RepairOrder:  # fmt: skip
    """Open a repair order for a vehicle at a site; the owner sees it in the portal from now on."""
    now = now or timezone.now()
    if vehicle.network_id != site.network_id or customer.network_id != site.network_id:
        raise ValidationError(_("This belongs to another network."), code="other_network")
    if booking is not None and RepairOrder.objects.filter(booking=booking).exists():
        raise ValidationError(_("This booking already has its repair order."), code="booking_has_order")
    order = RepairOrder.objects.create(
        network_id=site.network_id, site=site, number=_number(site, now), vehicle=vehicle, customer=customer, booking=booking, source=source,
        complaint=complaint.strip(), advisor=advisor or (by if by is not None and by.is_authenticated else None), promised_at=promised_at,
        km_in=km_in, is_urgent=is_urgent, location=location.strip()[:300], contact_phone=contact_phone[:20], status_changed_at=now,
    )  # fmt: skip
    vehicle.owners.add(customer)
    if km_in and km_in > vehicle.km:
        Vehicle.objects.filter(pk=vehicle.pk).update(km=km_in)
    _event(order, S.RECEIVED, by, now)
    audit_record(by=by, action="repair_order.open", target=order, changes={"number": [None, order.number], "source": [None, source]})
    people.interaction_record(customer=customer, channel=Channel.WORKSHOP, kind="workshop.opened",
                              site=site, actor=by, ref=order,
                              summary=_("Repair order %(number)s opened for %(vehicle)s") % {"number": order.number, "vehicle": vehicle})  # fmt: skip
    return order


def repair_order_from_booking(*, by: User, booking: Booking, vehicle: Vehicle, km_in: int | None = None,
                              promised_at: datetime.datetime | None = None, complaint: str = "") -> RepairOrder:  # fmt: skip
    """The customer has come for their service appointment: the order takes over from the booking (its notes first, then what the advisor adds)."""
    if booking.offering.kind != Offering.Kind.SERVICE:
        raise ValidationError(_("Only a service appointment becomes a repair order."), code="not_service")
    if booking.status in (Booking.Status.CANCELLED, Booking.Status.NO_SHOW):
        raise ValidationError(_("A cancelled or missed booking cannot become a repair order."), code="booking_closed")
    return repair_order_open(by=by, site=booking.site, vehicle=vehicle, customer=booking.customer, source=RepairOrder.Source.BOOKING,
                             complaint="\n".join(part for part in (booking.notes.strip(), complaint.strip()) if part), booking=booking,
                             promised_at=promised_at, km_in=km_in)  # fmt: skip


def on_call_advisor(site: Site, at: datetime.datetime) -> User | None:
    """Who answers an emergency now: the advisor on call, else the site's first service advisor, else its manager."""
    shift = OnCall.objects.filter(site=site, starts_at__lte=at, ends_at__gt=at).select_related("user").order_by("starts_at").first()
    if shift is not None:
        return shift.user
    for role in (Role.SERVICE_ADVISOR, Role.SITE_MANAGER):
        member = Membership.objects.filter(site=site, role=role, user__is_active=True).select_related("user").order_by("pk").first()
        if member is not None:
            return member.user
    return None


@transaction.atomic
def emergency_request(*, site: Site, plate: str, location: str, what_happened: str, phone: str, name: str = "",
                      now: datetime.datetime | None = None) -> RepairOrder:  # fmt: skip
    """A car stopped somewhere: an urgent order for the site, handed to the advisor on call, who is alerted at once."""
    now = now or timezone.now()
    errors = {}
    if not plate_clean(plate):
        errors["plate"] = _("Give the car's plate.")
    if not location.strip():
        errors["location"] = _("Say where the car is: a street and town, or a motorway and km.")
    if not phone.strip():
        errors["phone"] = _("Give a phone number we can call you on.")
    if errors:
        raise ValidationError(errors)
    first, _space, last = name.strip().partition(" ")
    matched = customer_match_or_create(by=None, network=site.network, site=site, channel=Channel.PHONE,
                                       person=PersonIn(first_name=first, last_name=last or first or _("Emergency caller"), phones=(phone,)),
                                       summary=_("Customer record created from an emergency request"))  # fmt: skip
    customer = Customer.objects.get(pk=matched.customer_id)
    vehicle = vehicle_save(by=None, network=site.network, data={"plate": plate}, owners=[customer])
    advisor = on_call_advisor(site, now)
    order = repair_order_open(by=None, site=site, vehicle=vehicle, customer=customer, source=RepairOrder.Source.EMERGENCY, complaint=what_happened,
                              advisor=advisor, is_urgent=True, location=location, contact_phone=phone, now=now)  # fmt: skip
    transaction.on_commit(lambda: emergency_alert_mail.enqueue(order.pk))
    return order


def _touched(order: RepairOrder, now: datetime.datetime) -> None:
    """What the owner sees of the order changed: its `updated_at` says so, and the portal's poll reads only that."""
    # Never the same moment twice (two changes in one microsecond, a stopped test clock): the poller must see each.
    later = ExpressionWrapper(F("updated_at") + datetime.timedelta(microseconds=1), output_field=DateTimeField())
    RepairOrder.objects.filter(pk=order.pk).update(updated_at=Greatest(Value(now, output_field=DateTimeField()), later))


def _locked(order: RepairOrder) -> RepairOrder:
    return RepairOrder.objects.select_for_update().select_related("customer", "site", "vehicle").get(pk=order.pk)


@transaction.atomic
def order_status_move(*, by: User | None, order: RepairOrder, status: str, now: datetime.datetime | None = None) -> RepairOrder:
    """Move an order along; "ready" tells the owner by e-mail. Moving to where it is changes nothing."""
    now = now or timezone.now()
    order = _locked(order)
    if order.status == status:
        return order
    if order.status == S.DELIVERED:
        raise ValidationError(_("The car has been handed back: the order is closed."), code="order_closed")
    if status not in MOVABLE:
        raise ValidationError(_("This status follows from the work itself, not from a choice."), code="status_not_movable")
    if status == S.READY and order.findings.filter(answer=Finding.Answer.PROPOSED).exists():
        raise ValidationError(_("The customer has not answered every proposed job yet."), code="answers_missing")
    before = order.status
    order.status, order.status_changed_at = status, now
    fields = ["status", "status_changed_at", "updated_at"]
    if status == S.READY:
        order.ready_at = now
        fields.append("ready_at")
    order.save(update_fields=fields)
    _event(order, status, by, now)
    audit_record(by=by, action="repair_order.status", target=order, changes={"status": [before, status]})
    if status == S.READY:
        people.interaction_record(customer=order.customer, channel=Channel.WORKSHOP, kind="workshop.ready", site=order.site, actor=by, ref=order,
                                  summary=_("%(vehicle)s is ready to be collected") % {"vehicle": order.vehicle})  # fmt: skip
        transaction.on_commit(lambda: order_ready_mail.enqueue(order.pk))
    return order


@transaction.atomic
def order_deliver(*, by: User, order: RepairOrder, km_out: int | None = None, now: datetime.datetime | None = None) -> RepairOrder:
    """The owner has their car back: the order closes."""
    now = now or timezone.now()
    order = _locked(order)
    if order.status == S.DELIVERED:
        return order
    if order.status != S.READY:
        raise ValidationError(_("Only a car that is ready can be handed back."), code="not_ready")
    order.status, order.status_changed_at, order.delivered_at = S.DELIVERED, now, now
    order.save(update_fields=["status", "status_changed_at", "delivered_at", "updated_at"])
    if km_out:
        Vehicle.objects.filter(pk=order.vehicle_id, km__lt=km_out).update(km=km_out)
    _event(order, S.DELIVERED, by, now)
    audit_record(by=by, action="repair_order.status", target=order, changes={"status": [S.READY, S.DELIVERED]})
    people.interaction_record(customer=order.customer, channel=Channel.WORKSHOP, kind="workshop.delivered", site=order.site, actor=by, ref=order,
                              summary=_("%(vehicle)s handed back (%(number)s)") % {"vehicle": order.vehicle, "number": order.number})  # fmt: skip
    return order


@transaction.atomic
def order_assign(*, by: User, order: RepairOrder, technician: User | None, bay=None, promised_at: datetime.datetime | None = None) -> RepairOrder:
    """Who works on the car, on which bay, and when it is promised; only real changes are audited."""
    order = _locked(order)
    _open(order)
    if technician is not None and not Membership.objects.filter(user=technician, site=order.site, role__in=(Role.TECHNICIAN, Role.SERVICE_ADVISOR)).exists():
        raise ValidationError({"technician": _("Choose a technician of this site's workshop.")})
    if bay is not None and bay.site_id != order.site_id:
        raise ValidationError({"bay": _("Choose a bay of this site.")})
    changes = {}
    for name, value in (("technician", technician), ("bay", bay), ("promised_at", promised_at)):
        if getattr(order, name) != value:
            changes[name] = [str(getattr(order, name) or ""), str(value or "")]
            setattr(order, name, value)
    if changes:
        order.save(update_fields=[*changes, "updated_at"])
        audit_record(by=by, action="repair_order.assign", target=order, changes=changes)
    return order


def _open(order: RepairOrder) -> None:
    if order.status == S.DELIVERED:
        raise ValidationError(_("The car has been handed back: the order is closed."), code="order_closed")


@transaction.atomic
def work_line_add(*, by: User, order: RepairOrder, kind: str, description: str, unit_price: Decimal, quantity: Decimal = Decimal(1),
                  vat_rate: Decimal | None = None, finding: Finding | None = None) -> WorkLine:  # fmt: skip
    """Price a piece of work on the order (before VAT)."""
    order = _locked(order)
    _open(order)
    line = WorkLine(order=order, kind=kind, description=description.strip(), quantity=quantity, unit_price=unit_price, finding=finding,
                    position=order.lines.count())  # fmt: skip
    if vat_rate is not None:
        line.vat_rate = vat_rate
    line.full_clean(exclude=["order", "finding"])
    line.save()
    audit_record(by=by, action="repair_order.line", target=order, changes={"line": [None, f"{line.description} {line.quantity} × {line.unit_price}"]})
    return line


def order_totals(order: RepairOrder) -> dict[str, Decimal]:
    """Taxable, VAT and total of the order's lines, to the cent."""
    cent = Decimal("0.01")
    taxable = vat = Decimal(0)
    for line in order.lines.all():
        amount = (line.quantity * line.unit_price).quantize(cent)
        taxable += amount
        vat += (amount * line.vat_rate / 100).quantize(cent)
    return {"taxable": taxable, "vat": vat, "total": taxable + vat}


@transaction.atomic
def update_post(*, by: User, order: RepairOrder, text: str = "", is_visible: bool = False, upload: UploadedFile | None = None,
                now: datetime.datetime | None = None) -> OrderUpdate:  # fmt: skip
    """A note, photo or video from the workshop; checked, resized and stripped of its location before it is kept."""
    order = _locked(order)
    _open(order)
    if not text.strip() and upload is None:
        raise ValidationError({"text": _("Write a note or add a photo or a video.")})
    update = OrderUpdate(order=order, author=by, text=text.strip(), is_visible=is_visible, created_at=now or timezone.now())
    if upload is not None:
        media = media_checked(upload)
        update.media.save(media.file.name, media.file, save=False)
        update.media_kind, update.media_type = media.kind, media.content_type
    update.save()
    _touched(order, update.created_at)
    if is_visible:
        people.interaction_record(customer=order.customer, channel=Channel.WORKSHOP, kind="workshop.update", site=order.site, actor=by, ref=order,
                                  summary=_("Workshop update on %(number)s") % {"number": order.number})  # fmt: skip
    return update


@transaction.atomic
def finding_propose(*, by: User, order: RepairOrder, title: str, grade: str, price: Decimal, text: str = "", upload: UploadedFile | None = None,
                    vat_rate: Decimal | None = None, now: datetime.datetime | None = None) -> Finding:  # fmt: skip
    """Extra work found, graded and priced, shown to the owner to approve or decline; they are told by e-mail."""
    now = now or timezone.now()
    order = _locked(order)
    _open(order)
    update = update_post(by=by, order=order, text=text or title, is_visible=True, upload=upload, now=now)
    finding = Finding(order=order, update=update, title=title.strip(), grade=grade, price=price, created_at=now)
    if vat_rate is not None:
        finding.vat_rate = vat_rate
    finding.full_clean(exclude=["order", "update", "recorded_by"])
    finding.save()
    _touched(order, now)
    if order.status != S.WAITING_APPROVAL:
        before = order.status
        order.status, order.status_changed_at = S.WAITING_APPROVAL, now
        order.save(update_fields=["status", "status_changed_at", "updated_at"])
        _event(order, S.WAITING_APPROVAL, by, now)
        audit_record(by=by, action="repair_order.status", target=order, changes={"status": [before, S.WAITING_APPROVAL]})
    audit_record(by=by, action="repair_order.finding", target=order, changes={"finding": [None, f"{finding.title} ({finding.grade}) {finding.price}"]})
    people.interaction_record(customer=order.customer, channel=Channel.WORKSHOP, kind="workshop.finding", site=order.site, actor=by, ref=order,
                              summary=_("Proposed on %(number)s: %(title)s, € %(price)s") % {
                                  "number": order.number, "title": finding.title, "price": _euro(finding.price_with_vat)})  # fmt: skip
    transaction.on_commit(lambda: order_approval_mail.enqueue(order.pk))
    return finding


def _euro(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@transaction.atomic
def finding_answer(*, finding: Finding, approve: bool, via: str, ip_address: str | None = None, user_agent: str = "",
                   recorded_by: User | None = None, now: datetime.datetime | None = None) -> Finding:  # fmt: skip
    """The owner's answer to a proposed job — who, when, from where — kept once: a second answer changes nothing.

    Approved, the job becomes a line of the order; with every job answered, the work goes on.
    """
    now = now or timezone.now()
    order = _locked(finding.order)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.answer != Finding.Answer.PROPOSED:
        return finding
    _open(order)
    finding.answer = Finding.Answer.APPROVED if approve else Finding.Answer.DECLINED
    finding.answered_at, finding.answered_via = now, via
    finding.answered_ip, finding.answered_user_agent = ip_address, user_agent[:300]
    finding.recorded_by = recorded_by
    finding.save()
    _touched(order, now)
    if approve:
        WorkLine.objects.create(order=order, kind=WorkLine.Kind.LABOUR, description=finding.title, unit_price=finding.price, vat_rate=finding.vat_rate,
                                finding=finding, position=order.lines.count())  # fmt: skip
    audit_record(by=recorded_by, action="repair_order.answer", target=order, changes={finding.title: [Finding.Answer.PROPOSED, finding.answer],
                 "via": [None, via], "ip": [None, ip_address]})  # fmt: skip
    people.interaction_record(customer=order.customer, channel=Channel.PORTAL if via == Finding.Via.PORTAL else Channel.WORKSHOP, kind="workshop.answer", site=order.site, actor=recorded_by, ref=order,
                              summary=(_("Approved on %(number)s: %(title)s") if approve else _("Declined on %(number)s: %(title)s")) % {
                                  "number": order.number, "title": finding.title})  # fmt: skip
    if order.status == S.WAITING_APPROVAL and not order.findings.filter(answer=Finding.Answer.PROPOSED).exists():
        order.status, order.status_changed_at = S.IN_PROGRESS, now
        order.save(update_fields=["status", "status_changed_at", "updated_at"])
        _event(order, S.IN_PROGRESS, recorded_by, now)
    return finding


# --- Courtesy vehicles ------------------------------------------------------------------


@transaction.atomic
def loan_out(*, by: User, courtesy_vehicle: CourtesyVehicle, customer: Customer, km: int, level: int, damage: str = "",
             order: RepairOrder | None = None, photos: list[UploadedFile] = (), now: datetime.datetime | None = None) -> Loan:  # fmt: skip
    """Lend a courtesy car, noting km, fuel or charge and damage (with photos); one loan at a time per car."""
    vehicle = CourtesyVehicle.objects.select_for_update().get(pk=courtesy_vehicle.pk)
    if not vehicle.is_active:
        raise ValidationError(_("This courtesy car is not available for loans."), code="not_available")
    if vehicle.loans.filter(back_at__isnull=True).exists():
        raise ValidationError(_("This courtesy car is already out on loan."), code="already_out")
    if customer.network_id != vehicle.network_id or (order is not None and order.site_id != vehicle.site_id):
        raise ValidationError(_("This belongs to another network."), code="other_network")
    loan = Loan(courtesy_vehicle=vehicle, order=order, customer=customer, out_at=now or timezone.now(), out_km=km, out_level=level,
                out_damage=damage.strip(), lent_by=by)  # fmt: skip
    loan.full_clean(exclude=["courtesy_vehicle", "order", "customer", "lent_by"])
    loan.save()
    _photos(loan, photos, is_return=False)
    audit_record(by=by, action="courtesy.out", target=vehicle, changes={"customer": [None, customer.display_name], "km": [None, km], "level": [None, level]})
    people.interaction_record(customer=customer, channel=Channel.WORKSHOP, kind="workshop.courtesy_out", site=vehicle.site, actor=by, ref=loan,
                              summary=_("Courtesy car %(car)s lent") % {"car": vehicle})  # fmt: skip
    return loan


@transaction.atomic
def loan_back(*, by: User, loan: Loan, km: int, level: int, damage: str = "", photos: list[UploadedFile] = (),
              now: datetime.datetime | None = None) -> Loan:  # fmt: skip
    """The courtesy car is back: km (not fewer than when lent), fuel or charge, any new damage."""
    loan = Loan.objects.select_for_update().select_related("courtesy_vehicle", "customer").get(pk=loan.pk)
    if loan.back_at is not None:
        return loan
    if km < loan.out_km:
        raise ValidationError({"km": _("The car left with %(km)s km: it cannot come back with fewer.") % {"km": loan.out_km}})
    loan.back_at, loan.back_km, loan.back_level, loan.back_damage = now or timezone.now(), km, level, damage.strip()
    loan.full_clean(exclude=["courtesy_vehicle", "order", "customer", "lent_by"])
    loan.save()
    _photos(loan, photos, is_return=True)
    audit_record(by=by, action="courtesy.back", target=loan.courtesy_vehicle, changes={"km": [loan.out_km, km], "level": [loan.out_level, level]})
    people.interaction_record(customer=loan.customer, channel=Channel.WORKSHOP, kind="workshop.courtesy_back", site=loan.courtesy_vehicle.site, actor=by,
                              ref=loan, summary=_("Courtesy car %(car)s given back, %(km)s km driven") % {
                                  "car": loan.courtesy_vehicle, "km": km - loan.out_km})  # fmt: skip
    return loan


def _photos(loan: Loan, photos, is_return: bool) -> None:
    for upload in photos:
        media = media_checked(upload)
        if media.kind != "image":
            raise ValidationError({"photos": _("Only photos can show a courtesy car's condition.")})
        photo = LoanPhoto(loan=loan, is_return=is_return)
        photo.image.save(media.file.name, media.file, save=False)
        photo.save()
