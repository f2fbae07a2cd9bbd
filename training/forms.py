"""Forms validate; the views pass `cleaned_data` to one service each."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import FiscalYearChoiceField
from accounts.validators import NoNulFormMixin

from . import selectors
from .models import Course

CERTIFICATE_ACCEPT = ".pdf,.png,.jpg,.jpeg"


class DateInput(forms.DateInput):
    input_type = "date"


def _helper(label, form_tag=True, name="submit") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit(name, label))
    return helper


def _certificate_field():
    return forms.FileField(
        label=_("証明書ファイル（PDF・PNG・JPEG、任意）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": CERTIFICATE_ACCEPT}),
        help_text=_("合格証書や修了証の写し。本人と人事担当だけが見られます。"),
    )


class QualificationRegisterForm(NoNulFormMixin, forms.Form):
    prefix = "qualification"  # two forms on one page: ids stay unique
    qualification = forms.ModelChoiceField(label=_("資格"), queryset=None)
    obtained_on = forms.DateField(label=_("取得日"), widget=DateInput())
    certificate = _certificate_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = selectors.active_qualifications()
        self.helper = _helper(_("資格を登録"), form_tag=False, name="register-qualification")


class CourseRegisterForm(NoNulFormMixin, forms.Form):
    prefix = "course"
    course = forms.ModelChoiceField(label=_("外部研修"), queryset=None)
    completed_on = forms.DateField(label=_("受講日"), widget=DateInput())
    certificate = _certificate_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.external_courses()
        self.helper = _helper(_("受講を登録"), form_tag=False, name="register-course")


class CourseForm(NoNulFormMixin, forms.ModelForm):
    fiscal_year = FiscalYearChoiceField()

    class Meta:
        model = Course
        fields = ("fiscal_year", "kind", "title", "provider", "hours", "held_on", "code")
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("研修コースを登録"))


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("出席者"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (p.pk, f"{p.full_name}（{p.department.name if p.department else '—'}）") for p in people
        ]
        self.helper = _helper(_("出欠を保存"))


class ReturnForm(NoNulFormMixin, forms.Form):
    reason = forms.CharField(label=_("差戻しの理由"), max_length=500)
