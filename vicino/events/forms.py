"""The events' forms: a registration on the public page or at the door, an event as staff plan it,
its new date, a sponsorship and a partner."""

import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from vicino.core.models import Site
from vicino.people.forms import EmailPhoneCleaning
from vicino.workshop.media import media_checked

from .models import Event, Partner, Sponsorship

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
TIME_ZONES = ["Europe/Rome", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Zurich"]


def _local_input(label, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, help_text=help_text, input_formats=LOCAL_INPUT,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))  # fmt: skip


class RegistrationForm(EmailPhoneCleaning, forms.Form):
    """Who is coming, with how many, and what they agree to."""

    first_name = forms.CharField(label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.CharField(label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    companions = forms.TypedChoiceField(label=_("Companions"), coerce=int, choices=[(0, "0")], initial=0)
    dietary_notes = forms.CharField(label=_("Allergies or dietary needs"), max_length=300, required=False,
                                    widget=forms.TextInput(attrs={"placeholder": _("e.g. vegetarian, no gluten")}))  # fmt: skip
    consent_marketing = forms.BooleanField(label=_("I agree to receive news and invitations to events by e-mail (optional)."), required=False)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any number is taken, so that one too many is refused with the event's own words, not "not a valid choice".
        self.fields["companions"] = forms.IntegerField(label=_("Companions"), min_value=0, max_value=99, initial=0,
                                                       help_text=_("At most %(count)s.") % {"count": event.max_companions},
                                                       widget=forms.NumberInput(attrs={"max": event.max_companions, "inputmode": "numeric"}))  # fmt: skip
        if event.max_companions == 0:
            self.fields["companions"].widget = forms.HiddenInput()

    def clean_email(self) -> str:
        value = super().clean_email()
        if not value:
            raise ValidationError(_("Give an e-mail address: your ticket goes there."), code="required")
        return value


class WalkInForm(RegistrationForm):
    """At the door: a name is enough; an address, if the guest gives one, brings them their ticket and our news."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)

    def clean_email(self) -> str:
        return EmailPhoneCleaning.clean_email(self)


class EventForm(forms.ModelForm):
    starts_at = _local_input(_("Starts at"))
    ends_at = _local_input(_("Ends at"))
    registration_opens_at = _local_input(_("Registration opens"), required=False)
    registration_closes_at = _local_input(_("Registration closes"), required=False, help_text=_("Empty: when the event begins."))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(zone, zone) for zone in TIME_ZONES], initial="Europe/Rome")

    class Meta:
        model = Event
        fields = ["title", "slug", "kind", "audience", "site", "venue_name", "venue_address", "venue_city", "starts_at", "ends_at", "time_zone",
                  "capacity", "max_companions", "companion_capacity", "price", "registration_opens_at", "registration_closes_at",
                  "confirm_within_hours", "description", "image"]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        localized_fields = ["price"]  # "15,00", as Italians write euros

    def __init__(self, *args, sites=None, head_office: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites if sites is not None else Site.objects.none()
        if not head_office:
            self.fields["site"].required = True
            self.fields["site"].empty_label = None
        self.fields["slug"].help_text = _("The end of the event's address, e.g. tasting-march.")
        self.fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"

    def clean_image(self):
        """A new picture is judged by its bytes, turned upright, reduced and saved anew, so no GPS or EXIF goes public."""
        image = self.cleaned_data.get("image")
        if not isinstance(image, UploadedFile):
            return image
        try:
            media = media_checked(image)
        except ValidationError as error:
            raise ValidationError(error.message_dict["media"]) from None
        if media.kind != "image":
            raise ValidationError(_("The picture must be a photo (JPEG, PNG or WebP)."), code="not_image")
        return media.file

    def clean(self):
        data = super().clean()
        zone = zoneinfo.ZoneInfo(data.get("time_zone") or "Europe/Rome")
        # The times are typed as the clock reads where the event is held.
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must come after the start."))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registrations must close after they open."))
        if data.get("venue_name") and not data.get("venue_city"):
            self.add_error("venue_city", _("Give the city of the outside venue."))
        if not data.get("site") and not data.get("venue_name"):
            self.add_error("venue_name", _("Choose a site or give an outside venue."))
        if data.get("companion_capacity") is not None and data.get("capacity") and data["companion_capacity"] >= data["capacity"]:
            self.add_error("companion_capacity", _("Companions cannot take every place."))
        return data


class RescheduleForm(forms.Form):
    starts_at = _local_input(_("New start"))
    ends_at = _local_input(_("New end"))

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(event.time_zone)

    def clean(self):
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=self.zone)
        return data


class SponsorshipForm(forms.ModelForm):
    document = forms.FileField(label=_("Document"), required=False, help_text=_("Contract, invoice or logo: PDF, JPEG or PNG, up to 10 MB."),
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))  # fmt: skip

    class Meta:
        model = Sponsorship
        fields = ["partner", "gives", "gets", "value"]
        localized_fields = ["value"]

    def __init__(self, *args, partners=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners if partners is not None else Partner.objects.none()


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "vat_number", "contact_name", "email", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
