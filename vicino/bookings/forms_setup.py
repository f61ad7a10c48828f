"""The forms a site manager sets the diary up with: a resource and its hours, a closure, a day
with other hours, the patron saint, an offering with what it needs and its checklists."""

import datetime
import re

from django import forms
from django.core.validators import MinValueValidator
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from .models import Offering, Resource
from .setup import ChecklistIn

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
_INTERVAL = re.compile(r"^(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})$")
_LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]


def intervals_parse(text: str) -> list[tuple[datetime.time, datetime.time]]:
    """ "9:00–13:00, 14:00–18:30" as intervals; ValidationError naming what cannot be read."""
    intervals = []
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        match = _INTERVAL.match(part)
        try:
            start, end = (datetime.time(int(match[1]), int(match[2])), datetime.time(int(match[3]), int(match[4]))) if match else (None, None)
        except ValueError:
            start = end = None
        if start is None or start >= end:
            raise forms.ValidationError(_("“%(part)s” is not a time span: write it as 9:00–13:00."), params={"part": part})
        intervals.append((start, end))
    intervals.sort()
    if any(a[1] > b[0] for a, b in zip(intervals, intervals[1:])):
        raise forms.ValidationError(_("The time spans overlap."))
    return intervals


def intervals_text(intervals) -> str:
    return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in intervals)


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["kind", "name", "user", "vehicle_model", "stock_vehicle", "is_active"]
        help_texts = {
            "user": _("For a consultant or an advisor: their diary is theirs."),
            "vehicle_model": _("For a demo vehicle: customers book a test drive of a model."),
            "stock_vehicle": _("The car itself, when it is in the site's stock."),
        }

    def __init__(self, *args, users, models, stock, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["vehicle_model"].queryset = models
        self.fields["stock_vehicle"].queryset = stock
        existing = {}
        if self.instance.pk:
            for hours in self.instance.hours.all():
                existing.setdefault(hours.weekday, []).append((hours.starts_at, hours.ends_at))
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label, required=False, max_length=100, initial=intervals_text(sorted(existing.get(day, []))),
                widget=forms.TextInput(attrs={"placeholder": "9:00–13:00, 14:00–18:00"} if day == 0 else {}),
                help_text=_("Leave every day empty and it follows the site's opening hours; a day left empty among others filled is not bookable.") if day == 0 else "",
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        for day in range(7):
            try:
                cleaned[f"hours_{day}"] = intervals_parse(cleaned.get(f"hours_{day}", ""))
            except forms.ValidationError as error:
                self.add_error(f"hours_{day}", error)
        return cleaned

    def hours(self) -> dict[int, list]:
        return {day: self.cleaned_data[f"hours_{day}"] for day in range(7) if self.cleaned_data.get(f"hours_{day}")}


class ClosureForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=Resource.objects.none())
    starts_at = forms.DateTimeField(label=_("From"), input_formats=_LOCAL_INPUT, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("To"), input_formats=_LOCAL_INPUT, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Why"), max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": _("Holidays, body shop, repair…")}))

    def __init__(self, *args, resources, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources


class OpeningExceptionForm(forms.Form):
    date = forms.DateField(label=_("Day"), input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"}))
    opens_at = forms.TimeField(label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes_at = forms.TimeField(label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                help_text=_("Leave both times empty for a day closed."))  # fmt: skip
    reason = forms.CharField(label=_("Why"), max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": _("Stocktaking, a local event…")}))


class PatronForm(forms.Form):
    patron_saint = forms.CharField(label=_("Patron saint"), max_length=100, required=False, widget=forms.TextInput(attrs={"placeholder": "Sant'Ambrogio"}))
    patron_day = forms.TypedChoiceField(label=_("Day"), required=False, coerce=int, empty_value=None,
                                        choices=[("", "—")] + [(d, d) for d in range(1, 32)])  # fmt: skip
    patron_month = forms.TypedChoiceField(label=_("Month"), required=False, coerce=int, empty_value=None,
                                          choices=[("", "—")] + [(m, name) for m, name in MONTHS.items()])  # fmt: skip


class OfferingForm(forms.ModelForm):
    chosen_model = forms.BooleanField(label=_("The demo vehicle is of the model the customer chooses"), required=False, initial=True)
    checklists = forms.CharField(
        label=_("Preparation checklists"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One checklist per paragraph: its name on the first line, then one step per line. A booking cannot start until its steps are ticked."),
    )  # fmt: skip

    class Meta:
        model = Offering
        fields = ["kind", "name", "slug", "description", "duration_minutes", "buffer_before_minutes", "buffer_after_minutes", "step_minutes",
                  "min_notice_minutes", "horizon_days", "is_public", "consent_purpose", "consent_text", "meeting_room_url"]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The model's constraints, said next to the field rather than as a broken rule of the whole form.
        for name in ("duration_minutes", "step_minutes"):
            self.fields[name].validators.append(MinValueValidator(5))
            self.fields[name].widget.attrs["min"] = 5
        needs = {need.kind: need for need in self.instance.needs.all()} if self.instance.pk else {}
        for kind, label in Resource.Kind.choices:
            self.fields[f"need_{kind}"] = forms.IntegerField(
                label=label, min_value=0, max_value=20, required=False, initial=needs[kind].quantity if kind in needs else 0
            )
        if self.instance.pk:
            demo = needs.get(Resource.Kind.DEMO_VEHICLE)
            self.initial["chosen_model"] = bool(demo and demo.of_chosen_model)
            self.initial["checklists"] = "\n\n".join(
                "\n".join([checklist.name, *(step.label for step in checklist.steps.all())]) for checklist in self.instance.checklists.all()
            )

    def need_fields(self):
        return [self[f"need_{kind}"] for kind in Resource.Kind.values]

    def other_fields(self):
        return [field for field in self.visible_fields() if not field.name.startswith("need_") and field.name != "chosen_model"]

    def clean_checklists(self) -> list[ChecklistIn]:
        lists = []
        for block in re.split(r"\n\s*\n", self.cleaned_data["checklists"].replace("\r\n", "\n").strip()):
            lines = [line.strip(" -•\t") for line in block.splitlines() if line.strip(" -•\t")]
            if not lines:
                continue
            if len(lines) == 1:
                raise forms.ValidationError(_("The checklist “%(name)s” has no steps: write one per line under its name."), params={"name": lines[0]})
            lists.append(ChecklistIn(name=lines[0], steps=tuple(lines[1:])))
        return lists

    def needs(self) -> dict[str, tuple[int, bool]]:
        chosen = self.cleaned_data.get("chosen_model", False)
        return {
            kind: (quantity, chosen and kind == Resource.Kind.DEMO_VEHICLE)
            for kind in Resource.Kind.values
            if (quantity := self.cleaned_data.get(f"need_{kind}") or 0)
        }
