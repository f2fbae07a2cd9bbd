"""Workshops (研修) and their attendance."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..exceptions import InvalidData, WrongState
from ..models import Attendance, Membership, Project, Team, Workshop
from ._common import _full_clean, _lock_project
from .hours import note_over_cap


def workshop_create(
    *, project: Project, held_on: datetime.date, topic: str, hours: Decimal = Decimal(2)
) -> Workshop:
    """Schedule a workshop (研修) of a project that is not closed."""
    with transaction.atomic():
        locked = _lock_project(project)
        if locked.status in (Project.Status.DRAFT, Project.Status.CLOSED):
            raise WrongState(
                _("このプロジェクトには研修を登録できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="project_state",
            )
        workshop = Workshop(project=locked, held_on=held_on, topic=topic, hours=Decimal(hours))
        _full_clean(workshop)
        workshop.save()
    return workshop


def attendance_record(
    *, workshop: Workshop, by: User, attended_user_ids: Iterable[int]
) -> list[Attendance]:
    """Record who attended: every approved member of the project's approved teams gets a
    row, attended or not. Ids that are not such members are refused (nothing saved).
    Idempotent: recording the same set again changes nothing."""
    wanted = {int(pk) for pk in attended_user_ids}
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().select_related("project").get(pk=workshop.pk)
        if locked.project.status in (Project.Status.DRAFT, Project.Status.CLOSED):
            raise WrongState(_("このプロジェクトの出欠は記録できません。"), code="project_state")
        members = set(
            Membership.objects.filter(
                project=locked.project,
                status=Membership.Status.APPROVED,
                team__status=Team.Status.APPROVED,
            ).values_list("user_id", flat=True)
        )
        if wanted - members:
            raise InvalidData(
                _("このプロジェクトのメンバーではない職員が含まれています。"), code="not_member"
            )
        existing = {a.user_id: a for a in Attendance.objects.filter(workshop=locked)}
        result = []
        for user_id in sorted(members):
            attended = user_id in wanted
            row = existing.get(user_id)
            if row is None:
                row = Attendance.objects.create(
                    workshop=locked, user_id=user_id, attended=attended, recorded_by=by
                )
            elif row.attended != attended:
                row.attended = attended
                row.recorded_by = by
                row.save(update_fields=["attended", "recorded_by", "recorded_at"])
            result.append(row)
        # A workshop can push an attendee's week over the project's cap (issue 12).
        for user_id in sorted(wanted):
            note_over_cap(user_id=user_id, project=locked.project, day=locked.held_on)
    return result
