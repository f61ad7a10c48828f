"""Forms of the shell: login, password reset, site details and opening hours."""

import datetime
import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import services, tasks
from .actor import Actor
from .models import OpeningHours, Site
from .roles import HEAD_OFFICE_ROLES, SITE_ROLES, Role


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("E-mail or password is not correct. Check them and try again."),
        "inactive": _("This account is disabled."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link in the user's own language, through the background worker."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ) -> None:
        with translation.override(context["user"].language):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: tasks.mail_send.enqueue(subject=subject, body=body, to=[to_email]))


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Saves through the service so the change is audited like every other write."""

    def save(self, commit: bool = True):
        return services.user_password_set(by=None, user=self.user, password=self.cleaned_data["new_password1"])


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = list(services.SITE_EDITABLE_FIELDS)


_INTERVAL = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")


class OpeningHoursForm(forms.Form):
    """One line per weekday, e.g. "09:00-13:00, 14:30-19:00"; empty means closed."""

    def __init__(self, *args, site: Site, **kwargs) -> None:
        initial = {f"day_{day}": [] for day, _label in OpeningHours.Weekday.choices}
        for row in site.opening_hours.all():
            initial[f"day_{row.weekday}"].append(f"{row.opens_at:%H:%M}-{row.closes_at:%H:%M}")
        kwargs.setdefault("initial", {key: ", ".join(value) for key, value in initial.items()})
        super().__init__(*args, **kwargs)
        for day, label in OpeningHours.Weekday.choices:
            self.fields[f"day_{day}"] = forms.CharField(
                label=label, required=False, help_text=_("e.g. 09:00-13:00, 14:30-19:00; empty if closed")
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        intervals: list[tuple[int, datetime.time, datetime.time]] = []
        for day, _label in OpeningHours.Weekday.choices:
            key = f"day_{day}"
            for part in filter(None, (p.strip() for p in (cleaned.get(key) or "").split(","))):
                try:
                    intervals.append((day, *self._parse(part)))
                except ValidationError as error:
                    self.add_error(key, error)
        cleaned["intervals"] = intervals
        return cleaned

    @staticmethod
    def _parse(text: str) -> tuple[datetime.time, datetime.time]:
        match = _INTERVAL.match(text)
        try:
            if not match:
                raise ValueError
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            opens, closes = datetime.time(h1, m1), datetime.time(h2, m2)
        except ValueError:
            raise ValidationError(_("“%(text)s” is not a time range like 09:00-13:00.") % {"text": text}, code="format")
        if opens >= closes:
            raise ValidationError(_("In “%(text)s” the closing time must come after the opening time.") % {"text": text}, code="order")
        return opens, closes


class TeamMemberForm(forms.Form):
    """Add a person to the team: head office picks any role and site; a site manager, their site's roles."""

    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if actor.is_head_office:
            self.fields["role"].choices = Role.choices
            self.fields["site"].queryset = actor.scope(Site.objects.filter(is_active=True)).order_by("name")
            self.fields["site"].help_text = _("Only for site roles; leave empty for head office.")
        else:
            self.fields["role"].choices = [(role.value, role.label) for role in Role if role in SITE_ROLES]
            del self.fields["site"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.actor.is_head_office:
            cleaned["site"] = self.actor.site
        role = cleaned.get("role")
        if role in HEAD_OFFICE_ROLES and cleaned.get("site"):
            self.add_error("site", _("A head-office role cannot be tied to a site."))
        elif role and role not in HEAD_OFFICE_ROLES and not cleaned.get("site"):
            self.add_error("site", _("This role needs a site."))
        return cleaned


def errors_into_form(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
