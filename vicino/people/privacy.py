"""GDPR rights: the register of requests with their deadline, a customer's data archive, erasure.

- Access and portability: `customer_data_archive` is one ZIP with `data.json` (everything
  Vicino holds about the person) and CSV files of the same, for spreadsheets.
- Erasure: `customer_erase` anonymises names, identifiers, contact points, addresses and
  free text, in the record, its timeline and the audit log. The row itself, its relation,
  site, dates and the timeline's channels and kinds stay, so counts and statistics hold;
  the consent ledger stays whole (the proof of what the person agreed to, and when), and
  the erasure is itself recorded.
- Rectification is ordinary editing, which the audit log already records.
"""

import calendar
import csv
import datetime
import io
import json
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.actor import Actor
from vicino.core.audit import audit_record
from vicino.core.models import AuditEntry, User

from .models import Address, Channel, ContactPoint, Customer, CustomerLink, Interaction, PrivacyRequest
from .services import interaction_record


def one_month_after(moment: datetime.datetime) -> datetime.datetime:
    """The GDPR deadline (art. 12(3)): the same day next month, or that month's last day."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def privacy_request_list(*, actor: Actor) -> QuerySet[PrivacyRequest]:
    return actor.scope(PrivacyRequest.objects.select_related("customer", "opened_by", "closed_by"))


@transaction.atomic
def privacy_request_open(
    *, by: User, customer: Customer, kind: str, channel: str = Channel.EMAIL, received_at: datetime.datetime | None = None, notes: str = ""
) -> PrivacyRequest:
    """Register a request as received; its deadline follows from the day it arrived."""
    received_at = received_at or timezone.now()
    request = PrivacyRequest(
        network_id=customer.network_id, customer=customer, kind=kind, channel=channel, received_at=received_at,
        due_at=one_month_after(received_at), opened_by=by, notes=notes,
    )  # fmt: skip
    request.full_clean(exclude=["network", "customer", "opened_by"])
    request.save()
    interaction_record(
        customer=customer, channel=channel, kind="privacy.request", actor=by, ref=request,
        summary=_("Privacy request received: %(kind)s") % {"kind": request.get_kind_display()},
    )  # fmt: skip
    return request


@transaction.atomic
def privacy_request_close(*, by: User, request: PrivacyRequest, status: str, notes: str = "") -> PrivacyRequest:
    """Mark a request fulfilled or refused (a refusal needs its reason); erasure requests erase."""
    if request.status != PrivacyRequest.Status.OPEN:
        raise ValidationError(_("This request is already closed."), code="closed")
    if status == PrivacyRequest.Status.REFUSED and not notes.strip():
        raise ValidationError({"notes": _("Write why the request is refused: the customer must be told.")}, code="reason_required")
    if status == PrivacyRequest.Status.DONE and request.kind == PrivacyRequest.Kind.ERASURE and request.customer.erased_at is None:
        customer_erase(by=by, customer=request.customer)
    request.status, request.closed_by, request.completed_at = status, by, timezone.now()
    request.notes = "\n".join(part for part in (request.notes, notes.strip()) if part)
    request.save()
    return request


def customer_data(customer: Customer) -> dict[str, Any]:
    """Everything Vicino holds about one customer, as plain data."""
    return {
        "customer": {
            "id": customer.pk, "kind": customer.kind, "relation": customer.relation, "first_name": customer.first_name,
            "last_name": customer.last_name, "company_name": customer.company_name, "fiscal_code": customer.fiscal_code,
            "vat_number": customer.vat_number, "birth_date": customer.birth_date, "language": customer.language,
            "preferred_channel": customer.preferred_channel, "member_number": customer.member_number,
            "member_card": customer.member_card, "notes": customer.notes, "site": customer.site.name if customer.site else None,
            "network": customer.network.name, "created_at": customer.created_at, "updated_at": customer.updated_at,
            "tags": [tag.name for tag in customer.tags.all()],
        },
        "contact_points": [
            {"kind": p.kind, "value": p.value, "label": p.label, "primary": p.is_primary, "created_at": p.created_at}
            for p in customer.contacts
        ],
        "addresses": [
            {"street": a.street, "cap": a.cap, "city": a.city, "province": a.province, "country": a.country}
            for a in customer.addresses.all()
        ],
        "consents": [
            {"occurred_at": e.occurred_at, "purpose": e.purpose, "channel": e.channel, "action": e.action, "source": e.source,
             "notice_version": e.notice.version if e.notice else None, "ip_address": e.ip_address, "user_agent": e.user_agent,
             "double_opt_in_at": e.double_opt_in_at, "evidence": e.evidence}
            for e in customer.consent_events.select_related("notice").order_by("occurred_at", "id")
        ],
        "timeline": [
            {"occurred_at": i.occurred_at, "channel": i.channel, "kind": i.kind, "summary": i.summary, "site": i.site.name if i.site else None}
            for i in customer.interactions.select_related("site").order_by("occurred_at", "id")
        ],
        "privacy_requests": [
            {"kind": r.kind, "status": r.status, "received_at": r.received_at, "due_at": r.due_at, "completed_at": r.completed_at}
            for r in customer.privacy_requests.order_by("received_at")
        ],
    }  # fmt: skip


@transaction.atomic
def customer_data_archive(*, by: User | None, customer: Customer) -> bytes:
    """The access/portability archive: data.json plus one CSV per section; the export is recorded."""
    data = customer_data(customer)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for section in ("contact_points", "addresses", "consents", "timeline", "privacy_requests"):
            archive.writestr(f"{section}.csv", _csv(data[section]))
        archive.writestr("customer.csv", _csv([data["customer"] | {"tags": ", ".join(data["customer"]["tags"])}]))
    interaction_record(customer=customer, channel=Channel.OTHER, kind="data.exported", actor=by, summary=_("Personal data exported (access request)"))
    audit_record(by=by, action="customer.data_export", target=customer)
    return buffer.getvalue()


def _csv(rows: list[dict]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value: Any) -> str:
    from .importfile import cell_safe

    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return cell_safe("" if value is None else str(value))


@transaction.atomic
def customer_erase(*, by: User | None, customer: Customer) -> Customer:
    """Anonymise a person for good, keeping what statistics and the law still need."""
    if customer.erased_at is not None:
        return customer
    ContactPoint.objects.filter(customer=customer).delete()
    Address.objects.filter(customer=customer).delete()
    CustomerLink.objects.filter(from_customer=customer).delete()
    CustomerLink.objects.filter(to_customer=customer).delete()
    customer.tags.clear()
    for name in ("first_name", "last_name", "company_name", "fiscal_code", "vat_number", "member_number", "member_card", "external_id", "notes", "search_text", "name_key"):
        setattr(customer, name, "")
    customer.birth_date = None
    customer.erased_at = timezone.now()
    customer.save()
    Interaction.objects.filter(customer=customer).update(summary="—")
    # The audit log named the person and their old values: keep who did what, not the data.
    AuditEntry.objects.filter(target_type=Customer._meta.label_lower, target_id=str(customer.pk)).update(
        target_repr=str(_("Erased customer")), changes={}
    )
    interaction_record(customer=customer, channel=Channel.OTHER, kind="customer.erased", actor=by, summary=_("Personal data erased on request"))
    audit_record(by=by, action="customer.erase", target=customer)
    return customer
