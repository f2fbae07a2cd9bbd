"""Writes of the accounts app: the staff roster import.

The personnel system exports the roster as CSV (UTF-8 with or without BOM, or Shift_JIS /
CP932 as Japanese Excel saves it) or XLSX, with the columns 職員番号, 姓, 名, セイ, メイ,
所属コード, 職位 and メールアドレス (or email). `read_roster_file` turns a file into rows;
`roster_import` validates every row and then either reports what it would do (dry run, the
preview) or does it.

Invariants:
- All or nothing: if any row is bad, nothing is written and every bad row is listed with
  its line number and reason.
- Idempotent: importing the same file again changes nothing (unchanged people are not
  saved, so no history rows appear either).
- Everyone imported gets the staff role; someone inactive who is in the file again is
  reactivated.
- A department change is a transfer (人事異動) dated `effective_on` (the 異動日; today
  when not given): the person's department history gets a period from that day
  (`careers.transfer_apply`). A row whose 異動日 would not come after the start of the
  person's current period is refused like any bad row.
- With `full_roster`, active staff (a 職員番号 and the staff role) missing from the file
  are deactivated, never deleted; their 退職日 (`left_on`) is the day before
  `effective_on` (their last day). The person importing is never deactivated (they would
  lock themselves out); the result says so.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..exceptions import CareerChangeRefused
from ..models import AuditAction, Department, Grade, NameChange, User
from ..roles import Role
from .careers import transfer_apply, transfer_check
from .roster_files import (
    EMPLOYEE_NUMBER,
    FIELD_LABELS,
    GRADE_NAMES,
    KATAKANA,
    REQUIRED,
    PersonChange,
    RosterResult,
    RosterRow,
    RowError,
)


def _to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _parse_grade(text: str) -> int | None:
    key = text.replace(" ", "").replace("･", "・")
    if key in GRADE_NAMES:
        return GRADE_NAMES[key]
    try:
        number = int(float(key))
    except (ValueError, OverflowError):  # "abc", "nan"; "1e400" is infinite
        return None
    return number if number in Grade.values else None


def _clean_row(row: RosterRow, departments: dict[str, Department]) -> tuple[dict, list[str]]:
    v = row.values
    errors: list[str] = []
    for name in REQUIRED:
        if not v[name]:
            errors.append(_("「%(column)s」が空です。") % {"column": FIELD_LABELS[name]})
    clean: dict = {}
    number = v["employee_number"]
    if number and not EMPLOYEE_NUMBER.match(number):
        errors.append(
            _("職員番号「%(value)s」は半角英数字20文字以内で入力してください。") % {"value": number}
        )
    clean["employee_number"] = number
    for name in ("last_name", "first_name"):
        if len(v[name]) > 50:
            errors.append(
                _("「%(column)s」が長すぎます（50文字まで）。") % {"column": FIELD_LABELS[name]}
            )
        clean[name] = v[name]
    for name in ("last_name_kana", "first_name_kana"):
        kana = _to_katakana(v[name])
        if kana and not KATAKANA.match(kana):
            errors.append(
                _("「%(column)s」はカタカナで入力してください（%(value)s）。")
                % {"column": FIELD_LABELS[name], "value": v[name]}
            )
        elif len(kana) > 50:
            errors.append(
                _("「%(column)s」が長すぎます（50文字まで）。") % {"column": FIELD_LABELS[name]}
            )
        clean[name] = kana
    code = v["department"]
    if code:
        if code not in departments:
            errors.append(_("所属コード「%(value)s」は登録されていません。") % {"value": code})
        clean["department"] = departments.get(code)
    if v["grade"]:
        grade = _parse_grade(v["grade"])
        if grade is None:
            errors.append(_("職位「%(value)s」が分かりません。") % {"value": v["grade"]})
        clean["grade"] = grade
    email = v["email"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("メールアドレス「%(value)s」の形式が正しくありません。") % {"value": email}
            )
    clean["email"] = email
    return clean, errors


def _plan(
    rows: list[RosterRow], *, full_roster: bool, by, lock: bool, effective_on
) -> tuple[RosterResult, list]:
    """Validate every row and work out the changes. Returns the result and the actions."""
    result = RosterResult(total=len(rows))
    departments = {d.code: d for d in Department.objects.all()}
    numbers = [r.values["employee_number"] for r in rows if r.values["employee_number"]]
    users = User.objects.filter(employee_number__in=numbers).prefetch_related("groups")
    if lock:
        users = users.select_for_update(of=("self",))
    existing = {u.employee_number: u for u in users}
    emails_in_file = [r.values["email"].lower() for r in rows if r.values["email"]]
    holders = User.objects.annotate(e=Lower("email")).filter(e__in=emails_in_file)
    if lock:
        holders = holders.select_for_update(of=("self",))
    holder_by_email = {u.e: u for u in holders}
    email_owner = {e: u.employee_number for e, u in holder_by_email.items()}
    # Addresses people set themselves on allauth's e-mail page (before HR owned them):
    # the roster takes them back instead of refusing the import (finding 11, issue #9).
    self_set = {
        (user_id, email.lower())
        for user_id, email in EmailAddress.objects.filter(
            user__in=list(holder_by_email.values())
        ).values_list("user_id", "email")
    }
    file_email = {
        r.values["employee_number"]: r.values["email"].lower()
        for r in rows
        if r.values["employee_number"]
    }
    released: dict[int, User] = {}
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    actions = []
    for row in rows:
        clean, errors = _clean_row(row, departments)
        number = clean["employee_number"]
        if number in seen_numbers:
            errors.append(
                _("職員番号「%(value)s」が%(line)s行目と重複しています。")
                % {"value": number, "line": seen_numbers[number]}
            )
        elif number:
            seen_numbers[number] = row.line
        email = clean["email"].lower()
        if email:
            if email in seen_emails:
                errors.append(
                    _("メールアドレス「%(value)s」が%(line)s行目と重複しています。")
                    % {"value": clean["email"], "line": seen_emails[email]}
                )
            else:
                seen_emails[email] = row.line
            owner = email_owner.get(email, number)
            holder = holder_by_email.get(email)
            if owner != number and owner and file_email.get(owner, email) not in ("", email):
                pass  # the file moves the address from its holder, who gets another one
            elif owner != number and holder is not None and _gives_way(holder, email, self_set):
                released[holder.pk] = holder
            elif owner != number:
                errors.append(
                    _("メールアドレス「%(value)s」は他の職員（職員番号 %(owner)s）が使っています。")
                    % {"value": clean["email"], "owner": owner or "—"}
                )
        if errors:
            result.errors.append(RowError(row.line, number, errors))
            continue
        name = f"{clean['last_name']} {clean['first_name']}"
        user = existing.get(number)
        if user is None:
            result.created.append(PersonChange(number, name))
            actions.append(("create", None, clean))
            continue
        changes = {}
        for key in ("last_name", "first_name", "last_name_kana", "first_name_kana", "grade"):
            if getattr(user, key) != clean[key]:
                changes[key] = (getattr(user, key), clean[key])
        if user.department_id != clean["department"].pk:
            try:
                transfer_check(user=user, department=clean["department"], on=effective_on)
            except CareerChangeRefused as error:
                result.errors.append(RowError(row.line, number, [str(error)]))
                continue
            changes["department"] = (user.department_id and user.department, clean["department"])
        if clean["email"] and user.email != clean["email"]:
            changes["email"] = (user.email, clean["email"])
        if not user.is_active:
            changes["is_active"] = (False, True)
        needs_role = Role.STAFF.value not in {g.name for g in user.groups.all()}
        if changes or needs_role:
            described = [
                f"{FIELD_LABELS[k]}: {_display(k, old)} → {_display(k, new)}"
                for k, (old, new) in changes.items()
            ]
            if needs_role:
                described.append(_("役割：職員を追加"))
            result.updated.append(PersonChange(number, name, described))
            actions.append(("update", user, clean | {"_changes": changes, "_role": needs_role}))
        else:
            result.unchanged += 1
    for holder in released.values():
        change = PersonChange(
            holder.employee_number,
            holder.full_name,
            [
                _("メールアドレス: %(old)s → —（本人が設定したアドレスのため名簿を優先）")
                % {"old": holder.email}
            ],
        )
        result.updated.append(change)
        actions.insert(0, ("release_email", holder, {}))
    if full_roster and not result.errors:
        missing = (
            User.objects.filter(is_active=True, groups__name=Role.STAFF.value)
            .exclude(employee_number__isnull=True)
            .exclude(employee_number__in=seen_numbers)
            .order_by("employee_number")
        )
        if lock:
            missing = missing.select_for_update(of=("self",))
        for user in missing:
            change = PersonChange(user.employee_number, user.full_name)
            if by is not None and user.pk == by.pk:
                result.kept_active.append(change)
                continue
            result.deactivated.append(change)
            actions.append(("deactivate", user, {}))
    return result, actions


NAME_FIELDS = {"last_name", "first_name", "last_name_kana", "first_name_kana"}


def _record_name_change(user: User, clean: dict, *, on, by) -> None:
    """A name the roster changes is a dated name change (the roster carries the name used
    at work, so no 旧姓 use): issued 認定証 keep the name they were issued in."""
    change = NameChange(
        user=user,
        changed_on=on,
        uses_maiden_name_at_work=False,
        recorded_by=by,
        **{f"old_{key}": getattr(user, key) for key in NAME_FIELDS},
        **{f"new_{key}": clean[key] for key in NAME_FIELDS},
    )
    change._history_user = by
    change.save()


def _gives_way(holder: User, email: str, self_set: set) -> bool:
    """A staff member's address gives way to the roster when they set it themselves
    (it is on allauth's e-mail list) and they keep a login id (their 職員番号)."""
    return bool(holder.employee_number) and (holder.pk, email) in self_set


def _display(key: str, value) -> str:
    if value in (None, ""):
        return "—"
    if key == "grade":
        return str(Grade(value).label)
    if key == "is_active":
        return _("有効") if value else _("無効")
    return str(value)


def roster_import(
    *,
    rows: list[RosterRow],
    full_roster: bool,
    dry_run: bool,
    by: User | None = None,
    request: HttpRequest | None = None,
    effective_on=None,
) -> RosterResult:
    """Validate the roster rows and (unless `dry_run`) apply them in one transaction.

    Returns what was (or would be) created, updated, left unchanged and deactivated, or,
    when any row is bad, the list of bad rows and no change at all. An applied import is
    recorded in the 操作ログ in the same transaction (`request` gives the client address).
    `effective_on`: the 異動日 of the department changes (default today).
    """
    effective_on = effective_on or timezone.localdate()
    with transaction.atomic():
        result, actions = _plan(
            rows, full_roster=full_roster, by=by, lock=not dry_run, effective_on=effective_on
        )
        if dry_run or result.errors:
            return result
        staff_group = Group.objects.get(name=Role.STAFF.value)
        # Addresses move between people (a swap, or one taken back from its holder): free
        # every address that changes first, so no moment has one address twice.
        moving = [
            user.pk
            for kind, user, clean in actions
            if kind == "release_email" or (kind == "update" and "email" in clean["_changes"])
        ]
        if moving:
            User.objects.filter(pk__in=moving).update(email="")
        released = {user.pk for kind, user, _clean in actions if kind == "release_email"}
        transferred = 0
        for kind, user, clean in actions:
            if kind == "release_email":
                EmailAddress.objects.filter(user=user, email__iexact=user.email).delete()
                user.email = ""
                user._history_user = by
                user.save(update_fields=["email"])
            elif kind == "create":
                user = User(
                    employee_number=clean["employee_number"],
                    email=clean["email"],
                    last_name=clean["last_name"],
                    first_name=clean["first_name"],
                    last_name_kana=clean["last_name_kana"],
                    first_name_kana=clean["first_name_kana"],
                    department=clean["department"],
                    grade=clean["grade"],
                )
                user.set_unusable_password()  # they sign in after a password reset
                user.full_clean()
                user._history_user = by
                user.save()
                user.groups.add(staff_group)
            elif kind == "update":
                moved = clean["_changes"].pop("department", None)
                if moved is not None:
                    transfer_apply(user=user, department=moved[1], on=effective_on, by=by)
                    transferred += 1
                if NAME_FIELDS & clean["_changes"].keys():
                    _record_name_change(user, clean, on=effective_on, by=by)
                for key, (_old, new) in clean["_changes"].items():
                    setattr(user, key, new)
                if "is_active" in clean["_changes"]:
                    user.left_on = None
                if user.pk in released:
                    user.email = ""  # taken back above; this row gives no address
                if clean["_changes"]:
                    user.full_clean(exclude=["password"])
                    user._history_user = by
                    user.save()
                if clean["_role"]:
                    user.groups.add(staff_group)
            else:  # deactivate: never delete, their history and evaluations stay
                user.is_active = False
                user.left_on = effective_on - datetime.timedelta(days=1)
                user._history_user = by
                user.save(update_fields=["is_active", "left_on"])
        result.applied = True
        audit_record(
            actor=by,
            action=AuditAction.ROSTER_IMPORT,
            request=request,
            detail={
                "full_roster": full_roster,
                "rows": result.total,
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": result.unchanged,
                "deactivated": len(result.deactivated),
                "transferred": transferred,
                "effective_on": effective_on,
            },
        )
    return result


# --- roles -------------------------------------------------------------------------------
