"""The dashboard's filters (period and shop), read from GET parameters."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import INPUT_CLASSES, SELECT_CLASSES

from order import daily_figures
from pizzeria.models import Pizzeria

# Days are Paris days (order.daily_figures, which counts them).
PARIS = daily_figures.PARIS

# A custom period longer than this is refused: the charts would become unreadable.
MAX_DAYS = 400


@dataclass(frozen=True)
class Period:
    start: date  # first day, Paris time
    end: date  # last day, inclusive
    label: str

    @property
    def starts_at(self):
        return datetime.combine(self.start, time.min, tzinfo=PARIS)

    @property
    def ends_before(self):
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=PARIS)

    @property
    def days(self):
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def paris_today():
    return timezone.now().astimezone(PARIS).date()


DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class DashboardFilterForm(forms.Form):
    # The default period first: a page opened without ?period= shows 7 days, and the selector,
    # which shows its first choice when none is given, must say so (issue 19).
    PERIODS = [
        ("7d", _("7 derniers jours")),
        ("today", _("Aujourd'hui")),
        ("30d", _("30 derniers jours")),
        ("month", _("Ce mois-ci")),
        ("custom", _("Personnalisée")),
    ]
    DEFAULT_PERIOD = "7d"

    period = forms.ChoiceField(label=_("Période"), choices=PERIODS, required=False)
    # Typed as jj/mm/aaaa whatever the browser's language (issue 19: type="date" showed the
    # English mm/dd/yyyy); the ISO form of old links still reads.
    start = forms.DateField(
        label=_("Du"), required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("jj/mm/aaaa"), "inputmode": "numeric", "autocomplete": "off"}),
    )
    end = forms.DateField(
        label=_("Au"), required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("jj/mm/aaaa"), "inputmode": "numeric", "autocomplete": "off"}),
    )
    pizzeria = forms.ModelChoiceField(
        label=_("Pizzeria"),
        queryset=Pizzeria.objects.none(),
        required=False,
        empty_label=_("Toutes mes pizzerias"),
        to_field_name="slug",
        error_messages={"invalid_choice": _("Cette pizzeria n'existe pas ou ne fait pas partie des vôtres.")},
    )

    def __init__(self, *args, pizzerias, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's shops can be chosen: another shop's slug is a form error, never its data.
        self.fields["pizzeria"].queryset = pizzerias
        # unfold's look for plain (non-admin) form fields.
        for name, bound in self.fields.items():
            classes = SELECT_CLASSES if name in ("period", "pizzeria") else INPUT_CLASSES
            bound.widget.attrs["class"] = " ".join(classes)

    def clean(self):
        data = super().clean()
        period = data.get("period") or self.DEFAULT_PERIOD
        data["period"] = period
        if period == "custom":
            start, end = data.get("start"), data.get("end")
            if "start" in self.errors or "end" in self.errors:
                return data
            if not start or not end:
                raise forms.ValidationError(_("Pour une période personnalisée, indiquez la date de début et la date de fin."))
            if start > end:
                raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    _("La période ne peut pas dépasser %(days)s jours.") % {"days": MAX_DAYS}
                )
        return data

    def get_period(self, today=None):
        """The chosen period, or the default one when the form is invalid (its errors are shown)."""
        today = today or paris_today()
        period = self.cleaned_data["period"] if self.is_valid() else self.DEFAULT_PERIOD
        labels = dict(self.PERIODS)
        if period == "today":
            return Period(today, today, str(labels["today"]))
        if period == "30d":
            return Period(today - timedelta(days=29), today, str(labels["30d"]))
        if period == "month":
            return Period(today.replace(day=1), today, str(labels["month"]))
        if period == "custom":
            start, end = self.cleaned_data["start"], self.cleaned_data["end"]
            return Period(start, end, _("du %(start)s au %(end)s") % {
                "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y"),
            })
        return Period(today - timedelta(days=6), today, str(labels["7d"]))

    def get_pizzeria(self):
        return self.cleaned_data.get("pizzeria") if self.is_valid() else None
