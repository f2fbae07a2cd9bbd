import functools

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .fiscal import fiscal_year_label, fiscal_year_of
from .validators import NoNulFormMixin

#: The first 年度 a form offers (平成27年度): the programme's records start later.
FIRST_FISCAL_YEAR = 2015


def fiscal_year_choices(first: int = FIRST_FISCAL_YEAR, ahead: int = 5) -> list:
    """年度 from `ahead` years after this one down to `first`, newest first, labelled in
    the active language (令和8年度 / FY2026)."""
    current = fiscal_year_of()
    return [(year, fiscal_year_label(year)) for year in range(current + ahead, first - 1, -1)]


class FiscalYearChoiceField(forms.TypedChoiceField):
    """A 年度 chosen as 令和N年度 rather than typed as a 西暦 year; the value is still the
    西暦 year the models store. Defaults to the current 年度."""

    def __init__(self, *, first: int = FIRST_FISCAL_YEAR, ahead: int = 5, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("label", _("年度"))
        kwargs.setdefault("initial", fiscal_year_of)
        super().__init__(choices=functools.partial(fiscal_year_choices, first, ahead), **kwargs)


class LoginForm(NoNulFormMixin, AllauthLoginForm):
    """allauth's login form, worded for the city: 職員番号 or e-mail."""

    def clean(self):
        from .directory.backends import LOCAL_LOGIN_REFUSED

        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, LOCAL_LOGIN_REFUSED, False):
                raise forms.ValidationError(
                    _("このアカウントは庁内アカウントでログインしてください。"),
                    code="local_login_refused",
                ) from None
            raise

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("職員番号またはメールアドレス")
        field.widget.attrs.update(
            {
                "placeholder": _("例：20001 または name@city.moka.example.jp"),
                "autocomplete": "username",
            }
        )


class RosterImportForm(forms.Form):
    """The roster file and whether it is the full roster (全職員名簿)."""

    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("職員名簿ファイル（CSV または Excel）"),
        help_text=_(
            "列：職員番号、姓、名、セイ、メイ、所属コード、職位、メールアドレス。"
            "CSV は UTF-8（BOM あり・なし）と Shift_JIS のどちらでも読み込めます。"
        ),
    )
    full_roster = forms.BooleanField(
        label=_("全職員名簿（ファイルにない職員を無効にする）"),
        required=False,
        help_text=_(
            "チェックすると、ファイルにない在職中の職員のアカウントを無効にします（削除はしません）。"
        ),
    )
    effective_on = forms.DateField(
        label=_("異動日（発令日）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "所属の変更はこの日付の人事異動として記録します（4月の定期異動なら4月1日）。"
            "空欄のときは今日です。無効にする職員の退職日はこの前日になります。"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（5MBまで）。"))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(
                _("CSV（.csv）または Excel（.xlsx）のファイルを選んでください。")
            )
        return upload
