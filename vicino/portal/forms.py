from django import forms
from django.utils.translation import gettext_lazy as _


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True, "inputmode": "email"}))  # fmt: skip
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand that my personal data will be erased and my portal closed."),
                                 error_messages={"required": _("Tick the box to confirm the request.")})  # fmt: skip
