"""Duplicate customers: the candidates, a side-by-side comparison, the merge."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from vicino.core.roles import Capability
from vicino.core.views import actor_required

from . import duplicates, queries

COMPARED_FIELDS = ("first_name", "last_name", "company_name", "fiscal_code", "vat_number", "birth_date", "member_number", "relation", "site")


@actor_required(Capability.CUSTOMERS_MANAGE)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    return render(request, "people/duplicate_list.html", {"groups": duplicates.duplicate_groups(actor=request.actor)})


@actor_required(Capability.CUSTOMERS_MANAGE)
def customer_merge(request: HttpRequest) -> HttpResponse:
    """Two records side by side; the person chooses which one stays, the other is folded into it."""
    visible = queries.customer_list(actor=request.actor).prefetch_related("addresses", "tags")
    first = get_object_or_404(visible, pk=request.GET.get("a") or request.POST.get("a"))
    second = get_object_or_404(visible, pk=request.GET.get("b") or request.POST.get("b"))
    if request.method == "POST":
        keep, away = (first, second) if request.POST.get("keep") == str(first.pk) else (second, first)
        try:
            duplicates.customer_merge(by=request.user, keep=keep, merge_away=away)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The two records are now one."))
            return redirect("people:customer-detail", pk=keep.pk)
    rows = [
        (first._meta.get_field(name).verbose_name, _shown(first, name), _shown(second, name)) for name in COMPARED_FIELDS
    ]
    return render(request, "people/customer_merge.html", {"first": first, "second": second, "rows": rows})


def _shown(customer, name: str) -> str:
    display = getattr(customer, f"get_{name}_display", None)
    value = display() if display else getattr(customer, name)
    return "" if value in (None, "") else str(value)
