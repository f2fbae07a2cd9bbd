"""Leadership evaluation: targets of a rater, the window overview, pending raters, candidates."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accounts.models import User
from projects.models import LeaderTerm, Membership, Team
from projects.selectors import available_memberships, unavailable_memberships

from ..models import Evaluation, LeadershipInvitation, LeadershipWindow, Perspective, Presentation
from ..permissions import can_be_invited


@dataclass
class LeadershipTarget:
    team: Team
    leader: User | None
    window: LeadershipWindow
    invited: bool
    done: bool
    led_on: datetime.date | None = None  # the report meeting date, when the leader changed


def leadership_targets(
    *, user, include_closed: bool = True, today: datetime.date | None = None
) -> list[LeadershipTarget]:
    """Leaders this person may evaluate: the evaluated leader (`evaluated_leaders`) of teams
    in which they are an approved member taking part today (not on leave, not ended), and
    of teams they were invited to, in projects with an open (or, with `include_closed`,
    closed) window; never their own leadership. Six queries."""
    today = today or timezone.localdate()
    statuses = [LeadershipWindow.Status.OPEN]
    if include_closed:
        statuses.append(LeadershipWindow.Status.CLOSED)
    member_team_ids = set(
        available_memberships(Membership.objects.filter(user=user), on=today).values_list(
            "team_id", flat=True
        )
    )
    invited_team_ids = set(
        LeadershipInvitation.objects.filter(user=user).values_list("team_id", flat=True)
    )
    teams = list(
        Team.objects.filter(
            pk__in=member_team_ids | invited_team_ids,
            status=Team.Status.APPROVED,
            project__leadership_window__status__in=statuses,
        )
        .select_related("project__leadership_window")
        .prefetch_related(
            _leader_prefetch(),
        )
        .order_by("-project__fiscal_year", "name")
    )
    leaders = evaluated_leaders(teams)
    teams = [t for t in teams if leaders[t.pk].user is None or leaders[t.pk].user.pk != user.pk]
    done = set(
        Evaluation.objects.filter(
            evaluator=user, perspective=Perspective.LEADERSHIP, team__in=teams
        ).values_list("team_id", flat=True)
    )
    return [
        LeadershipTarget(
            team=t,
            leader=leaders[t.pk].user,
            window=t.project.leadership_window,
            invited=t.pk in invited_team_ids and t.pk not in member_team_ids,
            done=t.pk in done,
            led_on=leaders[t.pk].on,
        )
        for t in teams
    ]


@dataclass(frozen=True)
class EvaluatedLeader:
    """The leader a team's leadership window evaluates. `on` is the date of the team's
    report meeting when the leader changed (the term covering it says who led then);
    None when the leader never changed (or no meeting yet): the current leader."""

    user: User | None
    on: datetime.date | None = None


def report_meeting_on(team_ref: str = "pk") -> Subquery:
    """The date of the team's report meeting: the latest meeting (any state) at which the
    team presents, as a subquery on the team's id `team_ref` (decision record 0024)."""
    return Subquery(
        Presentation.objects.filter(team_id=OuterRef(team_ref))
        .order_by("-meeting__held_on")
        .values("meeting__held_on")[:1]
    )


def evaluated_leaders(teams: Iterable[Team]) -> dict[int, EvaluatedLeader]:
    """Per team (with `_leader_prefetch` done): the leader the window evaluates, the one
    who led at the team's report meeting (issue 14). A team whose leader changed has
    leader terms; the one covering its report meeting date wins. Otherwise, and when it
    has no report meeting yet, its current leader. One query for any number of teams."""
    teams = list(teams)
    terms = (
        LeaderTerm.objects.filter(team_id__in=[t.pk for t in teams])
        .annotate(met_on=report_meeting_on("team_id"))
        .filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=F("met_on")),
            Q(ends_on__isnull=True) | Q(ends_on__gte=F("met_on")),
            met_on__isnull=False,
        )
        .select_related("user__department")
    )
    by_team = {term.team_id: term for term in terms} if teams else {}
    result = {}
    for t in teams:
        term = by_team.get(t.pk)
        if term is not None:
            result[t.pk] = EvaluatedLeader(term.user, term.met_on)
        else:
            current = t.leader_memberships[0].user if t.leader_memberships else None
            result[t.pk] = EvaluatedLeader(current)
    return result


def _leader_prefetch():
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


def _raters_by_team(
    teams: list[Team], leaders: dict[int, EvaluatedLeader], *, on: datetime.date
) -> dict[int, set[int]]:
    """Per team, the approved members who rate its evaluated leader on `on`: taking part
    that day (not on leave, not ended) and not the evaluated leader (one query)."""
    raters: dict[int, set[int]] = defaultdict(set)
    rows = available_memberships(
        Membership.objects.filter(team__in=[t.pk for t in teams]), on=on
    ).values_list("team_id", "user_id")
    for team_id, user_id in rows:
        leader = leaders[team_id].user
        if leader is None or leader.pk != user_id:
            raters[team_id].add(user_id)
    return raters


def window_overview(*, window: LeadershipWindow, today: datetime.date | None = None) -> list[dict]:
    """For the organiser: per approved team, the leader it evaluates (and, when the leader
    changed, the report meeting date that decided it), the number of possible raters
    (members taking part today + invitees), the number who answered, the invitations, and
    the members left out today (休止中・途中終了). Seven queries."""
    today = today or timezone.localdate()
    teams = list(
        Team.objects.filter(project_id=window.project_id, status=Team.Status.APPROVED)
        .prefetch_related(_leader_prefetch())
        .annotate(
            answered=Count(
                "leadership_evaluations",
                filter=Q(leadership_evaluations__perspective=Perspective.LEADERSHIP),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    leaders = evaluated_leaders(teams)
    raters = _raters_by_team(teams, leaders, on=today)
    absent = defaultdict(list)
    for membership in unavailable_memberships(
        Membership.objects.filter(team__in=teams), on=today
    ).order_by("user__last_name_kana", "pk"):
        absent[membership.team_id].append(membership.user)
    invitations = defaultdict(list)
    for inv in LeadershipInvitation.objects.filter(team__in=teams).select_related(
        "user__department"
    ):
        invitations[inv.team_id].append(inv)
    return [
        {
            "team": t,
            "leader": leaders[t.pk].user,
            "led_on": leaders[t.pk].on,
            "possible": len(raters[t.pk]) + len(invitations[t.pk]),
            "answered": t.answered,
            "invitations": invitations[t.pk],
            "absent": absent[t.pk],
        }
        for t in teams
    ]


def leadership_pending_raters(
    *, window: LeadershipWindow, today: datetime.date | None = None
) -> list[tuple[User, list[Team]]]:
    """Members (taking part `today`: not on leave, not ended) and invitees of the window's
    teams who have not evaluated the leader."""
    today = today or timezone.localdate()
    team_list = list(
        Team.objects.filter(
            project_id=window.project_id, status=Team.Status.APPROVED
        ).prefetch_related(_leader_prefetch())
    )
    teams = {t.pk: t for t in team_list}
    raters: dict[int, set[int]] = defaultdict(set)
    for team_id, user_ids in _raters_by_team(
        team_list, evaluated_leaders(team_list), on=today
    ).items():
        for user_id in user_ids:
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
    """For each team of `window_overview` (rows with "team", "leader", "invitations"), the
    people who may still be invited (`permissions.can_be_invited`, not yet invited),
    in kana order. Three queries in all, whatever the number of teams."""
    departments = {r["leader"].department_id for r in overview if r["leader"]} - {None}
    if not departments:
        return {r["team"].pk: [] for r in overview}
    colleagues = list(
        User.objects.filter(department_id__in=departments, is_active=True)
        .prefetch_related("groups")
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
        invited = {inv.user_id for inv in row["invitations"]}
        result[team.pk] = [
            u
            for u in colleagues
            if leader
            and u.pk not in invited
            and can_be_invited(u, leader=leader, live_member_ids=live[team.pk])
        ]
    return result


def team_leader(team: Team) -> User | None:
    """The leader the team's leadership window evaluates (`evaluated_leaders`), with their
    department (two queries)."""
    team = Team.objects.prefetch_related(_leader_prefetch()).get(pk=team.pk)
    return evaluated_leaders([team])[team.pk].user


def invitation_candidates_for_team(*, team: Team) -> list[User]:
    """`invitation_candidates` for one team (the organiser's POST)."""
    row = {
        "team": team,
        "leader": team_leader(team),
        "invitations": list(LeadershipInvitation.objects.filter(team=team)),
    }
    return invitation_candidates(overview=[row])[team.pk]
