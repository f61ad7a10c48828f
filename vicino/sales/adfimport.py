"""Importing ADF documents: each whole prospect becomes a routed lead, the document is kept once.

The same path serves an uploaded file, a POST to the API and the folder pickup. A
document is read whole first (`adf.adf_read`), so a broken prospect is named to the sender
while the others are imported. Then, in batches: route each prospect to a site (the ADF
vendor, else the customer's province or CAP), find or create the customers through the
people service in one go per batch, and write the leads, their trade-ins and timeline
entries with multi-row INSERTs — a portal's nightly file of thousands of leads is
imported in seconds (bench/sales_bench.py).
"""

import hashlib
import logging
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.bulk import values_insert
from vicino.core.italy import PROVINCE_CHOICES
from vicino.core.models import Network, Site, User
from vicino.people import services as people
from vicino.people.matching import PersonIn, customers_match_or_create
from vicino.people.models import Channel

from .adf import AdfError, AdfProblem, AdfProspect, AdfVehicle, adf_read
from .models import AdfDocument, Lead, TradeIn, VehicleModel, vin_clean, vin_is_valid
from .routing import Router
from .services import Enquiry, condition_of, lead_created_summary, lead_fields_of

logger = logging.getLogger(__name__)

BATCH = 1000
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_PROVINCES = {code for code, _name in PROVINCE_CHOICES}
_INTERESTS = {"buy": Lead.Interest.BUY, "lease": Lead.Interest.LEASE, "test-drive": Lead.Interest.TEST_DRIVE,
              "sell": Lead.Interest.TRADE_IN, "trade-in": Lead.Interest.TRADE_IN}  # fmt: skip
_PREFERRED = {"email": Channel.EMAIL, "phone": Channel.PHONE}


@dataclass
class AdfImportResult:
    document: AdfDocument
    lead_ids: list[int]
    problems: list[AdfProblem]

    @cached_property
    def leads(self) -> list[Lead]:
        return list(Lead.objects.filter(pk__in=self.lead_ids).order_by("adf_prospect", "pk"))


def adf_import(*, by: User | None, network: Network, data: bytes, filename: str = "", source: str = AdfDocument.Source.UPLOAD) -> AdfImportResult:
    """Import every whole prospect of an ADF document as a lead; AdfError when none can be read at all."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise AdfError("too_large", _("The ADF document is larger than 10 MB: send it in parts."))
    read = adf_read(data)
    problems = list(read.problems)
    with transaction.atomic():
        document = AdfDocument.objects.create(
            network=network, source=source, filename=filename[:200], sha256=hashlib.sha256(data).hexdigest(), content=data,
            received_by=by if by is not None and by.is_authenticated else None,
            prospect_count=len(read.prospects) + len({p.prospect for p in read.problems if p.prospect not in {r.number for r in read.prospects}}),
        )  # fmt: skip
        router = Router.load(network_id=network.pk, lock=True)
        if not router.sites and read.prospects:
            raise AdfError("no_site", _("The network has no site that takes leads yet."))
        models = _catalogue(network)
        leads: list[int] = []
        for start in range(0, len(read.prospects), BATCH):
            leads += _batch_import(by, network, document, router, models, read.prospects[start : start + BATCH], problems)
        router.save()
        document.lead_count = len(leads)
        document.problems = [{"prospect": p.prospect, "element": p.element, "message": p.message} for p in problems]
        document.save(update_fields=["lead_count", "problems"])
        audit_record(by=by, action="leads.adf_import", target=document, changes={"leads": [None, len(leads)], "problems": [None, len(problems)]})
    return AdfImportResult(document=document, lead_ids=leads, problems=problems)


def _batch_import(by, network: Network, document: AdfDocument, router: Router, models: dict, prospects: list[AdfProspect],
                  problems: list[AdfProblem]) -> list[int]:  # fmt: skip
    now = timezone.now()
    routed: dict[int, list[tuple[AdfProspect, PersonIn]]] = {}
    sites: dict[int, Site] = {}
    for prospect in prospects:
        person = _person(prospect.customer)
        site = router.site_by_reference(code=prospect.vendor.id, name=prospect.vendor.name) or router.site_for(
            province=person.province, cap=person.cap
        )
        sites[site.pk] = site
        routed.setdefault(site.pk, []).append((prospect, person))
    rows: list[dict] = []
    trade_ins: list[tuple[int, AdfVehicle]] = []  # (position of the lead in `rows`, the car)
    for site_id, group in routed.items():
        site = sites[site_id]
        matched = customers_match_or_create(
            by=by, network=network, site=site, people=[person for _p, person in group], channel=Channel.WEB,
            summary=_("Customer record created from an ADF lead"),
        )  # fmt: skip
        for (prospect, _person_in), match in zip(group, matched, strict=True):
            if match is None:
                problems.append(AdfProblem(prospect.number, "customer/contact", _("The customer could not be recorded: no valid name, e-mail or phone.")))
                continue
            consultant = router.consultant_for(site, now)
            fields = lead_fields_of(_enquiry(prospect, models, problems))
            vehicle_model, stock_vehicle = fields.pop("vehicle_model"), fields.pop("stock_vehicle")
            rows.append({
                **fields, "network_id": network.pk, "site_id": site.pk, "customer_id": match.customer_id,
                "assigned_to_id": consultant.pk if consultant else None, "created_at": now, "updated_at": now, "stage_changed_at": now,
                "adf_document_id": document.pk, "adf_prospect": prospect.number,
                "vehicle_model_id": vehicle_model.pk if vehicle_model else None, "stock_vehicle_id": stock_vehicle.pk if stock_vehicle else None,
            })  # fmt: skip
            trade_ins += [(len(rows) - 1, vehicle) for vehicle in prospect.trade_ins]
    # Plain rows, not model instances: building a Lead costs more than inserting it.
    ids = values_insert(Lead, rows)
    values_insert(TradeIn, [
        {"lead_id": ids[n], "make": (v.make or _("Unknown make"))[:60], "model": v.model[:80], "year": v.year, "km": v.odometer_km,
         "vin": _vin(v.vin), "notes": v.comments, "created_at": now, "updated_at": now}
        for n, v in trade_ins
    ])  # fmt: skip
    summaries: dict[tuple, str] = {}  # the same few models, channels and campaigns: each summary written once

    def summary(row: dict) -> str:
        key = (row["vehicle_model_id"], row["vehicle_text"], row["interest"], row["channel"], row["campaign"])
        if key not in summaries:
            summaries[key] = lead_created_summary(Lead(**{name: row[name] for name in ("vehicle_model_id", "vehicle_text", "interest", "channel", "campaign")}))
        return summaries[key]

    people.interactions_record_many(
        entries=(
            {"network_id": network.pk, "site_id": row["site_id"], "customer_id": row["customer_id"], "channel": row["channel"],
             "kind": "lead.created", "summary": summary(row), "actor": by, "occurred_at": now, "ref_type": "sales.lead", "ref_id": str(pk)}
            for pk, row in zip(ids, rows, strict=True)
        )
    )  # fmt: skip
    return ids


def _person(contact) -> PersonIn:
    region = contact.region.strip().upper()
    return PersonIn(
        first_name=contact.first_name, last_name=contact.last_name, company_name=contact.company_name, emails=tuple(contact.emails),
        phones=tuple(contact.phones), street=contact.street, cap=contact.postal_code.strip() if len(contact.postal_code.strip()) == 5 else "",
        city=contact.city, province=region if region in _PROVINCES else "",
    )  # fmt: skip


def _enquiry(prospect: AdfProspect, models: dict, problems: list[AdfProblem]) -> Enquiry:
    wanted = prospect.vehicle_of_interest
    interest = _INTERESTS.get(wanted.interest, Lead.Interest.BUY) if wanted else (Lead.Interest.TRADE_IN if prospect.trade_ins else Lead.Interest.BUY)
    provider = prospect.provider
    enquiry = Enquiry(
        person=PersonIn(), source=Lead.Source.ADF, channel=Channel.WEB, provider=provider.name,
        campaign=provider.service or provider.name, utm={"source": provider.name}, external_ref=prospect.source_id,
        interest=interest, preferred_contact=_PREFERRED.get(prospect.customer.preferred, ""),
        message="\n\n".join(text for text in (prospect.comments, wanted.comments if wanted else "") if text),
    )  # fmt: skip
    if wanted is not None:
        enquiry.condition = condition_of(wanted.status)
        enquiry.vehicle_text = " ".join(part for part in (wanted.make, wanted.model, wanted.trim) if part)
        enquiry.vehicle_model = models.get((wanted.make.casefold(), wanted.model.casefold(), wanted.trim.casefold())) or models.get(
            (wanted.make.casefold(), wanted.model.casefold(), None)
        )
        enquiry.vehicle_year = wanted.year
        enquiry.vehicle_colour = " / ".join(c for c in (wanted.exterior_color, wanted.interior_color) if c)
        enquiry.vehicle_km = wanted.odometer_km
        if wanted.price is not None and wanted.price < 0:
            problems.append(AdfProblem(prospect.number, "vehicle/price", _("A price cannot be negative: the lead was imported without it.")))
        elif wanted.price is not None and wanted.price < Decimal("1e10"):
            enquiry.vehicle_price = wanted.price.quantize(Decimal("0.01"))
    return enquiry


def _catalogue(network: Network) -> dict:
    """The network's models by (make, model, trim), and by (make, model, None) for a sender without the trim."""
    found: dict = {}
    for entry in VehicleModel.objects.filter(network=network, is_active=True).order_by("pk"):
        found.setdefault((entry.make.casefold(), entry.model.casefold(), entry.trim.casefold()), entry)
        found.setdefault((entry.make.casefold(), entry.model.casefold(), None), entry)
    return found


def _vin(text: str) -> str:
    value = vin_clean(text)
    return value if vin_is_valid(value) else ""


# --- The folder pickup --------------------------------------------------------------------


def adf_inbox_import(*, inbox: str | None = None) -> int:
    """Import the files in the inbox folder: <inbox>/<network short name>/*.xml. Each file read moves to
    "done/"; one that cannot be read moves to "refused/" with a .txt saying why. Returns the files handled."""
    root = Path(inbox if inbox is not None else settings.VICINO_ADF_INBOX)
    if not str(inbox if inbox is not None else settings.VICINO_ADF_INBOX) or not root.is_dir():
        return 0
    handled = 0
    for network in Network.objects.filter(slug__in=[p.name for p in root.iterdir() if p.is_dir()]):
        folder = root / network.slug
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.suffix.lower() not in (".xml", ".adf"):
                continue
            handled += 1
            try:
                result = adf_import(by=None, network=network, data=path.read_bytes(), filename=path.name, source=AdfDocument.Source.FOLDER)
            except AdfError as error:
                _move(path, folder / "refused", note=error.message)
                continue
            note = "\n".join(f"#{p.prospect} {p.element}: {p.message}" for p in result.problems)
            _move(path, folder / "done", note=note)
            logger.info("ADF file %s: %d leads, %d problems", path.name, len(result.lead_ids), len(result.problems))
    return handled


def _move(path: Path, to: Path, *, note: str) -> None:
    to.mkdir(exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    target = to / f"{stamp}-{path.name}"
    path.rename(target)
    if note:
        target.with_suffix(target.suffix + ".txt").write_text(note + "\n", encoding="utf-8")
