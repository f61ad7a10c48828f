"""The public booking forms: who the customer is and which free time they picked; a new time for a booking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vicino.people.forms import EmailPhoneCleaning
from vicino.sales.models import VehicleModel

from .models import Offering


class BookingForm(EmailPhoneCleaning, forms.Form):
    starts_at = forms.DateTimeField(widget=forms.HiddenInput, input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"])
    vehicle_model = forms.ModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none(), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.CharField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    notes = forms.CharField(label=_("Anything we should know"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000)
    consent_needed = forms.BooleanField(label="", error_messages={"required": _("This booking needs your consent: tick the box to go on.")})
    consent_marketing = forms.BooleanField(label=_("I agree to receive offers and news by e-mail (optional)."), required=False)

    def __init__(self, *args, models=None, offering=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if offering is not None and offering.consent_purpose:
            self.fields["consent_needed"].label = offering.consent_text or _("I agree to %(purpose)s for this booking.") % {
                "purpose": offering.get_consent_purpose_display().lower()}  # fmt: skip
        else:
            del self.fields["consent_needed"]
        if models is None:
            del self.fields["vehicle_model"]
        else:
            self.fields["vehicle_model"].queryset = models
            self.fields["vehicle_model"].required = True


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(widget=forms.HiddenInput, input_formats=BookingForm.base_fields["starts_at"].input_formats)


class StaffBookingForm(EmailPhoneCleaning, forms.Form):
    """A booking taken by staff — a customer on the phone, at the desk — by the same rules as online."""

    offering = forms.ModelChoiceField(label=_("What"), queryset=Offering.objects.none())
    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))
    vehicle_model = forms.ModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none(), required=False,
                                           help_text=_("For a test drive: the model the customer wants to drive."))  # fmt: skip
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000)

    def __init__(self, *args, offerings=None, models=None, customer=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings if offerings is not None else Offering.objects.none()
        self.fields["vehicle_model"].queryset = models if models is not None else VehicleModel.objects.none()
        self.customer = customer
        if customer is not None:
            for name in ("first_name", "last_name", "email", "phone"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.customer is None and not (data.get("first_name") or data.get("last_name")):
            self.add_error("last_name", _("Give the customer's name."))
        return data


class StaffMoveForm(forms.Form):
    date = StaffBookingForm.base_fields["date"]
    time = StaffBookingForm.base_fields["time"]
