"""Writes for directory sign-in: the person an identity belongs to, and their roles.

A sign-in through the city's directory (LDAP / Active Directory) or identity provider
(OpenID Connect, SAML) never writes anything itself: it calls `directory_sign_in`, which
goes through the roster import's rules (`accounts.services.roster_import`) so that a
person's name, readings, e-mail, department and grade are checked exactly as the roster
import checks them, and through `directory_roles_sync` for the roles the city's mapping
manages.

Invariants:
- A person is found by 職員番号 (or, where the identity provider gives no 職員番号, by a
  case-insensitive e-mail address) — never by display name.
- Nobody is created unless the city allows it (`DIRECTORY_CREATE_USERS`); an inactive
  person is refused. A refused sign-in writes nothing.
- Roles outside the mapping are never touched (an organiser given by HR in the admin
  keeps the role); a role in the mapping follows the directory.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..audit import audit_record
from ..exceptions import DirectorySignInRefused
from ..models import AuditAction, User
from ..services import COLUMNS, RosterRow, roster_import
from .config import MAPPABLE_ROLES, ROSTER_FIELDS

logger = logging.getLogger(__name__)


REFUSALS = {
    "unknown": _(
        "この庁内アカウントに対応する職員がポータルに登録されていません。"
        "人事課にお問い合わせください。"
    ),
    "inactive": _("このアカウントは無効になっています。人事課にお問い合わせください。"),
    "incomplete": _(
        "庁内ディレクトリの情報が足りないため、アカウントを作成できません。"
        "人事課にお問い合わせください。"
    ),
    "no_identifier": _(
        "認証基盤から職員番号もメールアドレスも受け取れませんでした。"
        "情報システム担当にお問い合わせください。"
    ),
}


def refusal(code: str) -> DirectorySignInRefused:
    return DirectorySignInRefused(REFUSALS[code], code=code)


def find_person(*, employee_number: str = "", email: str = "") -> User | None:
    """The portal user an identity names: by 職員番号 first, else by e-mail."""
    if employee_number:
        return User.objects.filter(employee_number__iexact=employee_number).first()
    if email:
        return User.objects.filter(email__iexact=email).first()
    return None


def _roster_row(user: User | None, employee_number: str, values: dict[str, str]) -> RosterRow:
    """A roster row for the person; what the directory does not say keeps our value."""
    row = dict.fromkeys(COLUMNS, "")
    if user is not None:
        row.update(
            last_name=user.last_name,
            first_name=user.first_name,
            last_name_kana=user.last_name_kana,
            first_name_kana=user.first_name_kana,
            email=user.email,
            department=user.department.code if user.department_id else "",
            grade=user.get_grade_display() if user.grade else "",
        )
    row.update({k: v for k, v in values.items() if k in ROSTER_FIELDS and v})
    row["employee_number"] = employee_number
    return RosterRow(line=1, values=row)


def directory_sign_in(
    *,
    employee_number: str = "",
    email: str = "",
    values: dict[str, str] | None = None,
    roles: Iterable[str] | None = None,
    managed_roles: Iterable[str] = (),
    allow_create: bool = False,
) -> User:
    """The person a directory identity belongs to, brought up to date.

    `values` are roster fields the directory gave (names, readings, e-mail, department
    code, grade name); `roles` the roles its groups or claims map to (None: the source
    says nothing about roles). Raises `DirectorySignInRefused` (nothing written).
    """
    values = values or {}
    if not employee_number and not email:
        raise refusal("no_identifier")
    with transaction.atomic():
        user = find_person(employee_number=employee_number, email=email)
        if user is None and not (allow_create and employee_number):
            raise refusal("unknown")
        if user is not None and not user.is_active:
            raise refusal("inactive")
        number = (user.employee_number if user else None) or employee_number
        if number:
            rows = [_roster_row(user, number, values)]
            # A preview first: a sign-in that changes nothing writes nothing (and leaves no
            # 操作ログ entry); one that does goes through the roster import as HR's would.
            preview = roster_import(rows=rows, full_roster=False, dry_run=True)
            if preview.errors:
                if user is None:
                    raise refusal("incomplete")
                # The person may still sign in; HR sees the roster differences on import.
                logger.warning(
                    "directory attributes of user %s not applied (%d problems)",
                    user.pk,
                    len(preview.errors[0].messages),
                )
            elif preview.changes_anything:
                roster_import(rows=rows, full_roster=False, dry_run=False)
            user = User.objects.get(employee_number=number)
        if roles is not None:
            directory_roles_sync(user=user, roles=set(roles), managed_roles=set(managed_roles))
    return user


def directory_roles_sync(*, user: User, roles: set[str], managed_roles: set[str]) -> set[str]:
    """Give the person the managed roles the directory grants and take away the managed
    roles it no longer grants. Returns the roles changed (empty when nothing changed)."""
    managed = managed_roles & set(MAPPABLE_ROLES)
    current = set(user.groups.values_list("name", flat=True))
    add = (roles & managed) - current
    remove = (managed - roles) & current
    if add:
        user.groups.add(*Group.objects.filter(name__in=add))
    if remove:
        user.groups.remove(*Group.objects.filter(name__in=remove))
    if add or remove:
        audit_record(
            actor=None,
            action=AuditAction.ROLE_CHANGE,
            target=user,
            detail={"source": "directory", "added": sorted(add), "removed": sorted(remove)},
        )
    return add | remove
