"""The public enquiry form a dealer embeds in their own website (an iframe, or one line of script).

No account, no cookies: the page may live inside another site's frame, where browsers
withhold this site's cookies, so the form carries its own protection instead of CSRF's
(there is no session to ride on). Spam is kept out without an outside captcha service:

- a honeypot field people never see: a post that fills it is thanked and dropped;
- a signed timestamp: a post less than three seconds after the form was shown, or with a
  forged or day-old token, is refused;
- a per-IP limit: at most `RATE_LIMIT` enquiries from one address in `RATE_WINDOW`, counted
  in the database, so it holds across processes.

The token also makes a second post of the same form (a double click, a reload) the same lead.
"""

import datetime
import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt

from vicino.core.models import Network, Site
from vicino.people.matching import PersonIn
from vicino.people.models import Channel, ConsentEvent, PrivacyNotice, Purpose

from . import services
from .forms import EnquiryForm, form_token_age, form_token_new
from .models import Lead, VehicleModel

MIN_SECONDS_TO_FILL = 3
TOKEN_MAX_AGE = 24 * 3600
RATE_LIMIT = 5
RATE_WINDOW = datetime.timedelta(minutes=10)
UTM_KEYS = ("source", "medium", "campaign", "content", "term")
# Any page may frame the form: it is made to be embedded in dealers' own websites.
_FRAMEABLE = {**settings.SECURE_CSP, "frame-ancestors": ["*"], "form-action": ["'self'"]}


def _place(network_slug: str, site_code: str | None) -> tuple[Network, Site | None]:
    network = get_object_or_404(Network, slug=network_slug)
    site = get_object_or_404(Site, network=network, code__iexact=site_code, is_active=True) if site_code else None
    return network, site


def _client_ip(request: HttpRequest) -> str:
    # Behind a proxy, SecurityMiddleware's settings decide; REMOTE_ADDR is what Django trusts.
    return request.META.get("REMOTE_ADDR", "")


@csrf_exempt
@xframe_options_exempt
@csp_override(_FRAMEABLE)
def enquiry_form(request: HttpRequest, network_slug: str, site_code: str | None = None) -> HttpResponse:
    network, site = _place(network_slug, site_code)
    notice = PrivacyNotice.objects.filter(network=network).order_by("-published_at").first()
    models = VehicleModel.objects.filter(network=network, is_active=True)
    source = request.POST if request.method == "POST" else request.GET
    utm = {key: source.get(f"utm_{key}", "")[:100] for key in UTM_KEYS}
    form = EnquiryForm(request.POST or None, models=models, initial={"token": form_token_new()})
    context = {"form": form, "network": network, "site": site, "notice": notice, "utm": utm}
    if request.method != "POST":
        return render(request, "sales/enquiry_form.html", context)
    if request.POST.get("website"):
        return render(request, "sales/enquiry_thanks.html", context)  # a bot: thanked, and nothing kept
    age = form_token_age(request.POST.get("token", ""), max_age=TOKEN_MAX_AGE)
    if age is None:
        context["refusal"] = _("This form has expired: reload the page and send it again.")
        return render(request, "sales/enquiry_form.html", context, status=400)
    if age < MIN_SECONDS_TO_FILL:
        context["refusal"] = _("That was very fast: please check your details and send the form again.")
        return render(request, "sales/enquiry_form.html", context, status=400)
    if not form.is_valid():
        return render(request, "sales/enquiry_form.html", context, status=422)
    token = hashlib.sha256(request.POST["token"].encode()).hexdigest()
    ip = _client_ip(request)
    already = Lead.objects.filter(network=network, form_token=token).first()
    if already is None and ip and Lead.objects.filter(ip_address=ip, created_at__gte=timezone.now() - RATE_WINDOW).count() >= RATE_LIMIT:
        context["refusal"] = _("We have received several enquiries from your connection in the last few minutes. Please try again later or call us.")
        return render(request, "sales/enquiry_form.html", context, status=429)
    data = form.cleaned_data
    consents = []
    if notice is not None and data["consent_marketing"]:
        consents += [(Purpose.MARKETING, Channel.EMAIL)] if data["email"] else []
        consents += [(Purpose.MARKETING, Channel.PHONE)] if data["phone"] else []
    if notice is not None and data["consent_profiling"] and data["email"]:
        consents.append((Purpose.PROFILING, Channel.EMAIL))
    enquiry = services.Enquiry(
        person=PersonIn(first_name=data["first_name"], last_name=data["last_name"], emails=(data["email"],) if data["email"] else (),
                        phones=(data["phone"],) if data["phone"] else (), cap=data["cap"], province=data["province"],
                        language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in dict(settings.LANGUAGES) else "it"),
        source=Lead.Source.FORM, channel=Channel.WEB, chosen_site=site, campaign=utm["campaign"],
        utm={key: value for key, value in utm.items() if key != "campaign"}, interest=data["interest"],
        vehicle_model=data["vehicle_model"], preferred_contact=data["preferred_contact"], message=data["message"],
        consents=consents, notice=notice, consent_source=ConsentEvent.Source.WEB_FORM,
        form_token=token, ip_address=ip, user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )  # fmt: skip
    from django.core.exceptions import ValidationError

    try:
        services.lead_create(by=None, network=network, enquiry=enquiry)
    except ValidationError as error:
        context["refusal"] = " ".join(error.messages)
        return render(request, "sales/enquiry_form.html", context, status=422)
    return render(request, "sales/enquiry_thanks.html", context)


@csp_override(_FRAMEABLE)
def enquiry_embed(request: HttpRequest, network_slug: str, site_code: str | None = None) -> HttpResponse:
    """One line in the dealer's page: <script src=".../embed.js" async></script> puts the form there
    in a frame, passing on the page's UTM parameters so the campaign is not lost."""
    _place(network_slug, site_code)
    args = [network_slug, site_code] if site_code else [network_slug]
    form_url = request.build_absolute_uri(reverse("sales:enquiry-site" if site_code else "sales:enquiry", args=args))
    script = render(request, "sales/enquiry_embed.js", {"form_url": form_url}, content_type="text/javascript; charset=utf-8")
    script["Access-Control-Allow-Origin"] = "*"
    return script
