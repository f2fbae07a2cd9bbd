"""Who may propose or join a team now: the recruitment window and the applicant."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from accounts.fiscal import date_label
from accounts.models import Grade, User

from ..exceptions import (
    AlreadyInTeam,
    GradeAboveLimit,
    NotAllowed,
    OutsideRecruitmentWindow,
    WrongState,
)
from ..models import Membership, Project, Team
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
                "start": date_label(project.recruitment_starts_on),
                "end": date_label(project.recruitment_ends_on),
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


def is_party_to_team(user, team: Team) -> bool:
    """The person proposed, leads, joined or applied to the team (any status): they are
    a party to every decision about it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(team_id=team.pk, user=user).exists()


def fiscal_year_is_fixed(project: Project) -> bool:
    """A project's 年度 is fixed once its first report meeting is scheduled or its
    leadership window exists: evidence is judged by 年度 ("the following year", "two
    consecutive years"). The relations are the evaluations app's, reached by name only."""
    if project.pk is None:
        return False
    return project.meetings.exists() or hasattr(project, "leadership_window")


def refuse_own_team(by, team: Team) -> None:
    """Nobody approves or rejects a team, or an application to it, that they are party to."""
    if is_party_to_team(by, team):
        raise NotAllowed(_("自分が参加するチームは承認・却下できません。"), code="own_team")
