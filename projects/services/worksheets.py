"""The team's worksheet and its measured effects."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..exceptions import (
    InvalidData,
    NotAllowed,
    WrongState,
)
from ..models import MeasuredEffect, Membership, Project, Team, Worksheet
from ._common import _full_clean, _lock_team

WORKSHEET_FIELDS = ("problem", "cause", "solution", "effect", "as_is", "to_be", "can_be")


def _is_approved_member(team: Team, user: User) -> bool:
    """Uses the team's prefetched memberships when a page already loaded them."""
    cache = getattr(team, "_prefetched_objects_cache", {})
    if "memberships" in cache:
        return any(
            m.user_id == user.pk and m.status == Membership.Status.APPROVED
            for m in cache["memberships"]
        )
    return Membership.objects.filter(
        team=team, user=user, status=Membership.Status.APPROVED
    ).exists()


def check_can_edit_worksheet(*, team: Team, user: User) -> None:
    """Refuse unless `user` is an approved member (or the leader) of the approved `team`
    and its project is in progress."""
    if team.status != Team.Status.APPROVED or not _is_approved_member(team, user):
        raise NotAllowed(
            _("ワークシートを編集できるのは承認済みチームのメンバーだけです。"),
            code="not_member",
        )
    if team.project.status != Project.Status.IN_PROGRESS:
        raise WrongState(
            _("ワークシートはプロジェクトの実施中のみ編集できます。"), code="not_in_progress"
        )


def worksheet_update(*, team: Team, by: User, **fields: str) -> Worksheet:
    """Save the team's worksheet texts (any of WORKSHEET_FIELDS). The history records who
    changed what and when; an unchanged submission writes nothing."""
    unknown = set(fields) - set(WORKSHEET_FIELDS)
    if unknown:
        raise InvalidData(_("変更できない項目です：%(fields)s") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        locked_team = _lock_team(team)
        check_can_edit_worksheet(team=locked_team, user=by)
        worksheet, _created = Worksheet.objects.select_for_update().get_or_create(team=locked_team)
        changed = [name for name, value in fields.items() if getattr(worksheet, name) != value]
        if not changed:
            return worksheet
        for name in changed:
            setattr(worksheet, name, fields[name])
        worksheet.updated_by = by
        _full_clean(worksheet)
        worksheet._history_user = by
        worksheet.save()
    return worksheet


def _effect_values(label: str, unit: str, before: Decimal, after: Decimal, order: int):
    return {
        "label": label,
        "unit": unit,
        "before": Decimal(before),
        "after": Decimal(after),
        "order": order,
    }


def measured_effect_add(
    *,
    team: Team,
    by: User,
    label: str,
    unit: str,
    before: Decimal,
    after: Decimal,
    order: int | None = None,
) -> MeasuredEffect:
    """Add a measured effect (e.g. 年間作業時間 1,200 → 300 時間) to the team's worksheet."""
    with transaction.atomic():
        locked_team = _lock_team(team)
        check_can_edit_worksheet(team=locked_team, user=by)
        worksheet, _created = Worksheet.objects.select_for_update().get_or_create(team=locked_team)
        if order is None:
            order = worksheet.effects.count() + 1
        effect = MeasuredEffect(
            worksheet=worksheet, **_effect_values(label, unit, before, after, order)
        )
        _full_clean(effect)
        effect._history_user = by
        effect.save()
    return effect


def measured_effect_update(
    *,
    effect: MeasuredEffect,
    by: User,
    label: str,
    unit: str,
    before: Decimal,
    after: Decimal,
    order: int | None = None,
) -> MeasuredEffect:
    with transaction.atomic():
        locked = (
            MeasuredEffect.objects.select_for_update()
            .select_related("worksheet__team__project")
            .get(pk=effect.pk)
        )
        check_can_edit_worksheet(team=locked.worksheet.team, user=by)
        values = _effect_values(label, unit, before, after, order or locked.order)
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, values[key])
        _full_clean(locked)
        locked._history_user = by
        locked.save()
    return locked


def measured_effect_delete(*, effect: MeasuredEffect, by: User) -> None:
    with transaction.atomic():
        locked = (
            MeasuredEffect.objects.select_for_update()
            .select_related("worksheet__team__project")
            .filter(pk=effect.pk)
            .first()
        )
        if locked is None:
            return
        check_can_edit_worksheet(team=locked.worksheet.team, user=by)
        locked._history_user = by
        locked.delete()
