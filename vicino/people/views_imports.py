"""Import and export pages: upload, map and check a file, follow the import; take a list out."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vicino.core.audit import audit_record
from vicino.core.roles import Capability
from vicino.core.views import actor_required

from . import exports, imports, queries
from .forms import CustomerFilterForm, ImportMappingForm, ImportUploadForm
from .models import CustomerImport
from .search import customer_search

# A running import whose progress has not moved for this long is offered a resume.
STALLED_AFTER = datetime.timedelta(minutes=2)


@actor_required(Capability.CUSTOMERS_IMPORT)
def import_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    form = ImportUploadForm(request.POST or None, request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data.get("site") if actor.is_head_office else actor.site
        try:
            customer_import = imports.import_upload(by=request.user, network=actor.network, site=site, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("people:import-detail", pk=customer_import.pk)
    recent = actor.scope(CustomerImport.objects.select_related("uploaded_by", "site"))[:20]
    return render(request, "people/import_list.html", {"form": form, "imports": recent})


@actor_required(Capability.CUSTOMERS_IMPORT)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's page; htmx polls its progress fragment while the worker checks or imports."""
    customer_import = get_object_or_404(request.actor.scope(CustomerImport.objects.all()), pk=pk)
    form = ImportMappingForm(request.POST or None, customer_import=customer_import, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            imports.import_check(customer_import=customer_import, mapping=form.mapping(), notice=form.cleaned_data["notice"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("people:import-detail", pk=pk)
    stalled = customer_import.status == CustomerImport.Status.RUNNING and timezone.now() - customer_import.updated_at > STALLED_AFTER
    context = {"customer_import": customer_import, "form": form, "stalled": stalled, "preview": _preview(customer_import)}
    if request.htmx:
        return render(request, "people/import_detail.html#progress", context)
    return render(request, "people/import_detail.html", context)


@require_POST
@actor_required(Capability.CUSTOMERS_IMPORT)
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    customer_import = get_object_or_404(request.actor.scope(CustomerImport.objects.all()), pk=pk)
    try:
        imports.import_start(by=request.user, customer_import=customer_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("people:import-detail", pk=pk)


@actor_required(Capability.CUSTOMERS_EXPORT)
def customer_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the page, as CSV (streamed) or Excel; the export is audited."""
    actor = request.actor
    filters = CustomerFilterForm(request.GET or None, actor=actor)
    customers = queries.customer_list(actor=actor)
    if filters.is_valid():
        data = filters.cleaned_data
        customers = customers.filter(**{k: v for k, v in (("relation", data["relation"]), ("site", data["site"]), ("tags", data["tag"])) if v})
        customers = customer_search(actor=actor, text=data["q"], base=customers, limit=None)
    audit_record(by=request.user, action="customer.export", target=actor.network, changes={"rows": [None, customers.count()]})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            exports.export_xlsx(exports.export_rows(customers)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="clienti-{stamp}.xlsx"'
        return response
    response = StreamingHttpResponse(exports.export_csv(exports.export_rows(customers)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clienti-{stamp}.csv"'
    return response


def _preview(customer_import: CustomerImport) -> list[list[str]]:
    """The first rows of the file as they are, to help the mapping."""
    from .importfile import ImportFileError, file_read

    if customer_import.status != CustomerImport.Status.UPLOADED:
        return []
    try:
        with customer_import.file.open("rb") as handle:
            table = file_read(handle.read(), customer_import.filename)
        return [row for _n, row in zip(range(5), table.rows)]
    except ImportFileError:
        return []
