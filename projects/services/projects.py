"""Projects: create, update, and move one step through their states."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Grade, User

from ..exceptions import InvalidData, WrongState
from ..models import Membership, Project, Team
from ._common import _full_clean, _lock_project
from .eligibility import fiscal_year_is_fixed

# The only moves a project makes, one step forward at a time.
TRANSITIONS: dict[str, str] = {
    Project.Status.DRAFT: Project.Status.RECRUITING,
    Project.Status.RECRUITING: Project.Status.IN_PROGRESS,
    Project.Status.IN_PROGRESS: Project.Status.REPORTING,
    Project.Status.REPORTING: Project.Status.CLOSED,
}

PROJECT_FIELDS = (
    "fiscal_year",
    "title",
    "description",
    "recruitment_starts_on",
    "recruitment_ends_on",
    "max_grade",
    "team_size_min",
    "team_size_max",
    "coaching_vendor",
    "requires_head_consent",
    "weekly_hours_cap",
)


def project_create(
    *,
    by: User,
    fiscal_year: int,
    title: str,
    recruitment_starts_on: datetime.date,
    recruitment_ends_on: datetime.date,
    description: str = "",
    max_grade: int = Grade.KAKARICHO,
    team_size_min: int = 3,
    team_size_max: int = 5,
    coaching_vendor: str = "",
    requires_head_consent: bool = True,
    weekly_hours_cap: Decimal | None = None,
) -> Project:
    """Create a project in draft. Staff do not see it until it is opened for recruitment."""
    project = Project(
        fiscal_year=fiscal_year,
        title=title,
        description=description,
        recruitment_starts_on=recruitment_starts_on,
        recruitment_ends_on=recruitment_ends_on,
        max_grade=max_grade,
        team_size_min=team_size_min,
        team_size_max=team_size_max,
        coaching_vendor=coaching_vendor,
        requires_head_consent=requires_head_consent,
        weekly_hours_cap=weekly_hours_cap,
        created_by=by,
    )
    _full_clean(project)
    with transaction.atomic():
        project._history_user = by
        project.save()
    return project


def project_update(*, project: Project, by: User, **fields) -> Project:
    """Change a project's settings (any of PROJECT_FIELDS). A closed project is frozen.
    Teams keep the maximum size they were proposed with; a new maximum applies to teams
    proposed afterwards."""
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise InvalidData(_("変更できない項目です：%(fields)s") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        locked = _lock_project(project)
        if locked.status == Project.Status.CLOSED:
            raise WrongState(_("終了したプロジェクトは変更できません。"), code="closed")
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        if "fiscal_year" in changed and fiscal_year_is_fixed(locked):
            raise WrongState(
                _("報告会を設定したプロジェクトの年度は変更できません。"), code="year_fixed"
            )
        for name in changed:
            setattr(locked, name, fields[name])
        _full_clean(locked)
        locked._history_user = by
        locked.save()
    return locked


def project_transition(*, project: Project, to: str, by: User) -> Project:
    """Move a project one step: draft → recruiting → in_progress → reporting → closed.

    Guards: starting the work (→ in_progress) needs at least one approved team, no team or
    application still waiting for a decision, and every approved team at its minimum size.
    Idempotent: asking for the current state changes nothing.
    """
    with transaction.atomic():
        locked = _lock_project(project)
        if locked.status == to:
            return locked
        if TRANSITIONS.get(locked.status) != to:
            label = dict(Project.Status.choices).get(to, to)
            raise WrongState(
                _("「%(current)s」から「%(target)s」には変更できません。")
                % {"current": locked.get_status_display(), "target": label},
                code="bad_transition",
            )
        if to == Project.Status.IN_PROGRESS:
            _check_ready_to_start(locked)
        locked.status = to
        locked._history_user = by
        locked.save(update_fields=["status", "updated_at"])
    return locked


def _check_ready_to_start(project: Project) -> None:
    teams = list(
        Team.objects.filter(project=project).exclude(
            status__in=[Team.Status.REJECTED, Team.Status.WITHDRAWN]
        )
    )
    if (
        any(t.status == Team.Status.PROPOSED for t in teams)
        or Membership.objects.filter(project=project, status=Membership.Status.APPLIED).exists()
    ):
        raise WrongState(
            _("承認待ちのチームまたは参加申請があります。先に承認または却下してください。"),
            code="pending",
        )
    if not teams:
        raise WrongState(_("承認済みのチームがありません。"), code="no_team")
    for team in teams:
        if team.member_count < project.team_size_min:
            raise WrongState(
                _("チーム「%(team)s」の人数が最少人数（%(min)s人）に達していません。")
                % {"team": team.name, "min": project.team_size_min},
                code="team_too_small",
            )
