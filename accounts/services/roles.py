"""A person's roles (groups): given and taken only through here, recorded in the 操作ログ."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import User


def user_roles_set(*, user: User, groups, by: User, request=None) -> User:
    """Set a person's roles (groups) to exactly `groups`.

    Separation of duties: only a superuser gives or takes the HR admin or organiser role
    (`permissions.can_grant_role`); a refused change raises RoleGrantRefused and changes
    nothing. Each change is recorded in the audit log (who, added, removed). Idempotent:
    the same set again records nothing."""
    from .. import permissions
    from ..audit import audit_record
    from ..exceptions import RoleGrantRefused
    from ..models import AuditAction

    wanted = {group.name: group for group in groups}
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = set(locked.groups.values_list("name", flat=True))
        added, removed = sorted(set(wanted) - before), sorted(before - set(wanted))
        if not added and not removed:
            return locked
        refused = [name for name in added + removed if not permissions.can_grant_role(by, name)]
        if refused:
            raise RoleGrantRefused(
                _("人事担当・DX推進担当の役割の付与と解除は、スーパーユーザーのみが行えます。")
            )
        locked.groups.set(wanted.values())
        audit_record(
            actor=by,
            action=AuditAction.ROLE_CHANGE,
            target=locked,
            request=request,
            detail={"added": added, "removed": removed},
        )
    return locked
