"""Forms validate; the views pass `cleaned_data` to one service each."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import FiscalYearChoiceField
from accounts.models import Department
from accounts.validators import NoNulFormMixin

from .consent_models import NOTE_MAX
from .models import MeasuredEffect, Membership, MembershipLeave, Project, Team, Worksheet, Workshop
from .services import PROJECT_FIELDS, WORKSHEET_FIELDS


class ProjectFilterForm(NoNulFormMixin, forms.Form):
    """The project list's filter (GET). Bad values are ignored, never an error page."""

    fiscal_year = forms.TypedChoiceField(
        label=_("年度"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("状態"), required=False)
    q = forms.CharField(label=_("キーワード"), required=False, max_length=100)

    def __init__(self, *args, years=(), year_label=str, statuses=Project.Status.choices, **kwargs):
        """`statuses`: the states offered, those the person can see projects in."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("すべて")), *statuses]
        # Rendered by hand (templates/_partials/filter_field.html), Bootstrap's classes here.
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        self.fields["fiscal_year"].choices = [("", _("すべて"))] + [
            (year, year_label(year)) for year in years
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class ProjectForm(NoNulFormMixin, forms.ModelForm):
    fiscal_year = FiscalYearChoiceField()

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "recruitment_starts_on": forms.DateInput(attrs={"type": "date"}),
            "recruitment_ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("保存"))


class TeamProposeForm(NoNulFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name", "theme", "target_department")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_department"].queryset = Department.objects.active()
        self.helper = _helper(_("チームを提案する"))

    def validate_unique(self):
        """The service checks uniqueness within the project (the form has no project)."""


class WorksheetForm(NoNulFormMixin, forms.ModelForm):
    class Meta:
        model = Worksheet
        fields = WORKSHEET_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in WORKSHEET_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("ワークシートを保存"))


class MeasuredEffectForm(NoNulFormMixin, forms.ModelForm):
    class Meta:
        model = MeasuredEffect
        fields = ("label", "unit", "before", "after")

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or _("効果を追加"))


class WorkshopForm(NoNulFormMixin, forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ("held_on", "topic", "hours")
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("研修を登録"))


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("出席者"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (m.user_id, f"{m.user.full_name}（{m.team.name}・{m.get_role_display()}）")
            for m in members
        ]
        self.helper = _helper(_("出欠を保存"))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Project.Status.choices)


# --- leave, early end, leader change (issue 14) -------------------------------------------


class _MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.full_name}（{obj.get_role_display()}）"


class _TeamMemberForm(NoNulFormMixin, forms.Form):
    """A form about one of the team's approved members (`members`: those memberships)."""

    ACTION = ""
    SUBMIT = ""
    membership = _MemberChoiceField(label=_("メンバー"), queryset=Membership.objects.none())

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, prefix=self.ACTION, **kwargs)
        members = list(members)
        field = self.fields["membership"]
        field.queryset = Membership.objects.filter(pk__in=[m.pk for m in members])
        # The choices come from the prefetched rows (no query per option on the page).
        field.choices = [("", "---------")] + [
            (m.pk, field.label_from_instance(m)) for m in members
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class LeaveForm(_TeamMemberForm):
    ACTION = "leave"
    kind = forms.ChoiceField(label=_("休止の種類"), choices=MembershipLeave.Kind.choices)
    starts_on = forms.DateField(
        label=_("休止開始日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("休止終了日"),
        required=False,
        help_text=_("未定の場合は空欄にしてください。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("備考"),
        required=False,
        max_length=200,
        help_text=_("病名など健康に関する情報は記入しないでください。"),
    )


class EndForm(_TeamMemberForm):
    ACTION = "end"
    ended_on = forms.DateField(
        label=_("最後に参加した日"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class LeaderChangeForm(_TeamMemberForm):
    ACTION = "leader"
    membership = _MemberChoiceField(label=_("新しいリーダー"), queryset=Membership.objects.none())
    on = forms.DateField(label=_("交代日"), widget=forms.DateInput(attrs={"type": "date"}))


TEAM_MEMBER_FORMS = {form.ACTION: form for form in (LeaveForm, EndForm, LeaderChangeForm)}


class LeaveEndForm(NoNulFormMixin, forms.Form):
    """Close an open-ended leave or shorten one: its new last day (one per leave on the
    team page; the service checks the dates)."""

    ends_on = forms.DateField(label=_("休止終了日"), widget=forms.DateInput(attrs={"type": "date"}))


class HeadConsentForm(NoNulFormMixin, forms.Form):
    """The 所属長's decision: consent (with how the work is covered) or decline (with a
    reason). Which note is required depends on the decision; the service checks again."""

    CONSENT = "consent"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        label=_("判断"),
        choices=[(CONSENT, _("承認する")), (DECLINE, _("承認しない"))],
        widget=forms.RadioSelect,
    )
    coverage = forms.CharField(
        label=_("業務の分担"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "承認する場合：活動中の業務を課内でどう分担するか（例：窓口当番は○○さんが代わる）"
        ),
    )
    reason = forms.CharField(
        label=_("不承認の理由"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("承認しない場合：申請者に表示されます。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("判断を登録する"))

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.CONSENT and not (data.get("coverage") or "").strip():
            self.add_error("coverage", _("承認する場合は業務の分担を入力してください。"))
        if decision == self.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("承認しない場合は理由を入力してください。"))
        return data
