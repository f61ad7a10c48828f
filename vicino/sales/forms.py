"""Forms of the sales pages: the public enquiry, quick entry, the pipeline's actions, vehicles, quotes."""

import datetime

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vicino.core.actor import Actor
from vicino.core.italy import PROVINCE_CHOICES
from vicino.core.models import Site, User
from vicino.people.models import Channel
from vicino.people.forms import EmailPhoneCleaning

from .models import Activity, Condition, Fuel, Lead, QuoteLine, StockVehicle, VehicleModel

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
# The channels a person at the desk or on the phone takes an enquiry from.
STAFF_CHANNELS = [Channel.PHONE, Channel.SHOWROOM, Channel.EVENT, Channel.SOCIAL, Channel.EMAIL, Channel.WHATSAPP, Channel.WEB, Channel.OTHER]
CONTACT_PREFERENCES = [("", "—"), (Channel.EMAIL, _("E-mail")), (Channel.PHONE, _("Phone")), (Channel.WHATSAPP, _("WhatsApp"))]


class _PersonFields(EmailPhoneCleaning, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    cap = forms.CharField(label=_("CAP"), max_length=5, required=False)
    province = forms.ChoiceField(label=_("Province"), required=False, choices=[("", "—"), *PROVINCE_CHOICES])

    def clean_cap(self) -> str:
        value = self.cleaned_data.get("cap", "").strip()
        if value and not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError(_("A CAP has five digits."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not (data.get("email") or data.get("phone")):
            raise forms.ValidationError(_("Give an e-mail address or a phone number, so that we can answer."))
        return data


class EnquiryForm(_PersonFields):
    """The public form a dealer embeds in their website."""

    vehicle_model = forms.ModelChoiceField(label=_("Model of interest"), queryset=VehicleModel.objects.none(), required=False, empty_label=_("Any model"))
    interest = forms.ChoiceField(label=_("I would like to"), choices=[
        (Lead.Interest.BUY, _("Buy")), (Lead.Interest.TEST_DRIVE, _("Book a test drive")), (Lead.Interest.LEASE, _("Lease")),
        (Lead.Interest.TRADE_IN, _("Trade in my car")),
    ])  # fmt: skip
    preferred_contact = forms.ChoiceField(label=_("Contact me by"), choices=CONTACT_PREFERENCES, required=False)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    consent_marketing = forms.BooleanField(label=_("I agree to receive offers and news by e-mail and phone (optional)."), required=False)
    consent_profiling = forms.BooleanField(label=_("I agree to my preferences being analysed to receive offers that suit me (optional)."), required=False)
    # Spam protection: a field people never see, and a signed timestamp of when the form was shown.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, models, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle_model"].queryset = models
        self.fields["website"].label = _("Leave this field empty")


class QuickEntryForm(_PersonFields):
    """A phone call or a walk-in, typed in by staff while the customer talks."""

    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], initial=Channel.PHONE)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("Route automatically"))
    interest = forms.ChoiceField(label=_("Interest"), choices=Lead.Interest.choices)
    condition = forms.ChoiceField(label=_("New or used"), choices=[("", "—"), *Condition.choices], required=False)
    vehicle_model = forms.ModelChoiceField(label=_("Model of interest"), queryset=VehicleModel.objects.none(), required=False)
    vehicle_text = forms.CharField(label=_("Or described"), max_length=200, required=False)
    campaign = forms.CharField(label=_("Campaign"), max_length=100, required=False, help_text=_("e.g. the event or the advert they mention"))
    preferred_contact = forms.ChoiceField(label=_("Preferred contact"), choices=CONTACT_PREFERENCES, required=False)
    message = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, actor: Actor, models, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = actor.scope(Site.objects.filter(is_active=True)).order_by("name")
        self.fields["vehicle_model"].queryset = models
        if actor.site is not None:
            self.fields["site"].initial = actor.site.pk


def form_token_new() -> str:
    """A signed token of when the form was shown: proves the time check and makes a second post of the same form one lead."""
    return signing.dumps({"t": timezone.now().timestamp()}, salt="sales.enquiry")


def form_token_age(token: str, *, max_age: int) -> float | None:
    """Seconds since the form with this token was shown; None when forged or too old."""
    try:
        data = signing.loads(token, salt="sales.enquiry", max_age=max_age)
    except signing.BadSignature:
        return None
    return timezone.now().timestamp() - float(data.get("t", 0))


class LeadFilterForm(forms.Form):
    q = forms.CharField(label=_("Customer"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any stage")), ("open", _("Open")), *Lead.Stage.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices])
    campaign = forms.CharField(label=_("Campaign"), required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("Any site"))
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=User.objects.none(), required=False, empty_label=_("Anyone"))

    def __init__(self, *args, actor: Actor, consultants, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = actor.scope(Site.objects.filter(is_active=True)).order_by("name")
        self.fields["consultant"].queryset = consultants


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Lead.Stage.choices)
    lost_reason = forms.ChoiceField(label=_("Reason lost"), choices=[("", "—"), *Lead.LostReason.choices], required=False)
    lost_note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AssignForm(forms.Form):
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=User.objects.none())

    def __init__(self, *args, consultants, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    text = forms.CharField(label=_("What happened, or what to do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    due_at = forms.DateTimeField(label=_("Due"), required=False, input_formats=DATETIME_FORMATS,
                                 widget=forms.DateTimeInput(attrs={"placeholder": "gg/mm/aaaa hh:mm"}))  # fmt: skip


class TradeInForm(forms.Form):
    make = forms.CharField(label=_("Make"), max_length=60)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    km = forms.IntegerField(label=_("km"), min_value=0, required=False)
    plate = forms.CharField(label=_("Plate"), max_length=10, required=False)
    vin = forms.CharField(label=_("VIN"), max_length=20, required=False)
    notes = forms.CharField(label=_("Condition notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    appraised_value = forms.DecimalField(label=_("Appraised value"), max_digits=12, decimal_places=2, required=False, localize=True)


class ConfigurationForm(forms.Form):
    vehicle_model = forms.ModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none())
    base_price = forms.DecimalField(label=_("Base price excl. VAT"), max_digits=12, decimal_places=2, required=False, localize=True,
                                    help_text=_("Empty: the catalogue's list price."))  # fmt: skip
    colour = forms.CharField(label=_("Colour"), max_length=80, required=False)
    colour_price = forms.DecimalField(label=_("Colour price"), max_digits=12, decimal_places=2, required=False, localize=True)
    interior = forms.CharField(label=_("Interior"), max_length=80, required=False)
    interior_price = forms.DecimalField(label=_("Interior price"), max_digits=12, decimal_places=2, required=False, localize=True)
    options = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name = price, e.g. Pack Tech = 1.500,00"),
    )  # fmt: skip

    def __init__(self, *args, models, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle_model"].queryset = models

    def clean_options(self) -> list:
        from vicino.people.importrows import decimal_parse

        options = []
        for number, line in enumerate(self.cleaned_data.get("options", "").splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, price = line.rpartition("=")
            try:
                amount = decimal_parse(price.strip())
            except ValueError:
                raise forms.ValidationError(_("Line %(number)s: write the option as name = price.") % {"number": number}) from None
            options.append((name.strip() or price.strip(), amount))
        return options


class QuoteForm(forms.Form):
    valid_until = forms.DateField(label=_("Valid until"), input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"placeholder": "gg/mm/aaaa"}))
    road_costs = forms.DecimalField(label=_("Registration and delivery costs (messa su strada)"), max_digits=12, decimal_places=2,
                                    localize=True, initial=0)  # fmt: skip
    discount = forms.DecimalField(label=_("Discount"), max_digits=12, decimal_places=2, localize=True, required=False)
    notes = forms.CharField(label=_("Notes for the customer"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")


class QuoteLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuoteLine.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = forms.DecimalField(label=_("Amount excl. VAT"), max_digits=12, decimal_places=2, localize=True)


class OrderForm(forms.Form):
    expected_delivery = forms.DateField(label=_("Expected delivery"), input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"placeholder": "gg/mm/aaaa"}))
    stock_vehicle = forms.ModelChoiceField(label=_("Vehicle from stock"), queryset=StockVehicle.objects.none(), required=False)

    def __init__(self, *args, stock, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stock_vehicle"].queryset = stock


class VehicleModelForm(forms.ModelForm):
    class Meta:
        model = VehicleModel
        fields = ["make", "model", "trim", "fuel", "list_price"]
        localized_fields = ["list_price"]


class StockVehicleForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    vehicle_model = forms.ModelChoiceField(label=_("Catalogue model"), queryset=VehicleModel.objects.none(), required=False,
                                           help_text=_("Empty for a used car of another make."))  # fmt: skip
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    fuel = forms.ChoiceField(label=_("Fuel"), choices=[("", "—"), *Fuel.choices], required=False)
    vin = forms.CharField(label=_("VIN"), max_length=20)
    plate = forms.CharField(label=_("Plate"), max_length=10, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    km = forms.IntegerField(label=_("km"), min_value=0, required=False, initial=0)
    colour = forms.CharField(label=_("Colour"), max_length=60, required=False)
    zone = forms.CharField(label=_("Showroom zone"), max_length=40, required=False, help_text=_("e.g. electric, used, entrance"))
    price = forms.DecimalField(label=_("Price excl. VAT"), max_digits=12, decimal_places=2, localize=True)

    def __init__(self, *args, actor: Actor, models, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = actor.scope(Site.objects.filter(is_active=True)).order_by("name")
        self.fields["vehicle_model"].queryset = models
        if actor.site is not None:
            self.fields["site"].initial = actor.site.pk

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and data.get("vehicle_model") is None and not (data.get("make") and data.get("model") and data.get("fuel")):
            raise forms.ValidationError(_("Choose a catalogue model, or give make, model and fuel."))
        return data


class StockPhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"))


class AdfUploadForm(forms.Form):
    file = forms.FileField(label=_("ADF file (XML)"))


MAX_REPORT_PERIOD = datetime.timedelta(days=3 * 366)


class ReportForm(forms.Form):
    """The report's period and dimension; what the address leaves out is this month, by channel."""

    start = forms.DateField(label=_("From"), input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"placeholder": "gg/mm/aaaa"}))
    end = forms.DateField(label=_("To"), input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"placeholder": "gg/mm/aaaa"}))
    by = forms.ChoiceField(label=_("By"), choices=[])

    def __init__(self, *args, dimensions: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["by"].choices = list(dimensions.items())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        if data.get("start") and data.get("end") and data["end"] - data["start"] > MAX_REPORT_PERIOD:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data
