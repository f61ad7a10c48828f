"""The public booking form: who the customer is and which free time they picked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vicino.people.forms import EmailPhoneCleaning
from vicino.sales.models import VehicleModel


class BookingForm(EmailPhoneCleaning, forms.Form):
    starts_at = forms.DateTimeField(widget=forms.HiddenInput, input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"])
    vehicle_model = forms.ModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none(), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.CharField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    notes = forms.CharField(label=_("Anything we should know"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000)
    consent_marketing = forms.BooleanField(label=_("I agree to receive offers and news by e-mail (optional)."), required=False)

    def __init__(self, *args, models=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if models is None:
            del self.fields["vehicle_model"]
        else:
            self.fields["vehicle_model"].queryset = models
            self.fields["vehicle_model"].required = True
