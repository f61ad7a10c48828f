"""Exporting a filtered customer list to CSV or Excel, streamed, with formulas neutralised."""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .importfile import cell_safe
from .models import ContactPoint, Customer

CHUNK = 2000


def export_header() -> list[str]:
    return [
        _("Code"), _("First name"), _("Last name"), _("Company name"), _("E-mail"), _("Phone"), _("Street address"), _("CAP"),
        _("City"), _("Province"), _("Codice fiscale"), _("Partita IVA"), _("Member number"), _("Relation"), _("Site"), _("Tags"),
        _("Created on"),
    ]  # fmt: skip


def export_rows(customers: QuerySet[Customer]) -> Iterator[list[str]]:
    """One row per customer, read in chunks so a large list never sits in memory whole."""
    # The scoped list already brings the contact points, primary first.
    customers = customers.select_related("site").prefetch_related("addresses", "tags")
    for customer in customers.iterator(chunk_size=CHUNK):
        points = customer.contacts
        address = next(iter(customer.addresses.all()), None)
        row = [
            customer.external_id or str(customer.pk), customer.first_name, customer.last_name, customer.company_name,
            "; ".join(p.value for p in points if p.kind == ContactPoint.Kind.EMAIL),
            "; ".join(p.value for p in points if p.kind == ContactPoint.Kind.PHONE),
            address.street if address else "", address.cap if address else "", address.city if address else "",
            address.province if address else "", customer.fiscal_code, customer.vat_number, customer.member_number,
            customer.get_relation_display(), customer.site.name if customer.site else "",
            ", ".join(tag.name for tag in customer.tags.all()), customer.created_at.strftime("%d/%m/%Y"),
        ]  # fmt: skip
        yield [cell_safe(str(value)) for value in row]


def export_csv(rows: Iterable[list[str]], header: list[str] | None = None) -> Iterator[str]:
    """CSV as Italian Excel opens it: UTF-8 with a BOM, semicolons; the customers' columns unless told others."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    yield "\ufeff"
    writer.writerow(header or export_header())
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_xlsx(rows: Iterable[list[str]]) -> bytes:
    """An Excel workbook written row by row (openpyxl's write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Customers"))
    sheet.append(export_header())
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()
