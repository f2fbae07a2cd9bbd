"""The 認定基準 form's 資格・研修の要件: per level, the verified qualifications or courses
of which one is also needed (off by default). Stored as `RuleSet.requirements`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from training.selectors import requirement_choices

from ..models import Level, RuleSet

REQUIREMENT_FIELDS = {
    Level.ADVISOR: "advisor_requirements",
    Level.EXPERT: "expert_requirements",
    Level.SPECIALIST: "specialist_requirements",
}


class RuleSetForm(forms.ModelForm):
    advisor_requirements = forms.MultipleChoiceField(
        label=_("DXアドバイザーの資格・研修の要件"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expert_requirements = forms.MultipleChoiceField(
        label=_("DXエキスパートの資格・研修の要件"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialist_requirements = forms.MultipleChoiceField(
        label=_("DXスペシャリストの資格・研修の要件"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "チェックした資格・研修のいずれか（人事担当の確認済み）も、そのレベルの認定に"
            "必要になります。何もチェックしなければ要件はありません。"
        ),
    )

    class Meta:
        model = RuleSet
        # Every other field of the model, whoever adds one (the form only adds these).
        exclude = ("requirements",)  # noqa: DJ006

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = requirement_choices()
        current = self.instance.requirements or {}
        for level, name in REQUIREMENT_FIELDS.items():
            held = list(current.get(Level(level).name.lower(), []))
            known = {key for key, _label in choices}
            # A key whose qualification was renamed away still shows, so it can be unticked.
            extra = [(key, key) for key in held if key not in known]
            self.fields[name].choices = [*choices, *extra]
            self.fields[name].initial = held

    def save(self, commit=True):
        self.instance.requirements = {
            Level(level).name.lower(): sorted(self.cleaned_data[name])
            for level, name in REQUIREMENT_FIELDS.items()
            if self.cleaned_data.get(name)
        }
        return super().save(commit=commit)
