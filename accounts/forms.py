from allauth.account.forms import LoginForm as AllauthLoginForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's login form, worded for the city: 職員番号 or e-mail."""

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
