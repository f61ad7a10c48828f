"""Forms of the customer pages: the record, a contact, a consent change, the search filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vicino.core.actor import Actor
from vicino.core.italy import PROVINCE_CHOICES
from vicino.core.models import Site

from .phones import phone_normalise
from .services import email_normalise
from .models import CONSENT_CHANNELS, Channel, ConsentEvent, ContactPoint, Customer, CustomerLink, PrivacyNotice, PrivacyRequest, Purpose, Tag


class EmailPhoneCleaning:
    """A form's optional `email` and `phone` fields, normalised as every contact point is stored."""

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "")
        return email_normalise(value) if value.strip() else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        return phone_normalise(value) if value.strip() else ""


class CustomerForm(EmailPhoneCleaning, forms.ModelForm):
    """The record itself; on creation also the first e-mail, phone and address."""

    email = forms.CharField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, help_text=_("Any format, e.g. 333 1234567"))
    street = forms.CharField(label=_("Street address"), required=False)
    cap = forms.CharField(label=_("CAP"), required=False, max_length=5)
    city = forms.CharField(label=_("City"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False, choices=[("", "—"), *PROVINCE_CHOICES])
    tag_names = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. VIP, Electric"))

    class Meta:
        model = Customer
        fields = [
            "kind", "relation", "first_name", "last_name", "company_name", "fiscal_code", "vat_number",
            "birth_date", "language", "preferred_channel", "member_number", "member_card", "site", "notes",
        ]  # fmt: skip
        widgets = {"birth_date": forms.DateInput(attrs={"placeholder": "gg/mm/aaaa"}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor: Actor, creating: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = actor.scope(Site.objects.filter(is_active=True)).order_by("name")
        self.fields["birth_date"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        if not creating:
            for name in ("email", "phone", "street", "cap", "city", "province"):
                del self.fields[name]
            self.fields["tag_names"].initial = ", ".join(tag.name for tag in self.instance.tags.all())

    def clean_tag_names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data.get("tag_names", "").split(",") if name.strip()]



class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactPoint.Kind.choices)
    value = forms.CharField(label=_("E-mail or phone"), max_length=254)
    label = forms.CharField(label=_("Label"), max_length=30, required=False)


class ConsentForm(forms.Form):
    """A consent given or withdrawn in front of staff (on paper, by phone, at the desk)."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in CONSENT_CHANNELS])
    action = forms.ChoiceField(
        label=_("The customer"),
        choices=[(ConsentEvent.Action.GRANTED, _("grants consent")), (ConsentEvent.Action.WITHDRAWN, _("withdraws consent"))],
    )
    source = forms.ChoiceField(
        label=_("How"),
        choices=[(s.value, s.label) for s in (ConsentEvent.Source.PAPER, ConsentEvent.Source.STAFF, ConsentEvent.Source.EVENT)],
    )
    notice = forms.ModelChoiceField(label=_("Privacy notice shown"), queryset=PrivacyNotice.objects.none(), required=False)
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False, help_text=_("e.g. the signed form's number"))

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = actor.scope(PrivacyNotice.objects.all())
        self.fields["notice"].initial = self.fields["notice"].queryset.first()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("action") == ConsentEvent.Action.GRANTED and not cleaned.get("notice"):
            self.add_error("notice", _("Say which version of the privacy notice the customer was shown."))
        return cleaned


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    relation = forms.ChoiceField(required=False, label=_("Relation"), choices=[("", _("All")), *Customer.Relation.choices])
    site = forms.ModelChoiceField(required=False, label=_("Site"), queryset=Site.objects.none(), empty_label=_("All sites"))
    tag = forms.ModelChoiceField(required=False, label=_("Tag"), queryset=Tag.objects.none(), empty_label=_("All tags"))

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = actor.scope(Site.objects.all()).order_by("name")
        self.fields["tag"].queryset = actor.scope(Tag.objects.all())


class TimelineFilterForm(forms.Form):
    channel = forms.ChoiceField(required=False, label=_("Channel"), choices=[("", _("All channels")), *Channel.choices])
    kind = forms.ChoiceField(required=False, label=_("What"), choices=[("", _("Everything"))])

    def __init__(self, *args, **kwargs) -> None:
        from .timeline import kind_choices

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *kind_choices()]


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (comma or semicolon) or Excel .xlsx, up to 200 MB."))
    site = forms.ModelChoiceField(label=_("Site for new customers"), queryset=Site.objects.none(), required=False)

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if actor.is_head_office:
            self.fields["site"].queryset = actor.scope(Site.objects.filter(is_active=True)).order_by("name")
            self.fields["site"].empty_label = _("None (network-wide)")
        else:
            del self.fields["site"]


class ImportMappingForm(forms.Form):
    """One choice per column of the file: which customer field it fills (or none)."""

    def __init__(self, *args, customer_import, actor: Actor, **kwargs) -> None:
        from .importfile import FIELDS

        super().__init__(*args, **kwargs)
        choices = [("", _("— do not import —")), *FIELDS.items()]
        for index, header in enumerate(customer_import.headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(column %(number)s)") % {"number": index + 1}, choices=choices, required=False,
                initial=customer_import.mapping.get(header, ""),
            )  # fmt: skip
        self.fields["notice"] = forms.ModelChoiceField(
            label=_("Privacy notice the customers were shown"), queryset=actor.scope(PrivacyNotice.objects.all()), required=False,
            initial=customer_import.notice_id, help_text=_("Needed when the file has consent columns."),
        )  # fmt: skip
        self.headers = customer_import.headers

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"col_{index}", "") for index, header in enumerate(self.headers)}


class PrivacyRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=PrivacyRequest.Kind.choices)
    channel = forms.ChoiceField(label=_("Received by"), choices=Channel.choices, initial=Channel.EMAIL)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000)


class PrivacyRequestCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"), choices=[(PrivacyRequest.Status.DONE, _("Fulfilled")), (PrivacyRequest.Status.REFUSED, _("Refused"))]
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PrivacyNoticeForm(forms.Form):
    version = forms.CharField(label=_("Version"), max_length=20, help_text=_("e.g. 2027.1"))
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))


class RetentionForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[(Purpose.MARKETING, Purpose.MARKETING.label), (Purpose.PROFILING, Purpose.PROFILING.label), (Purpose.THIRD_PARTIES, Purpose.THIRD_PARTIES.label)])
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=120)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}))


class CustomerLinkForm(forms.Form):
    other = forms.IntegerField(label=_("Customer number"), min_value=1, help_text=_("The n. shown at the top of the other customer's page."))
    kind = forms.ChoiceField(label=_("Link"), choices=CustomerLink.Kind.choices)
