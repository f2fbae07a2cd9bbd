"""Forms of the showcase pages. Forms validate; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.fiscal import fiscal_year_label
from accounts.validators import NoNulFormMixin

from .models import NOTE_MAX, AdoptionInterest, ThemeTag


class LibraryFilterForm(NoNulFormMixin, forms.Form):
    """The library's search (GET). Bad values are ignored, never an error page. The
    choices come from lists the page already loaded (no query per field); `filters()`
    returns the chosen objects."""

    q = forms.CharField(label=_("キーワード"), required=False, max_length=100)
    fiscal_year = forms.TypedChoiceField(
        label=_("年度"), required=False, coerce=int, empty_value=None
    )
    department = forms.TypedChoiceField(
        label=_("所属"), required=False, coerce=int, empty_value=None
    )
    tag = forms.TypedChoiceField(label=_("テーマ"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), departments=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("すべて"))]
        self.fields["fiscal_year"].choices = everything + [
            (year, fiscal_year_label(year)) for year in years
        ]
        self.fields["department"].choices = everything + [(d.pk, d.name) for d in departments]
        self.fields["tag"].choices = everything + [(t.pk, t.display_name) for t in tags]
        self._objects = {
            "department": {d.pk: d for d in departments},
            "tag": {t.pk: t for t in tags},
        }

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "fiscal_year": data.get("fiscal_year"),
            "department": self._objects["department"].get(data.get("department")),
            "tag": self._objects["tag"].get(data.get("tag")),
        }


class InterestForm(NoNulFormMixin, forms.Form):
    note = forms.CharField(
        label=_("ひとこと（任意）"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("どの業務で取り入れたいかなど。チームとDX推進担当に表示されます。"),
    )


class NameConsentForm(forms.Form):
    show_name = forms.BooleanField(label=_("発表会で自分の名前を表示する"), required=False)


class PublishForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("テーマタグ"),
        required=False,
        queryset=ThemeTag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )


class ThemeTagForm(NoNulFormMixin, forms.Form):
    name = forms.CharField(label=_("タグ"), max_length=30)
    name_en = forms.CharField(label=_("タグ（英語）"), max_length=40, required=False)


class AdoptionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状況"), choices=AdoptionInterest.Status.choices)


class AdoptionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状況"),
        required=False,
        choices=[("", _("すべて")), *AdoptionInterest.Status.choices],
    )
