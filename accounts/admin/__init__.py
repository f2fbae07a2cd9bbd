"""The Django admin: the site itself (login through allauth, who may enter), the mixins
every app's admin shares (`mixins`), staff and departments (`users`), the 操作ログ
(`audit`)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..roles import ADMIN_ROLES
from . import audit, careers, users  # noqa: F401  (registers their admins)
from .mixins import (
    ReadOnlyAdminMixin,
    ReadOnlyHistoryAdmin,
    ReadOnlyInline,
    RevertGuardMixin,
    SafeActionsMixin,
)

__all__ = [
    "ReadOnlyAdminMixin",
    "ReadOnlyHistoryAdmin",
    "ReadOnlyInline",
    "RevertGuardMixin",
    "SafeActionsMixin",
]

# The admin login goes through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("真岡市 DX人材ポータル 管理")
admin.site.site_title = _("DX人材ポータル 管理")
admin.site.index_title = _("管理メニュー")


def _admin_has_permission(request):
    """HR admins and organisers reach the admin by their role, not a hand-set flag."""
    user = request.user
    return user.is_active and (user.is_staff or any(user.has_role(r.value) for r in ADMIN_ROLES))


admin.site.has_permission = _admin_has_permission
