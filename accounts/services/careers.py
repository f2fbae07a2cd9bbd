"""Writes of a person's career (issue #14): transfers (人事異動), name changes and the
anonymisation of leavers' personal data after the retention period.

- `transfer`: a dated department change. It closes the person's open period the day
  before and opens one from `on`; the first transfer of someone without history records
  their department until then as a period of unknown start. Dates only move forward
  (a transfer on or before the start of the current period is refused) and never into
  the future (the portal's `department` is the department today).
- `name_change_record`: HR records a new legal name with its date and whether the
  person keeps using the 旧姓 at work; the portal's name (display, reading order,
  認定証) follows the name used at work.
- `leavers_to_anonymise` / `leavers_anonymise`: people who left more than
  `PERSONAL_DATA_RETENTION_YEARS` ago lose the personal data the certification does not
  need, in their rows and in the history rows (simple_history); the 操作ログ keeps
  what was done.

See docs/decisions/0023-careers.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..exceptions import CareerChangeRefused
from ..fiscal import date_label
from ..models import AuditAction, Department, DepartmentAssignment, NameChange, User
from ..validators import contains_nul
from .roster_files import KATAKANA

NAME_FIELDS = ("last_name", "first_name", "last_name_kana", "first_name_kana")

# --- transfers ---------------------------------------------------------------------------


def transfer_check(*, user: User, department: Department, on: datetime.date) -> None:
    """Raise `CareerChangeRefused` when `user` cannot move to `department` on `on`."""
    if department is None:
        raise CareerChangeRefused(_("異動先の所属を選んでください。"))
    if on > timezone.localdate():
        raise CareerChangeRefused(
            _("異動日に未来の日付は指定できません（異動日以降に登録してください）。")
        )
    if user.department_id == department.pk:
        raise CareerChangeRefused(_("既にその所属です。"))
    current = (
        DepartmentAssignment.objects.filter(user=user, ends_on__isnull=True)
        .only("starts_on")
        .first()
    )
    if current is not None and current.starts_on is not None and on <= current.starts_on:
        raise CareerChangeRefused(
            _("異動日は現在の所属の開始日（%(day)s）より後の日付にしてください。")
            % {"day": date_label(current.starts_on)}
        )


def transfer_apply(
    *, user: User, department: Department, on: datetime.date, by: User | None
) -> DepartmentAssignment:
    """The writes of a transfer, in the caller's transaction with `user` locked (the
    roster import moves many people in one transaction and one audit entry)."""
    transfer_check(user=user, department=department, on=on)
    current = DepartmentAssignment.objects.filter(user=user, ends_on__isnull=True).first()
    if current is not None:
        current.ends_on = on - datetime.timedelta(days=1)
        current._history_user = by
        current.save(update_fields=["ends_on"])
    elif user.department_id is not None:
        opening = DepartmentAssignment(
            user=user,
            department_id=user.department_id,
            starts_on=None,
            ends_on=on - datetime.timedelta(days=1),
        )
        opening._history_user = by
        opening.save()
    assignment = DepartmentAssignment(user=user, department=department, starts_on=on)
    assignment._history_user = by
    assignment.save()
    user.department = department
    user._history_user = by
    user.save(update_fields=["department"])
    return assignment


def transfer(
    *,
    user: User,
    department: Department,
    on: datetime.date,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> DepartmentAssignment:
    """Move `user` to `department` from `on` (異動日), recorded in the 操作ログ."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = locked.department
        assignment = transfer_apply(user=locked, department=department, on=on, by=by)
        audit_record(
            actor=by,
            action=AuditAction.TRANSFER,
            target=locked,
            request=request,
            detail={
                "on": on,
                "from": before.code if before else None,
                "to": department.code,
            },
        )
    user.department = department
    return assignment


# --- name changes ------------------------------------------------------------------------


def _clean_names(values: dict[str, str]) -> dict[str, str]:
    names = {key: (values.get(key) or "").strip() for key in NAME_FIELDS}
    if not names["last_name"] or not names["first_name"]:
        raise CareerChangeRefused(_("新しい姓と名を入力してください。"))
    if not names["last_name_kana"] or not names["first_name_kana"]:
        raise CareerChangeRefused(_("新しいセイとメイを入力してください。"))
    for key, value in names.items():
        if contains_nul(value):
            raise CareerChangeRefused(_("使用できない文字（NUL文字）が含まれています。"))
        if len(value) > 50:
            raise CareerChangeRefused(_("氏名とフリガナは50文字以内で入力してください。"))
        if key.endswith("_kana"):
            kana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in value)
            if not KATAKANA.match(kana):
                raise CareerChangeRefused(_("フリガナは全角カタカナで入力してください。"))
            names[key] = kana
    return names


def name_change_record(
    *,
    user: User,
    changed_on: datetime.date,
    uses_maiden_name_at_work: bool,
    by: User | None = None,
    request: HttpRequest | None = None,
    **new_names: str,
) -> NameChange:
    """Record `user`'s new legal name (`last_name`, `first_name`, `last_name_kana`,
    `first_name_kana`) from `changed_on`. Unless they keep the 旧姓 at work, the
    portal's name becomes the new one (so the reading order follows the new reading)."""
    names = _clean_names(new_names)
    if changed_on > timezone.localdate():
        raise CareerChangeRefused(_("変更日に未来の日付は指定できません。"))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        last = locked.name_changes.order_by("-changed_on", "-pk").first()
        if last is not None and changed_on < last.changed_on:
            raise CareerChangeRefused(
                _("変更日は前回の氏名の変更（%(day)s）以降の日付にしてください。")
                % {"day": date_label(last.changed_on)}
            )
        same = all(getattr(locked, key) == names[key] for key in NAME_FIELDS)
        if same and not uses_maiden_name_at_work:
            raise CareerChangeRefused(_("新しい氏名が現在の氏名と同じです。"))
        change = NameChange(
            user=locked,
            changed_on=changed_on,
            uses_maiden_name_at_work=uses_maiden_name_at_work,
            recorded_by=by,
            **{f"old_{key}": getattr(locked, key) for key in NAME_FIELDS},
            **{f"new_{key}": value for key, value in names.items()},
        )
        change._history_user = by
        change.save()
        if not uses_maiden_name_at_work and not same:
            for key, value in names.items():
                setattr(locked, key, value)
            locked._history_user = by
            locked.save(update_fields=list(NAME_FIELDS))
        audit_record(
            actor=by,
            action=AuditAction.NAME_CHANGE,
            target=locked,
            request=request,
            detail={"changed_on": changed_on, "uses_maiden_name_at_work": uses_maiden_name_at_work},
        )
    for key in NAME_FIELDS:
        setattr(user, key, getattr(locked, key))
    return change


# --- leavers: anonymisation after the retention period -----------------------------------

#: What replaces a leaver's name when nothing of theirs needs it (no certification).
ANONYMISED_LAST_NAME = "匿名化済み"


@dataclass
class AnonymiseResult:
    people: list[User] = field(default_factory=list)
    applied: bool = False


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    """People who left on or before this day are past the retention period."""
    today = today or timezone.localdate()
    years = settings.PERSONAL_DATA_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def leavers_to_anonymise(today: datetime.date | None = None):
    """Inactive people who left on or before the cutoff and are not anonymised yet."""
    return (
        User.objects.filter(
            is_active=False,
            is_superuser=False,
            anonymised_at__isnull=True,
            left_on__isnull=False,
            left_on__lte=retention_cutoff(today),
        )
        .select_related("department")
        .order_by("left_on", "employee_number", "pk")
    )


def _anonymised_values(user: User, keeps_name: bool) -> dict:
    values = {
        # Someone without a 職員番号 (an external expert) needs a login id to exist at all
        # (`user_has_login_id`): a reserved address that can never be delivered.
        "email": "" if user.employee_number else f"anonymised-{user.pk}@anonymised.invalid",
        "last_name_kana": "",
        "first_name_kana": "",
        "affiliation": "",
    }
    if not keeps_name:
        values |= {"last_name": ANONYMISED_LAST_NAME, "first_name": f"#{user.pk}"}
    return values


def holds_certification(user: User) -> bool:
    """Whether the person has any certification (held or revoked): the public verify page
    of each shows the holder's name, so the name stays. Read through the reverse relation
    (the certification app sits above accounts and is not imported here)."""
    related = getattr(user, "certifications", None)
    return related is not None and related.exists()


def leavers_anonymise(
    *,
    dry_run: bool,
    by: User | None = None,
    today: datetime.date | None = None,
    keeps_name=holds_certification,
) -> AnonymiseResult:
    """Preview (`dry_run`) or anonymise the leavers past the retention period.

    Blanked: e-mail, reading (kana), company, the names in their name-change records,
    their e-mail addresses, authenticators and directory links; the same fields in every
    history row of theirs. Their name too, unless `keeps_name(user)` (by default: they
    have a certification, whose public verify page shows the holder's name).
    Kept: 職員番号 (personnel records and the 操作ログ refer to it), department, grade,
    dates, project, evaluation and certification records. One 操作ログ entry per person.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    result = AnonymiseResult(people=list(leavers_to_anonymise(today)))
    if dry_run or not result.people:
        return result
    now = timezone.now()
    with transaction.atomic():
        for user in result.people:
            values = _anonymised_values(user, keeps_name(user))
            User.objects.filter(pk=user.pk).update(anonymised_at=now, **values)
            User.history.filter(id=user.pk).update(**values)
            blank = {f"{age}_{key}": "" for age in ("old", "new") for key in NAME_FIELDS}
            NameChange.objects.filter(user=user).update(**blank)
            NameChange.history.filter(user_id=user.pk).update(**blank)
            EmailAddress.objects.filter(user=user).delete()
            Authenticator.objects.filter(user=user).delete()
            SocialAccount.objects.filter(user=user).delete()
            user.refresh_from_db()
            user.set_unusable_password()
            user.save(update_fields=["password"])
            audit_record(
                actor=by,
                action=AuditAction.ANONYMISE,
                target=user,
                detail={
                    "employee_number": user.employee_number,
                    "left_on": user.left_on,
                    "name_kept": "last_name" not in values,
                },
            )
        result.applied = True
    return result
