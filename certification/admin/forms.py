"""Forms of HR's certification admin: reasons, grants, decisions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.validators import NoNulFormMixin

from ..models import Level


class ReasonForm(NoNulFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("必須です。履歴に記録されます。"),
    )


class ResolveFlagForm(ReasonForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("判断"),
        choices=[
            ("keep", gettext_lazy("認定を維持する（人事担当による認定として扱います）")),
            ("revoke", gettext_lazy("認定を取り消す")),
        ],
        widget=forms.RadioSelect,
    )


class GrantForm(NoNulFormMixin, forms.Form):
    employee_number = forms.CharField(label=gettext_lazy("職員番号"), max_length=20)
    level = forms.TypedChoiceField(
        label=gettext_lazy("認定レベル"), choices=Level.choices, coerce=int
    )
    fiscal_year = forms.IntegerField(
        label=gettext_lazy("認定年度（西暦）"),
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("例: 令和6年度 → 2024"),
    )
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("必須です。履歴に記録されます。"),
    )

    def clean_employee_number(self):
        number = self.cleaned_data["employee_number"].strip()
        user = User.objects.filter(employee_number=number, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("この職員番号の職員が見つかりません。"))
        self.user = user
        return number

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("理由を入力してください。"))
        return reason


class ApproveForm(NoNulFormMixin, forms.Form):
    """決裁: the 決裁日 and 決裁番号 of an approval."""

    decided_on = forms.DateField(
        label=gettext_lazy("決裁日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("認定証の認定日になります。"),
    )
    decision_number = forms.CharField(
        label=gettext_lazy("決裁番号"),
        max_length=50,
        help_text=gettext_lazy("例: 真DX第12号"),
    )

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("決裁日に未来の日付は指定できません。"))
        return day
