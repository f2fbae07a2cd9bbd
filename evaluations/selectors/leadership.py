"""Leadership evaluation: targets of a rater, the window overview, pending raters, candidates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.models import User
from accounts.roles import Role
from projects.models import Membership, Team

from ..models import (
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
)


@dataclass
class LeadershipTarget:
    team: Team
    leader: User | None
    window: LeadershipWindow
    invited: bool
    done: bool


def leadership_targets(*, user, include_closed: bool = True) -> list[LeadershipTarget]:
    """Leaders this person may evaluate: teams in which they are an approved member
    (not the leader), and teams they were invited to, in projects with an open (or,
    with `include_closed`, closed) window. Four queries."""
    statuses = [LeadershipWindow.Status.OPEN]
    if include_closed:
        statuses.append(LeadershipWindow.Status.CLOSED)
    mine = list(
        Membership.objects.filter(user=user, status__in=Membership.LIVE).values_list(
            "team_id", "role", "status"
        )
    )
    member_team_ids = {
        t
        for t, role, status in mine
        if role == Membership.Role.MEMBER and status == Membership.Status.APPROVED
    }
    led_team_ids = {t for t, role, _status in mine if role == Membership.Role.LEADER}
    invited_team_ids = set(
        LeadershipInvitation.objects.filter(user=user).values_list("team_id", flat=True)
    )
    teams = list(
        Team.objects.filter(
            pk__in=member_team_ids | invited_team_ids,
            status=Team.Status.APPROVED,
            project__leadership_window__status__in=statuses,
        )
        .exclude(pk__in=led_team_ids)
        .select_related("project__leadership_window")
        .prefetch_related(
            _leader_prefetch(),
        )
        .order_by("-project__fiscal_year", "name")
    )
    done = set(
        Evaluation.objects.filter(
            evaluator=user, perspective=Perspective.LEADERSHIP, team__in=teams
        ).values_list("team_id", flat=True)
    )
    return [
        LeadershipTarget(
            team=t,
            leader=t.leader_memberships[0].user if t.leader_memberships else None,
            window=t.project.leadership_window,
            invited=t.pk in invited_team_ids and t.pk not in member_team_ids,
            done=t.pk in done,
        )
        for t in teams
    ]


def _leader_prefetch():
    from django.db.models import Prefetch

    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(
            role=Membership.Role.LEADER, status=Membership.Status.APPROVED
        ).select_related("user__department"),
        to_attr="leader_memberships",
    )


def leadership_target(*, user, team_id: int) -> LeadershipTarget | None:
    """One of `leadership_targets`, or None when outside the person's scope."""
    return next((t for t in leadership_targets(user=user) if t.team.pk == team_id), None)


def window_overview(*, window: LeadershipWindow) -> list[dict]:
    """For the organiser: per approved team, its leader, the number of possible raters
    (approved members + invitees), the number who answered, and the invitations.
    Four queries."""
    teams = list(
        Team.objects.filter(project_id=window.project_id, status=Team.Status.APPROVED)
        .prefetch_related(_leader_prefetch())
        .annotate(
            member_count_approved=Count(
                "memberships",
                filter=Q(
                    memberships__status=Membership.Status.APPROVED,
                    memberships__role=Membership.Role.MEMBER,
                ),
                distinct=True,
            ),
            answered=Count(
                "leadership_evaluations",
                filter=Q(leadership_evaluations__perspective=Perspective.LEADERSHIP),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    invitations = defaultdict(list)
    for inv in LeadershipInvitation.objects.filter(team__in=teams).select_related(
        "user__department"
    ):
        invitations[inv.team_id].append(inv)
    return [
        {
            "team": t,
            "leader": t.leader_memberships[0].user if t.leader_memberships else None,
            "possible": t.member_count_approved + len(invitations[t.pk]),
            "answered": t.answered,
            "invitations": invitations[t.pk],
        }
        for t in teams
    ]


def leadership_pending_raters(*, window: LeadershipWindow) -> list[tuple[User, list[Team]]]:
    """Members and invitees of the window's teams who have not evaluated the leader."""
    teams = {
        t.pk: t
        for t in Team.objects.filter(project_id=window.project_id, status=Team.Status.APPROVED)
    }
    raters: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in Membership.objects.filter(
        team_id__in=teams, status=Membership.Status.APPROVED, role=Membership.Role.MEMBER
    ).values_list("team_id", "user_id"):
        raters[user_id].add(team_id)
    for team_id, user_id in LeadershipInvitation.objects.filter(team_id__in=teams).values_list(
        "team_id", "user_id"
    ):
        raters[user_id].add(team_id)
    done = set(
        Evaluation.objects.filter(
            team_id__in=teams, perspective=Perspective.LEADERSHIP
        ).values_list("evaluator_id", "team_id")
    )
    users = User.objects.filter(pk__in=raters, is_active=True).in_bulk()
    result = []
    for user_id, team_ids in sorted(raters.items()):
        missing = [teams[tid] for tid in sorted(team_ids) if (user_id, tid) not in done]
        if missing and user_id in users:
            result.append((users[user_id], missing))
    return result


def invitation_candidates(*, overview: list[dict]) -> dict[int, list[User]]:
    """For each team of `window_overview`, the active staff of its leader's department who
    are neither live members of the team nor already invited (two queries in all)."""
    departments = {r["leader"].department_id for r in overview if r["leader"]} - {None}
    if not departments:
        return {r["team"].pk: [] for r in overview}
    colleagues = list(
        User.objects.filter(
            department_id__in=departments, is_active=True, groups__name=Role.STAFF.value
        )
        .distinct()
        .order_by("last_name_kana", "first_name_kana", "pk")
    )
    live = defaultdict(set)
    for team_id, user_id in Membership.objects.filter(
        team_id__in=[r["team"].pk for r in overview], status__in=Membership.LIVE
    ).values_list("team_id", "user_id"):
        live[team_id].add(user_id)
    result = {}
    for row in overview:
        team, leader = row["team"], row["leader"]
        taken = live[team.pk] | {inv.user_id for inv in row["invitations"]}
        result[team.pk] = [
            u
            for u in colleagues
            if leader and u.department_id == leader.department_id and u.pk not in taken
        ]
    return result
