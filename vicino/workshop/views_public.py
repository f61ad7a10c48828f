"""The public emergency request: a car stopped somewhere, its driver on a phone by the road, no account.

Mobile-first, a few fields, a plain answer: the order number and the number to call. The
confirmation is a page of its own (the order kept in the session), so reloading it does
not send a second emergency.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from vicino.core.forms import errors_into_form
from vicino.core.models import Network, Site

from . import services
from .forms import EmergencyForm
from .models import RepairOrder

SESSION_KEY = "workshop_emergency"


def _public_site(network_slug: str, site_code: str) -> Site:
    network = get_object_or_404(Network, slug=network_slug)
    return get_object_or_404(Site.objects.select_related("network"), network=network, code__iexact=site_code, is_active=True)


def emergency_page(request: HttpRequest, network_slug: str, site_code: str) -> HttpResponse:
    site = _public_site(network_slug, site_code)
    form = EmergencyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.emergency_request(site=site, plate=data["plate"], location=data["location"], what_happened=data["what_happened"],
                                                   phone=data["phone"], name=data["name"])  # fmt: skip
            except ValidationError as refused:
                errors_into_form(form, refused)
            else:
                request.session[SESSION_KEY] = order.pk
                return redirect("workshop:emergency-sent", network_slug=site.network.slug, site_code=site.code)
        status = 422
    return render(request, "workshop/emergency.html", {"site": site, "form": form}, status=status)


def emergency_sent(request: HttpRequest, network_slug: str, site_code: str) -> HttpResponse:
    """The caller's own confirmation: only the browser that sent the request sees its order."""
    site = _public_site(network_slug, site_code)
    order_id = request.session.get(SESSION_KEY)
    order = RepairOrder.objects.filter(pk=order_id, site=site).first() if order_id else None
    if order is None:
        return redirect("workshop:emergency", network_slug=site.network.slug, site_code=site.code)
    return render(request, "workshop/emergency_sent.html", {"site": site, "order": order})
