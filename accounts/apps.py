from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("職員・アカウント")

    def ready(self):
        from . import admin_display
        from .roles import sync_role_permissions

        admin_display.install()

        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts_sync_roles")
