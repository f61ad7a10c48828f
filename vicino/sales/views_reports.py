"""ADF documents received (upload and what came of it) and the attribution report."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.pagination import CappedPaginator
from vicino.core.roles import Capability
from vicino.core.views import actor_required

from . import queries
from .adf import AdfError
from .adfimport import MAX_DOCUMENT_BYTES, adf_import
from .forms import AdfUploadForm, ReportForm
from .models import AdfDocument


@actor_required(Capability.LEADS_VIEW)
def adf_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    can_import = actor.can(Capability.LEADS_MANAGE)
    form = AdfUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and can_import and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            form.add_error("file", _("The ADF document is larger than 10 MB: send it in parts."))
        else:
            try:
                result = adf_import(by=request.user, network=actor.network, data=upload.read(), filename=upload.name, source=AdfDocument.Source.UPLOAD)
            except AdfError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, _("%(leads)s leads imported from “%(file)s”.") % {"leads": len(result.lead_ids), "file": upload.name})
                return redirect("sales:adf-detail", pk=result.document.pk)
    page = CappedPaginator(queries.adf_documents(actor=actor).defer("content"), 50).get_page(request.GET.get("page"))
    return render(request, "sales/adf_list.html", {"page": page, "form": form, "can_import": can_import}, status=422 if form.errors else 200)


@actor_required(Capability.LEADS_VIEW)
def adf_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(queries.adf_documents(actor=request.actor).defer("content"), pk=pk)
    leads = queries.lead_list(actor=request.actor).filter(adf_document=document).order_by("adf_prospect")[:200]
    return render(request, "sales/adf_detail.html", {"document": document, "leads": leads})


@actor_required(Capability.LEADS_VIEW)
def adf_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The document exactly as the sender sent it, as a download (never rendered as a page)."""
    document = get_object_or_404(queries.adf_documents(actor=request.actor), pk=pk)
    response = HttpResponse(bytes(document.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="adf-{document.pk}.xml"'
    return response


@actor_required(Capability.SALES_REPORT)
def report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = today.replace(day=1)
    initial = {"start": first.strftime("%d/%m/%Y"), "end": today.strftime("%d/%m/%Y"), "by": "channel"}
    form = ReportForm({**initial, **request.GET.dict()}, dimensions=queries.REPORT_DIMENSIONS)
    rows, total = [], None
    if form.is_valid():
        data = form.cleaned_data
        rows, total = queries.attribution_report(actor=request.actor, start=data["start"], end=data["end"], by=data["by"])
    by_label = queries.REPORT_DIMENSIONS.get(form.cleaned_data.get("by", "channel"), "") if form.is_valid() else ""
    return render(request, "sales/report.html", {"form": form, "rows": rows, "total": total, "by_label": by_label})

