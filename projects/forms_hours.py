"""Forms of the activity-hours pages (issue 12): they validate; the views pass
`cleaned_data` to one service each (`projects.services.hours`)."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import NoNulFormMixin

from .models_hours import HOURS_MAX, HOURS_STEP, NOTE_MAX


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.project.title}）"


class ActivityLogForm(NoNulFormMixin, forms.Form):
    """One entry: team (when adding), day, hours in half-hour steps, what was done."""

    team = TeamChoiceField(label=_("チーム"), queryset=None)
    worked_on = forms.DateField(label=_("活動日"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=_("時間"),
        min_value=HOURS_STEP,
        max_value=HOURS_MAX,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24"}),
        help_text=_("0.5時間単位（例：1.5）。研修の時間は出欠から自動で数えます。"),
    )
    note = forms.CharField(
        label=_("内容"),
        max_length=NOTE_MAX,
        help_text=_("例：業務フローの聞き取り、ワークシートの作成"),
    )

    def __init__(self, *args, teams=None, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("記録する")))

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and (hours / HOURS_STEP) % 1 != Decimal(0):
            raise forms.ValidationError(_("時間は0.5時間単位で入力してください。"))
        return hours


class HoursYearForm(NoNulFormMixin, forms.Form):
    """The year filter of the hours pages (GET). A bad value falls back to the default."""

    fiscal_year = forms.TypedChoiceField(label=_("年度"), required=True, coerce=int)

    def __init__(self, *args, years=(), year_label=str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(year, year_label(year)) for year in years]

    def year(self, default):
        if self.is_bound and self.is_valid():
            return self.cleaned_data["fiscal_year"]
        return default
