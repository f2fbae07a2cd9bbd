"""Roles are Django groups; one person may hold several."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("職員")
    EXECUTIVE = "executive", _("幹部職員")
    EXTERNAL_EXPERT = "external_expert", _("外部専門家")
    ORGANISER = "organiser", _("DX推進担当")
    HR_ADMIN = "hr_admin", _("人事担当")


# Model permissions each role's group receives (kept in sync after every migrate).
# "app_label" grants every permission of the app; "app_label.view" only view_*.
ROLE_PERMISSIONS = {
    Role.HR_ADMIN: ("accounts", "certification", "projects.view", "evaluations.view"),
    Role.ORGANISER: ("projects", "evaluations", "certification.view", "accounts.view"),
}
ADMIN_ROLES = (Role.HR_ADMIN, Role.ORGANISER)


def role_label(code: str) -> str:
    """The role's Japanese name for a group name (幹部職員 for "executive"); other groups
    keep their own name."""
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def sync_role_permissions(**kwargs):
    """post_migrate: give each role group its permissions. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    # Every role group exists (a test database flush also ends here, via post_migrate).
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    for role, grants in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        perms = Permission.objects.none()
        for grant in grants:
            app_label, _dot, only = grant.partition(".")
            qs = Permission.objects.filter(content_type__app_label=app_label)
            if only:
                qs = qs.filter(codename__startswith=f"{only}_")
            perms = perms | qs
        group.permissions.set(perms)
