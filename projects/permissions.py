"""Object-level predicates of the projects app, used by views and templates alike.
Role predicates live in `accounts.permissions`."""

from __future__ import annotations

import datetime

from accounts.permissions import is_city_staff, is_organiser, is_programme_admin

from . import services
from .exceptions import ProjectError
from .models import Membership, Project, Team

__all__ = [
    "can_apply",
    "can_decide_on_team",
    "can_edit_worksheet",
    "can_manage_projects",
    "can_propose_team",
    "can_see_project",
    "can_see_staff_pages",
    "can_withdraw",
    "fiscal_year_is_fixed",
    "is_party_to_team",
]


def can_see_staff_pages(user) -> bool:
    """City staff (not external experts) use the project pages."""
    return is_city_staff(user)


def can_manage_projects(user) -> bool:
    """The organiser runs the programme: projects, approvals, workshops."""
    return is_organiser(user)


def can_see_project(user, project: Project) -> bool:
    """Staff see every project that is no longer a draft; the programme's admins see all."""
    if is_programme_admin(user):
        return True
    return can_see_staff_pages(user) and project.status != Project.Status.DRAFT


def can_propose_team(user, project: Project, *, today: datetime.date | None = None) -> bool:
    try:
        services.check_eligible(project, user, today=today)
    except ProjectError:
        return False
    return can_see_staff_pages(user)


def can_apply(user, team: Team, *, today: datetime.date | None = None) -> bool:
    if team.status not in (Team.Status.PROPOSED, Team.Status.APPROVED):
        return False
    if team.member_count >= team.max_size:
        return False
    return can_propose_team(user, team.project, today=today)


def can_withdraw(user, membership: Membership, *, today: datetime.date | None = None) -> bool:
    """The person themself, while recruitment is open; a leader only while the team is
    still waiting for approval (withdrawing it withdraws the team)."""
    if membership.user_id != getattr(user, "pk", None):
        return False
    if membership.status not in Membership.LIVE:
        return False
    if membership.role == Membership.Role.LEADER and membership.team.status != Team.Status.PROPOSED:
        return False
    return services.recruitment_is_open(membership.team.project, today=today)


def can_edit_worksheet(user, team: Team) -> bool:
    """Approved members (and the leader) of an approved team, while the project is in
    progress."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        services.check_can_edit_worksheet(team=team, user=user)
    except ProjectError:
        return False
    return True


# --- separation of duties (issue #9) ---------------------------------------------------------


def is_party_to_team(user, team: Team) -> bool:
    """The person proposed, leads, joined or applied to the team (any status): they are
    a party to every decision about it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(team_id=team.pk, user=user).exists()


def can_decide_on_team(user, team: Team) -> bool:
    """Approving or rejecting a team or an application to it is the organiser's, and
    never for a team the organiser is a party to (nobody approves their own team or
    application)."""
    return can_manage_projects(user) and not is_party_to_team(user, team)


def fiscal_year_is_fixed(project: Project) -> bool:
    """A project's 年度 is fixed once its first report meeting is scheduled or its
    leadership window exists: evidence is judged by 年度 ("the following year", "two
    consecutive years"). The relations are the evaluations app's, reached by name only."""
    if project.pk is None:
        return False
    return project.meetings.exists() or hasattr(project, "leadership_window")
