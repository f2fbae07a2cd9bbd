"""Roles are Django groups; one person may hold several.

`ROLE_PERMISSIONS` is the one table of the model permissions each role's group holds: only
what its pages need (issue #9). Workflow models are view-only in the admin for everyone
(their writes go through the portal pages and services); HR adds and edits people and
departments and works certifications through their admin views. Superusers are not a role:
they hold every permission. `tests/accounts/test_role_permissions.py` pins the whole table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("職員")
    EXECUTIVE = "executive", _("幹部職員")
    EXTERNAL_EXPERT = "external_expert", _("外部専門家")
    ORGANISER = "organiser", _("DX推進担当")
    HR_ADMIN = "hr_admin", _("人事担当")


# "app_label.model" → actions; "app_label.*" → those actions on every model of the app
# (history models excluded). Roles not listed hold no model permission.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.HR_ADMIN: {
        "accounts.user": ("view", "add", "change"),
        "accounts.department": ("view", "add", "change"),
        # Careers (issue #14): read-only lists; writes through the transfer and name-change
        # services (the person's page and 「氏名の変更を記録」).
        "accounts.departmentassignment": ("view",),
        "accounts.namechange": ("view",),
        "projects.*": ("view",),
        "evaluations.*": ("view",),
        "certification.certification": ("view", "add", "change"),
        "certification.ruleset": ("view", "add", "change"),
        "certification.recomputerun": ("view",),
        "training.qualification": ("view", "add", "change"),
        "training.course": ("view",),
        "training.courserecord": ("view",),
        "training.qualificationrecord": ("view",),
    },
    Role.ORGANISER: {
        "projects.*": ("view",),
        "evaluations.*": ("view",),
        "certification.certification": ("view",),
        "certification.ruleset": ("view",),
        "certification.recomputerun": ("view",),
        "training.qualification": ("view",),
        "training.course": ("view",),
        "training.courserecord": ("view",),
    },
}
ADMIN_ROLES = (Role.HR_ADMIN, Role.ORGANISER)


def role_label(code: str) -> str:
    """The role's Japanese name for a group name (幹部職員 for "executive"); other groups
    keep their own name."""
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def role_permission_codes(permission_model) -> dict[str, set[tuple[str, str]]]:
    """Expand ROLE_PERMISSIONS into {role: {(app_label, codename)}} over the permissions
    that exist (`permission_model` may be a migration's historical model)."""
    existing = set(
        permission_model.objects.values_list("content_type__app_label", "content_type__model")
    )
    grants: dict[str, set[tuple[str, str]]] = {}
    for role, table in ROLE_PERMISSIONS.items():
        codes = grants.setdefault(str(role), set())
        for target, actions in table.items():
            app_label, _dot, model = target.partition(".")
            models_ = (
                [m for a, m in existing if a == app_label and not m.startswith("historical")]
                if model == "*"
                else [model]
            )
            for name in models_:
                codes |= {(app_label, f"{action}_{name}") for action in actions}
    return grants


def apply_role_permissions(group_model, permission_model) -> None:
    """Create every role group and give it exactly its permissions. Idempotent; used by
    the data migration and after every migrate (new models, test database flushes)."""
    grants = role_permission_codes(permission_model)
    for role in Role:
        group, _created = group_model.objects.get_or_create(name=role.value)
        wanted = grants.get(role.value, set())
        perms = [
            p
            for p in permission_model.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(perms)


def sync_role_permissions(**kwargs):
    """post_migrate: apply the table (permissions of new models exist only by then)."""
    from django.contrib.auth.models import Group, Permission

    apply_role_permissions(Group, Permission)
