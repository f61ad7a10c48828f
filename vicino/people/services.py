"""Every write about customers: records, contact points, consents, the timeline."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record, changes_apply, snapshot
from vicino.core.bulk import values_insert
from vicino.core.models import Network, Site, User

from .folding import name_texts, name_words
from .models import (
    CONSENT_CHANNELS,
    Address,
    Channel,
    ConsentEvent,
    ContactPoint,
    Customer,
    CustomerLink,
    Interaction,
    NameWord,
    PrivacyNotice,
    RetentionPolicy,
    Tag,
)
from .phones import phone_normalise
from .search import word_variants
from .queries import consent_grants_to_expire, months_before, retention_months

CUSTOMER_EDITABLE_FIELDS = (
    "kind", "relation", "first_name", "last_name", "company_name", "fiscal_code", "vat_number", "birth_date",
    "language", "preferred_channel", "member_number", "member_card", "external_id", "notes", "site",
)  # fmt: skip



# --- The timeline ---------------------------------------------------------------------


def interaction_record(
    *,
    customer: Customer,
    channel: str,
    kind: str,
    summary: str,
    site: Site | None = None,
    actor: User | None = None,
    occurred_at: datetime.datetime | None = None,
    ref: Model | None = None,
) -> Interaction:
    """Put one thing that happened on the customer's timeline; every app writes it through here."""
    return Interaction.objects.create(
        network_id=customer.network_id,
        site=site if site is not None else customer.site,
        customer=customer,
        channel=channel,
        kind=kind,
        summary=summary[:500],
        actor=actor if actor is not None and actor.is_authenticated else None,
        occurred_at=occurred_at or timezone.now(),
        ref_type=ref._meta.label_lower if ref is not None else "",
        ref_id=str(ref.pk) if ref is not None else "",
    )


def interactions_record_many(*, entries: Iterable[dict]) -> int:
    """Put many entries on customers' timelines at once (an import of leads); each entry holds
    customer_id, network_id, channel, kind, summary and optionally site_id, actor, occurred_at, and
    ref (a saved record) or ref_type and ref_id."""
    now = timezone.now()
    rows = []
    for entry in entries:
        actor, ref = entry.get("actor"), entry.get("ref")
        rows.append({
            "network_id": entry["network_id"], "site_id": entry.get("site_id"), "customer_id": entry["customer_id"],
            "channel": entry["channel"], "kind": entry["kind"], "summary": entry["summary"][:500],
            "occurred_at": entry.get("occurred_at") or now, "created_at": now,
            "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
            "ref_type": ref._meta.label_lower if ref is not None else entry.get("ref_type", ""),
            "ref_id": str(ref.pk) if ref is not None else entry.get("ref_id", ""),
        })  # fmt: skip
    values_insert(Interaction, rows)
    return len(rows)


# --- Customer records -----------------------------------------------------------------


def _clean_identity(customer: Customer) -> None:
    """Names tidied, Italian identifiers in their canonical form (the fields' validators check them)."""
    customer.first_name = " ".join(customer.first_name.split())
    customer.last_name = " ".join(customer.last_name.split())
    customer.company_name = " ".join(customer.company_name.split())
    customer.fiscal_code = customer.fiscal_code.replace(" ", "").upper()
    customer.vat_number = customer.vat_number.replace(" ", "").upper().removeprefix("IT")
    errors: dict[str, list] = {}
    if not (customer.first_name or customer.last_name or customer.company_name):
        errors["last_name"] = [ValidationError(_("Give a first name, a last name or a company name."), code="missing_name")]
    if customer.kind == Customer.Kind.COMPANY and not customer.company_name:
        errors["company_name"] = [ValidationError(_("A company needs its company name."), code="missing_company_name")]
    if customer.site_id and customer.site.network_id != customer.network_id:
        errors["site"] = [ValidationError(_("The site belongs to another network."), code="wrong_network")]
    if errors:
        raise ValidationError(errors)


def email_normalise(text: str) -> str:
    value = (text or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid e-mail address.") % {"value": text}, code="invalid_email")
    return value


def search_text_for(customer: Customer) -> str:
    """The folded text the search box matches: names and member number (no database access).

    E-mails, phones, codici fiscali and partite IVA are found through their own
    B-tree indexes instead: exact lookups, and a smaller text index.
    """
    return search_text_of(customer.first_name, customer.last_name, customer.company_name, customer.member_number)


def search_text_of(first_name: str, last_name: str, company_name: str, member_number: str) -> str:
    return name_texts(first_name, last_name, company_name, member_number).search_text


def name_key_for(customer: Customer) -> str:
    return name_key_of(customer.first_name, customer.last_name, customer.company_name)


def name_key_of(first_name: str, last_name: str, company_name: str) -> str:
    """The folded name two records of the same person share, whatever the accents or apostrophes."""
    return name_texts(first_name, last_name, company_name).name_key


def search_text_refresh(customer: Customer) -> None:
    """Store the customer's search text and name key; teach the typo dictionary their name words."""
    customer.search_text = search_text_for(customer)
    customer.name_key = name_key_for(customer)
    Customer.objects.filter(pk=customer.pk).update(search_text=customer.search_text, name_key=customer.name_key)
    name_words_remember(network_id=customer.network_id, words=name_words(customer.first_name, customer.last_name, customer.company_name))


def name_words_remember(*, network_id: int, words: Iterable[str]) -> None:
    """Add name words (with their one-letter deletions) to the network's typo dictionary."""
    rows = [NameWord(network_id=network_id, word=w, variant=v) for w in words for v in word_variants(w)]
    NameWord.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def customer_create(
    *,
    by: User | None,
    network: Network,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    address: dict[str, str] | None = None,
    tags: Iterable[str] = (),
    channel: str = Channel.OTHER,
    **fields: Any,
) -> Customer:
    """A new customer with their contact points, address and tags, on the timeline from the start."""
    customer = Customer(network=network, **fields)
    _clean_identity(customer)
    customer.full_clean(exclude=["tags"])
    customer.save()
    _contact_points_add(customer, emails=emails, phones=phones)
    if address and any(address.values()):
        address_row = Address(customer=customer, **address)
        address_row.full_clean(exclude=["customer"])
        address_row.save()
    if tags:
        customer.tags.set(tags_ensure(network=network, names=tags))
    search_text_refresh(customer)
    audit_record(by=by, action="customer.create", target=customer, changes=snapshot(customer, ["first_name", "last_name", "company_name"]))
    interaction_record(customer=customer, channel=channel, kind="customer.created", summary=_("Customer record created"), actor=by)
    return customer


@transaction.atomic
def customer_tags_set(*, by: User | None, customer: Customer, names: Iterable[str]) -> Customer:
    """Give the customer exactly these tags (new ones are created in the network)."""
    before = sorted(tag.name for tag in customer.tags.all())
    tags = tags_ensure(network=customer.network, names=names)
    after = sorted(tag.name for tag in tags)
    if before != after:
        customer.tags.set(tags)
        audit_record(by=by, action="customer.update", target=customer, changes={"tags": [", ".join(before), ", ".join(after)]})
    return customer


@transaction.atomic
def customer_link(*, by: User | None, customer: Customer, other: Customer, kind: str) -> CustomerLink:
    """Say two customers belong together (a household, a company and its contact person)."""
    if other.pk == customer.pk or other.network_id != customer.network_id:
        raise ValidationError({"other": _("Choose another customer of the same network.")}, code="bad_link")
    link, created = CustomerLink.objects.get_or_create(network_id=customer.network_id, from_customer=customer, to_customer=other, kind=kind)
    if created:
        audit_record(by=by, action="customer.update", target=customer, changes={"link": [None, f"{link.get_kind_display()}: {other}"]})
    return link


@transaction.atomic
def customer_update(*, by: User | None, customer: Customer, data: dict[str, Any]) -> Customer:
    """Change a customer's details (rectification); only real changes are saved and audited."""
    unknown = set(data) - set(CUSTOMER_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changes = changes_apply(customer, data)
    if not changes:
        return customer
    _clean_identity(customer)
    customer.full_clean(exclude=["tags"])
    customer.save()
    search_text_refresh(customer)
    audit_record(by=by, action="customer.update", target=customer, changes=changes)
    return customer


def _contact_points_add(customer: Customer, *, emails: Iterable[str], phones: Iterable[str]) -> list[ContactPoint]:
    existing = {(p.kind, p.value) for p in customer.contact_points.all()}
    values = [(ContactPoint.Kind.EMAIL, email_normalise(e)) for e in emails if e and e.strip()]
    values += [(ContactPoint.Kind.PHONE, phone_normalise(p)) for p in phones if p and p.strip()]
    has_primary = {kind for kind, _value in existing} if existing else set()
    created = []
    for kind, value in dict.fromkeys(values):
        if (kind, value) in existing:
            continue
        created.append(
            ContactPoint(network_id=customer.network_id, customer=customer, kind=kind, value=value, is_primary=kind not in has_primary)
        )
        has_primary.add(kind)
    ContactPoint.objects.bulk_create(created)
    return created


@transaction.atomic
def contact_point_add(*, by: User | None, customer: Customer, kind: str, value: str, label: str = "") -> ContactPoint:
    """Add an e-mail address or a phone number, normalised; the first of a kind becomes primary."""
    emails, phones = ([value], []) if kind == ContactPoint.Kind.EMAIL else ([], [value])
    created = _contact_points_add(customer, emails=emails, phones=phones)
    if not created:
        raise ValidationError({"value": _("The customer already has this contact.")}, code="duplicate")
    point = created[0]
    if label:
        ContactPoint.objects.filter(pk=point.pk).update(label=label)
    search_text_refresh(customer)
    audit_record(by=by, action="contact_point.add", target=customer, changes={point.kind: [None, point.value]})
    return point


@transaction.atomic
def contact_point_remove(*, by: User | None, point: ContactPoint) -> None:
    customer = point.customer
    point.delete()
    if point.is_primary:
        successor = customer.contact_points.filter(kind=point.kind).order_by("pk").first()
        if successor:
            ContactPoint.objects.filter(pk=successor.pk).update(is_primary=True)
    search_text_refresh(customer)
    audit_record(by=by, action="contact_point.remove", target=customer, changes={point.kind: [point.value, None]})


def tags_ensure(*, network: Network, names: Iterable[str]) -> list[Tag]:
    """The network's tags with these names, created when new (case-insensitive)."""
    wanted = {name.strip().casefold(): name.strip()[:50] for name in names if name and name.strip()}
    found = {tag.name.casefold(): tag for tag in Tag.objects.filter(network=network)}
    missing = [Tag(network=network, name=name) for key, name in wanted.items() if key not in found]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        found = {tag.name.casefold(): tag for tag in Tag.objects.filter(network=network)}
    return [found[key] for key in wanted if key in found]


# --- Consent ledger ---------------------------------------------------------------------


@transaction.atomic
def privacy_notice_publish(*, by: User | None, network: Network, version: str, title: str, text: str) -> PrivacyNotice:
    """Publish a new version of the privacy notice; consents collected from now on cite it."""
    notice = PrivacyNotice(network=network, version=version.strip(), title=title.strip(), text=text)
    notice.full_clean()
    notice.save()
    audit_record(by=by, action="privacy_notice.publish", target=notice, changes={"version": [None, notice.version]})
    return notice


@transaction.atomic
def consent_record(
    *,
    by: User | None,
    customer: Customer,
    purpose: str,
    channel: str,
    action: str,
    source: str,
    notice: PrivacyNotice | None = None,
    occurred_at: datetime.datetime | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    double_opt_in_at: datetime.datetime | None = None,
    evidence: str = "",
) -> ConsentEvent:
    """Append one consent event (never change one) and put it on the timeline."""
    errors: dict[str, str] = {}
    if channel not in CONSENT_CHANNELS:
        errors["channel"] = _("Consent is given per contact channel: e-mail, SMS, phone, post or WhatsApp.")
    if action == ConsentEvent.Action.GRANTED and notice is None:
        errors["notice"] = _("Say which version of the privacy notice the customer was shown.")
    if notice is not None and notice.network_id != customer.network_id:
        errors["notice"] = _("The privacy notice belongs to another network.")
    if errors:
        raise ValidationError(errors)
    event = ConsentEvent(
        network_id=customer.network_id,
        customer=customer,
        purpose=purpose,
        channel=channel,
        action=action,
        source=source,
        notice=notice,
        occurred_at=occurred_at or timezone.now(),
        actor=by if by is not None and by.is_authenticated else None,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:300],
        double_opt_in_at=double_opt_in_at,
        evidence=evidence,
    )
    event.full_clean(exclude=["customer", "network", "notice", "actor"])
    event.save()
    interaction_record(
        customer=customer,
        channel=channel,
        kind=f"consent.{action}",
        summary=_("Consent %(action)s: %(purpose)s via %(channel)s")
        % {"action": event.get_action_display().lower(), "purpose": event.get_purpose_display(), "channel": event.get_channel_display()},
        actor=by,
        occurred_at=event.occurred_at,
        ref=event,
    )
    return event


@transaction.atomic
def retention_policy_set(*, by: User, network: Network, purpose: str, months: int, justification: str) -> RetentionPolicy:
    """Change how long consents for a purpose last; the reason is required and kept."""
    if not justification.strip():
        raise ValidationError({"justification": _("Explain why consents last this long: the Garante may ask.")})
    policy, _created = RetentionPolicy.objects.get_or_create(
        network=network, purpose=purpose, defaults={"months": months, "justification": justification, "updated_by": by}
    )
    before = policy.months
    policy.months, policy.justification, policy.updated_by = months, justification.strip(), by
    policy.full_clean()
    policy.save()
    audit_record(by=by, action="retention.set", target=network, changes={f"retention_{purpose}": [before, months]})
    return policy


def consents_expire(*, network: Network, now: datetime.datetime | None = None) -> int:
    """Record an expiry for every grant older than its purpose's retention; returns how many."""
    now = now or timezone.now()
    expired = 0
    for purpose, months in retention_months(network=network).items():
        cutoff = months_before(now, months)
        for event in consent_grants_to_expire(network=network, purpose=purpose, cutoff=cutoff):
            consent_record(
                by=None,
                customer=event.customer,
                purpose=event.purpose,
                channel=event.channel,
                action=ConsentEvent.Action.EXPIRED,
                source=ConsentEvent.Source.RETENTION,
                occurred_at=now,
                evidence=_("Granted on %(date)s; retention %(months)s months")
                % {"date": event.occurred_at.strftime("%d/%m/%Y"), "months": months},
            )
            expired += 1
    return expired
