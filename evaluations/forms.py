from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import FiscalYearChoiceField
from accounts.models import User
from accounts.validators import EMPTY_CHOICE_LABEL, NoNulFormMixin
from projects.models import Team

from . import selectors
from .models import Criterion, ReportMeeting


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingForm(NoNulFormMixin, forms.ModelForm):
    class Meta:
        model = ReportMeeting
        fields = ["project", "title", "held_on", "place"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = selectors.projects_that_may_hold_meetings()


class PresentationForm(NoNulFormMixin, forms.Form):
    team = forms.ModelChoiceField(label=_("チーム"), queryset=Team.objects.none())
    title = forms.CharField(
        label=_("発表タイトル"),
        max_length=200,
        required=False,
        help_text=_("空欄のときはチームのテーマを使います。"),
    )
    materials = forms.FileField(
        label=_("発表資料（PDF・PPTX）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.pptx"}),
    )

    def __init__(self, *args, meeting: ReportMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.teams_that_may_present(meeting=meeting)


class MaterialsForm(forms.Form):
    materials = forms.FileField(
        label=_("発表資料（PDF・PPTX）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.pptx"}),
    )


class WindowOpenForm(forms.Form):
    closes_on = forms.DateField(label=_("締切日"), widget=DateInput())


class InvitationForm(NoNulFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("招待する職員"), queryset=User.objects.none())

    def __init__(self, *args, candidates: list[User], **kwargs):
        """`candidates` come from `selectors.invitation_candidates` (the one rule,
        `permissions.can_be_invited`); the choices are exactly those people."""
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates])
        field.label_from_instance = lambda u: f"{u.full_name}（{u.employee_number or u.email}）"
        field.choices = [("", EMPTY_CHOICE_LABEL)] + [
            (u.pk, field.label_from_instance(u)) for u in candidates
        ]


class FiscalYearForm(forms.Form):
    fiscal_year = FiscalYearChoiceField()


class CriterionForm(NoNulFormMixin, forms.Form):
    label_ja = forms.CharField(label=_("項目名（日本語）"), max_length=60)
    label_en = forms.CharField(label=_("項目名（英語）"), max_length=60, required=False)
    description = forms.CharField(label=_("説明"), max_length=300, required=False)
    weight = forms.DecimalField(label=_("重み"), max_digits=4, decimal_places=2, min_value=0.01)
    point_1 = forms.CharField(label=_("1点の目安"), max_length=40)
    point_2 = forms.CharField(label=_("2点の目安"), max_length=40)
    point_3 = forms.CharField(label=_("3点の目安"), max_length=40)
    point_4 = forms.CharField(label=_("4点の目安"), max_length=40)
    point_5 = forms.CharField(label=_("5点の目安"), max_length=40)
    description_en = forms.CharField(label=_("説明（英語）"), max_length=300, required=False)
    points_en = forms.CharField(
        label=_("1〜5点の目安（英語）"),
        max_length=250,
        required=False,
        help_text=_(
            "英語の画面用。1点から5点まで「 / 」で区切って5つ（例：Poor / Fair / Good / Very good / Excellent）。空のときは日本語を表示します。"
        ),
    )

    @classmethod
    def initial_for(cls, criterion: Criterion) -> dict:
        labels = list(criterion.point_labels or []) + [""] * 5
        initial = {
            "label_ja": criterion.label_ja,
            "label_en": criterion.label_en,
            "description": criterion.description,
            "weight": criterion.weight,
            "description_en": criterion.description_en,
            "points_en": " / ".join(criterion.point_labels_en or []),
        }
        initial.update({f"point_{i}": labels[i - 1] for i in range(1, 6)})
        return initial

    def point_labels(self) -> list[str]:
        return [self.cleaned_data[f"point_{i}"] for i in range(1, 6)]

    def clean_points_en(self) -> list[str]:
        text = self.cleaned_data["points_en"].strip()
        if not text:
            return []
        labels = [label.strip() for label in text.split("/")]
        if len(labels) != 5 or not all(labels):
            raise forms.ValidationError(_("英語の目安は「 / 」で区切って5つ入力してください。"))
        return labels

    def english_texts(self) -> dict:
        """The keyword arguments `criterion_add` / `criterion_update` take for English."""
        return {
            "description_en": self.cleaned_data["description_en"],
            "point_labels_en": self.cleaned_data["points_en"],
        }
