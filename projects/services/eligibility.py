"""Who may propose or join a team now: the recruitment window and the applicant."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from accounts.fiscal import wareki_date
from accounts.models import Grade, User

from ..exceptions import (
    AlreadyInTeam,
    GradeAboveLimit,
    NotAllowed,
    OutsideRecruitmentWindow,
    WrongState,
)
from ..models import Membership, Project
from ._common import _today


def recruitment_is_open(project: Project, *, today: datetime.date | None = None) -> bool:
    day = _today(today)
    return (
        project.status == Project.Status.RECRUITING
        and project.recruitment_starts_on <= day <= project.recruitment_ends_on
    )


def check_recruitment_open(project: Project, *, today: datetime.date | None = None) -> None:
    """Refuse unless the project is recruiting and today is inside its window."""
    if project.status != Project.Status.RECRUITING:
        raise WrongState(
            _("このプロジェクトは募集中ではありません（現在：%(status)s）。")
            % {"status": project.get_status_display()},
            code="not_recruiting",
        )
    day = _today(today)
    if not project.recruitment_starts_on <= day <= project.recruitment_ends_on:
        raise OutsideRecruitmentWindow(
            _("募集期間外です（募集期間：%(start)s〜%(end)s）。")
            % {
                "start": wareki_date(project.recruitment_starts_on),
                "end": wareki_date(project.recruitment_ends_on),
            },
            code="outside_window",
        )


def check_eligible(project: Project, user: User, *, today: datetime.date | None = None) -> None:
    """Refuse unless `user` may propose or join a team of `project` now: recruiting, inside
    the window, grade at most the project's limit, not already live in one of its teams."""
    check_recruitment_open(project, today=today)
    if not user.is_active or not user.employee_number:
        raise NotAllowed(_("職員のみ応募できます。"), code="not_staff")
    if user.grade is None or user.grade > project.max_grade:
        raise GradeAboveLimit(
            _("職位が応募できる上限（%(grade)s）を超えているため応募できません。")
            % {"grade": Grade(project.max_grade).label},
            code="grade",
        )
    if Membership.objects.filter(project=project, user=user, status__in=Membership.LIVE).exists():
        raise AlreadyInTeam(code="already_in_team")
