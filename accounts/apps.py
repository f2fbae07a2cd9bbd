from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("職員・アカウント")

    def ready(self):
        from .roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts_sync_roles")
        user_logged_in.connect(remember_login_address, dispatch_uid="accounts_usual_address")
        from . import checks  # noqa: F401  (registers the deploy checks)


def remember_login_address(sender, request, user, **kwargs):
    """A completed login (after MFA where required): its address becomes a usual one."""
    from .audit import client_ip
    from .login_limits import remember_usual_address

    remember_usual_address(user=user, address=client_ip(request))
