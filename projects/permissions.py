"""Object-level predicates of the projects app, used by views and templates alike.
Role predicates live in `accounts.permissions`."""

from __future__ import annotations

import datetime

from accounts.permissions import is_city_staff, is_organiser, is_programme_admin

from . import services
from .exceptions import AlreadyInTeam, ProjectError
from .models import Membership, Project, Team
from .services.eligibility import fiscal_year_is_fixed, is_party_to_team

__all__ = [
    "can_apply",
    "can_decide_on_team",
    "can_edit_worksheet",
    "can_manage_projects",
    "can_propose_team",
    "can_see_project",
    "can_see_staff_pages",
    "can_withdraw",
    "team_takes_applications",
    "propose_refusal",
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


def team_takes_applications(team: Team) -> bool:
    """The team is proposed or approved and has a free place (no query)."""
    return (
        team.status in (Team.Status.PROPOSED, Team.Status.APPROVED)
        and team.member_count < team.max_size
    )


def propose_refusal(user, project: Project, *, today: datetime.date | None = None) -> str:
    """Why `user` may neither propose nor join a team of a recruiting `project` (e.g. the
    grade limit), from the same check as `can_propose_team`; "" when nothing stops them,
    when they already are in a team (the page says so), or when it is not recruiting."""
    if project.status != Project.Status.RECRUITING or not can_see_staff_pages(user):
        return ""
    try:
        services.check_eligible(project, user, today=today)
    except AlreadyInTeam:
        return ""
    except ProjectError as error:
        return str(error)
    return ""


def can_apply(user, team: Team, *, today: datetime.date | None = None) -> bool:
    """`user` may apply to `team` now. On a page listing many teams of one project, ask
    `can_propose_team` once and `team_takes_applications` per team instead."""
    return team_takes_applications(team) and can_propose_team(user, team.project, today=today)


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


def can_decide_on_team(user, team: Team) -> bool:
    """Approving or rejecting a team or an application to it is the organiser's, and
    never for a team the organiser is a party to (nobody approves their own team or
    application)."""
    return can_manage_projects(user) and not is_party_to_team(user, team)
