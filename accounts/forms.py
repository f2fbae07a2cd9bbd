from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import NoNulFormMixin


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
                "placeholder": _("例: 20001 または name@city.moka.example.jp"),
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
