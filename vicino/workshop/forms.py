"""The workshop's forms: opening an order, moving it, pricing it, the technician's update, the owner's
answer taken by phone, courtesy loans, and the public emergency request.

They parse and check the shape of what was typed; the rules themselves are the services'.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vicino.people.forms import EmailPhoneCleaning
from vicino.people.models import Customer
from vicino.people.phones import phone_normalise

from .models import CourtesyVehicle, Finding, RepairOrder, WorkLine
from .services import MOVABLE

# The phone's camera, straight from the page: photos and short videos only.
MEDIA_ACCEPT = "image/*,video/*"
_LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class OrderOpenForm(EmailPhoneCleaning, forms.Form):
    """A repair order at the counter or from a service booking: the car (found by plate or VIN, or new) and its owner."""

    plate = forms.CharField(label=_("Plate"), max_length=12, required=False, widget=forms.TextInput(attrs={"autocapitalize": "characters"}))
    vin = forms.CharField(label=_("VIN"), max_length=20, required=False)
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    km_in = forms.IntegerField(label=_("Km at arrival"), min_value=0, required=False)
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none(), required=False, widget=forms.RadioSelect,
                                      empty_label=None)  # fmt: skip
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    complaint = forms.CharField(label=_("What the customer reports"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    promised_at = forms.DateTimeField(label=_("Promised for"), widget=LocalDateTimeInput, input_formats=_LOCAL_INPUT, required=False)

    def __init__(self, *args, customers=None, fixed_customer: Customer | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_customer = fixed_customer
        if fixed_customer is not None:
            for name in ("customer", "first_name", "last_name", "phone", "email"):
                del self.fields[name]
        else:
            self.fields["customer"].queryset = customers if customers is not None else Customer.objects.none()
            self.fields["customer"].label_from_instance = lambda c: c.display_name

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("plate") or "").strip() and not (data.get("vin") or "").strip():
            self.add_error("plate", _("Give the plate or the VIN."))
        if self.fixed_customer is None and data.get("customer") is None and not (data.get("first_name") or data.get("last_name")):
            self.add_error("last_name", _("Choose the customer, or give the name of a new one."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=[(s.value, s.label) for s in MOVABLE])


class AssignForm(forms.Form):
    technician = forms.ModelChoiceField(label=_("Technician"), queryset=None, required=False)
    bay = forms.ModelChoiceField(label=_("Bay"), queryset=None, required=False)
    promised_at = forms.DateTimeField(label=_("Promised for"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))  # fmt: skip

    def __init__(self, *args, technicians, bays, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians
        self.fields["bay"].queryset = bays


class DeliverForm(forms.Form):
    km_out = forms.IntegerField(label=_("Km when handed back"), min_value=0, required=False)


class WorkLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkLine.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2, initial=Decimal(1), localize=True)
    unit_price = forms.DecimalField(label=_("Unit price excl. VAT (€)"), min_value=Decimal(0), max_digits=12, decimal_places=2, localize=True)
    vat_rate = forms.DecimalField(label=_("VAT %"), min_value=Decimal(0), max_value=Decimal(100), max_digits=4, decimal_places=2, required=False,
                                  localize=True, help_text=_("Empty: 22%"))  # fmt: skip


class AnswerForm(forms.Form):
    """The owner answered a proposed job by phone or at the counter; staff record it."""

    approve = forms.TypedChoiceField(label=_("Answer"), coerce=lambda v: v == "yes", choices=[("yes", _("Approved")), ("no", _("Declined"))])
    via = forms.ChoiceField(label=_("How"), choices=[(Finding.Via.PHONE.value, Finding.Via.PHONE.label),
                                                   (Finding.Via.COUNTER.value, Finding.Via.COUNTER.label)])  # fmt: skip


class UpdateForm(forms.Form):
    """The technician's page: a note, a photo or video, and optionally extra work found, with its price."""

    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000)
    media = forms.FileField(label=_("Photo or video"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": MEDIA_ACCEPT, "capture": "environment"}))  # fmt: skip
    is_visible = forms.BooleanField(label=_("Visible to the customer"), required=False)
    finding_title = forms.CharField(label=_("Extra work found"), max_length=200, required=False,
                                    help_text=_("Only if the customer must approve more work."))  # fmt: skip
    finding_grade = forms.ChoiceField(label=_("How urgent"), choices=[("", "—"), *Finding.Grade.choices], required=False, widget=forms.RadioSelect)
    finding_price = forms.DecimalField(label=_("Price excl. VAT (€)"), min_value=Decimal(0), max_digits=12, decimal_places=2, required=False,
                                       localize=True)  # fmt: skip

    @property
    def is_finding(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("finding_title") or data.get("finding_grade") or data.get("finding_price") is not None)

    def clean(self) -> dict:
        data = super().clean()
        if self.is_finding:
            if not data.get("finding_title"):
                self.add_error("finding_title", _("Say what work is needed."))
            if not data.get("finding_grade"):
                self.add_error("finding_grade", _("Choose how urgent it is."))
            if data.get("finding_price") is None and "finding_price" not in self.errors:
                self.add_error("finding_price", _("Give the price, so the customer can decide."))
        elif not (data.get("text") or "").strip() and not data.get("media") and "media" not in self.errors:
            self.add_error("text", _("Write a note or add a photo or a video."))
        return data


class LoanOutForm(forms.Form):
    courtesy_vehicle = forms.ModelChoiceField(label=_("Courtesy car"), queryset=CourtesyVehicle.objects.none())
    order = forms.ModelChoiceField(label=_("Repair order"), queryset=RepairOrder.objects.none(), required=False,
                                   help_text=_("The customer of the order gets the car."))  # fmt: skip
    km = forms.IntegerField(label=_("Km"), min_value=0)
    level = forms.IntegerField(label=_("Fuel or charge (%)"), min_value=0, max_value=100)
    damage = forms.CharField(label=_("Damage already there"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    photos = MultipleFileField(label=_("Photos of the car"), required=False)

    def __init__(self, *args, vehicles, orders, customer: Customer | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["courtesy_vehicle"].queryset = vehicles
        self.fields["order"].queryset = orders
        self.fields["order"].label_from_instance = lambda o: f"{o.number} · {o.vehicle} · {o.customer.display_name}"

    def clean(self) -> dict:
        data = super().clean()
        if self.customer is None and data.get("order") is None and "order" not in self.errors:
            self.add_error("order", _("Choose the repair order whose customer takes the car."))
        return data


class LoanBackForm(forms.Form):
    km = forms.IntegerField(label=_("Km"), min_value=0)
    level = forms.IntegerField(label=_("Fuel or charge (%)"), min_value=0, max_value=100)
    damage = forms.CharField(label=_("New damage"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    photos = MultipleFileField(label=_("Photos of the car"), required=False)


class EmergencyForm(forms.Form):
    """A car stopped somewhere: the few things the on-call advisor needs to act."""

    plate = forms.CharField(label=_("Plate"), max_length=12, required=False,
                            widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))  # fmt: skip
    location = forms.CharField(label=_("Where the car is"), max_length=300, required=False,
                               help_text=_("A street and town, or a motorway and km."),
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    what_happened = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))  # fmt: skip
    name = forms.CharField(label=_("Your name"), max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        try:
            phone_normalise(value)
        except ValidationError:
            raise ValidationError(_("This does not look like a phone number we can call."), code="phone") from None
        # Kept as typed: the advisor dials what the caller wrote.
        return value
