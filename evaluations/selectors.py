"""Reads of the evaluations app. Each function runs a fixed number of queries whatever
the number of presentations, raters or evaluations (pinned by tests).

Privacy: the functions that serve the evaluated (`team_results`) return aggregates
only; per-rater rows (`meeting_evaluation_rows`) are for the organiser and HR."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q

from accounts.models import User
from accounts.roles import Role
from projects.models import Membership, Team

from .models import (
    REPORT_PERSPECTIVES,
    Criterion,
    CriterionScore,
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
    Rubric,
)

NOT_YET = "pending"
DONE = "done"
CONFLICT = "conflict"


def rater_perspectives(user) -> list[str]:
    """The report perspectives a person scores: executives policy, experts technical."""
    from accounts import permissions

    result = []
    if permissions.is_executive(user):
        result.append(Perspective.POLICY)
    if permissions.is_external_expert(user):
        result.append(Perspective.TECHNICAL)
    return result


def _two(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- rater pages -------------------------------------------------------------------------


def meetings_for_rater(*, user) -> list[ReportMeeting]:
    """Meetings a rater sees (scheduled, open, closed), newest first, each annotated
    with `presentation_count` and `my_done_count` (presentations I have scored in all
    my perspectives). One query."""
    perspectives = rater_perspectives(user)
    meetings = list(
        ReportMeeting.objects.select_related("project")
        .annotate(
            presentation_count=Count("presentations", distinct=True),
            my_evaluation_count=Count(
                "presentations__evaluations",
                filter=Q(
                    presentations__evaluations__evaluator=user,
                    presentations__evaluations__perspective__in=perspectives,
                ),
                distinct=True,
            ),
        )
        .order_by("-held_on", "-pk")
    )
    for meeting in meetings:
        needed = meeting.presentation_count * max(len(perspectives), 1)
        meeting.my_done = needed > 0 and meeting.my_evaluation_count >= needed
    return meetings


@dataclass
class PresentationRow:
    presentation: Presentation
    status: dict[str, str]  # perspective → pending / done / conflict

    @property
    def conflict(self) -> bool:
        return CONFLICT in self.status.values()

    @property
    def done(self) -> bool:
        return all(s != NOT_YET for s in self.status.values())


def meeting_for_rater(
    *, user, meeting_id: int
) -> tuple[ReportMeeting, list[PresentationRow]] | None:
    """A meeting with its presentations in order and my status for each (未評価 /
    評価済 / 自チーム). Four queries, whatever the size of the meeting."""
    meeting = ReportMeeting.objects.select_related("project").filter(pk=meeting_id).first()
    if meeting is None:
        return None
    presentations = list(meeting.presentations.select_related("team").order_by("order"))
    return meeting, presentation_rows_for(user=user, presentations=presentations)


def presentation_rows_for(*, user, presentations: list[Presentation]) -> list[PresentationRow]:
    """My status for each presentation and perspective. Two queries."""
    perspectives = rater_perspectives(user)
    ids = [p.pk for p in presentations]
    mine = set(
        Evaluation.objects.filter(
            evaluator=user, presentation_id__in=ids, perspective__in=perspectives
        ).values_list("presentation_id", "perspective")
    )
    my_teams = set(
        Membership.objects.filter(
            user=user, status__in=Membership.LIVE, team_id__in=[p.team_id for p in presentations]
        ).values_list("team_id", flat=True)
    )
    rows = []
    for p in presentations:
        status = {}
        for perspective in perspectives:
            if p.team_id in my_teams:
                status[perspective] = CONFLICT
            elif (p.pk, perspective) in mine:
                status[perspective] = DONE
            else:
                status[perspective] = NOT_YET
        rows.append(PresentationRow(presentation=p, status=status))
    return rows


@dataclass
class ScoringForm:
    rubric: Rubric | None
    criteria: list[Criterion]
    evaluation: Evaluation | None
    scores: dict[int, int]  # criterion id → my score


def my_evaluation(
    *, user, perspective: str, fiscal_year: int, presentation=None, team=None
) -> ScoringForm:
    """The rubric of the year and perspective with my own evaluation, if any (never
    anybody else's). Three queries."""
    rubric = Rubric.objects.filter(fiscal_year=fiscal_year, perspective=perspective).first()
    criteria = list(rubric.criteria.order_by("order")) if rubric else []
    lookup = {"evaluator": user, "perspective": perspective}
    if presentation is not None:
        lookup["presentation"] = presentation
    else:
        lookup["team"] = team
    evaluation = Evaluation.objects.filter(**lookup).first()
    scores = {}
    if evaluation:
        scores = dict(evaluation.scores.values_list("criterion_id", "score"))
    return ScoringForm(rubric=rubric, criteria=criteria, evaluation=evaluation, scores=scores)


# --- aggregates --------------------------------------------------------------------------


@dataclass
class CriterionMean:
    criterion_id: int
    label: str
    label_en: str
    mean: Decimal | None  # on the 1–5 scale


@dataclass
class PerspectiveAggregate:
    perspective: str
    count: int = 0
    mean: Decimal | None = None  # 0–100
    stdev: Decimal | None = None  # population standard deviation of the 0–100 scores
    disagreement: bool = False
    criteria: list[CriterionMean] = field(default_factory=list)

    @property
    def perspective_label(self) -> str:
        return Perspective(self.perspective).label


def _aggregate(perspective: str, scores: list[Decimal], criteria, means) -> PerspectiveAggregate:
    agg = PerspectiveAggregate(perspective=perspective, count=len(scores))
    if scores:
        values = [float(s) for s in scores]
        mean = math.fsum(values) / len(values)
        stdev = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
        agg.mean = _two(mean)
        agg.stdev = _two(stdev)
        agg.disagreement = len(values) >= 2 and stdev > settings.DISAGREEMENT_STDEV
    agg.criteria = [
        CriterionMean(
            criterion_id=c.pk,
            label=c.label,
            label_en=c.label_en,
            mean=_two(means[c.pk]) if c.pk in means else None,
        )
        for c in criteria
    ]
    return agg


def presentation_aggregates(
    *, presentations: list[Presentation]
) -> dict[int, dict[str, PerspectiveAggregate]]:
    """Per presentation and report perspective: rater count, mean 0–100, standard
    deviation, disagreement flag (stdev > DISAGREEMENT_STDEV) and per-criterion means.
    Three queries for any number of presentations."""
    if not presentations:
        return {}
    ids = [p.pk for p in presentations]
    years = {p.meeting.project.fiscal_year for p in presentations}
    criteria_by_perspective: dict[tuple[int, str], list[Criterion]] = defaultdict(list)
    for c in (
        Criterion.objects.filter(
            rubric__fiscal_year__in=years, rubric__perspective__in=REPORT_PERSPECTIVES
        )
        .select_related("rubric")
        .order_by("rubric_id", "order")
    ):
        criteria_by_perspective[(c.rubric.fiscal_year, c.rubric.perspective)].append(c)
    scores: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for pid, perspective, score in Evaluation.objects.filter(
        presentation_id__in=ids, perspective__in=REPORT_PERSPECTIVES
    ).values_list("presentation_id", "perspective", "score"):
        scores[(pid, perspective)].append(score)
    means: dict[int, dict[int, float]] = defaultdict(dict)
    for row in (
        CriterionScore.objects.filter(evaluation__presentation_id__in=ids)
        .values("evaluation__presentation_id", "criterion_id")
        .annotate(mean=Avg("score"))
        .order_by()
    ):
        means[row["evaluation__presentation_id"]][row["criterion_id"]] = row["mean"]
    result = {}
    for p in presentations:
        year = p.meeting.project.fiscal_year
        result[p.pk] = {
            perspective: _aggregate(
                perspective,
                scores.get((p.pk, perspective), []),
                criteria_by_perspective.get((year, perspective), []),
                means.get(p.pk, {}),
            )
            for perspective in REPORT_PERSPECTIVES
        }
    return result


def leadership_aggregates(*, teams: list[Team]) -> dict[int, PerspectiveAggregate]:
    """Per team: the leadership aggregate of its leader (all answers, whatever the
    window's state; callers decide what may be shown). Three queries."""
    if not teams:
        return {}
    ids = [t.pk for t in teams]
    years = {t.project.fiscal_year for t in teams}
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for c in (
        Criterion.objects.filter(
            rubric__fiscal_year__in=years, rubric__perspective=Perspective.LEADERSHIP
        )
        .select_related("rubric")
        .order_by("order")
    ):
        criteria[c.rubric.fiscal_year].append(c)
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for team_id, score in Evaluation.objects.filter(
        team_id__in=ids, perspective=Perspective.LEADERSHIP
    ).values_list("team_id", "score"):
        scores[team_id].append(score)
    means: dict[int, dict[int, float]] = defaultdict(dict)
    for row in (
        CriterionScore.objects.filter(
            evaluation__team_id__in=ids, evaluation__perspective=Perspective.LEADERSHIP
        )
        .values("evaluation__team_id", "criterion_id")
        .annotate(mean=Avg("score"))
        .order_by()
    ):
        means[row["evaluation__team_id"]][row["criterion_id"]] = row["mean"]
    return {
        t.pk: _aggregate(
            Perspective.LEADERSHIP,
            scores.get(t.pk, []),
            criteria.get(t.project.fiscal_year, []),
            means.get(t.pk, {}),
        )
        for t in teams
    }


@dataclass
class TeamResult:
    team: Team
    presentation: Presentation | None  # the presentation at the latest closed meeting
    report: dict[str, PerspectiveAggregate] | None
    leadership: PerspectiveAggregate | None  # only when it may be shown to this viewer
    leadership_state: str  # "shown", "window_open", "too_few", "not_leader", "none"
    meeting_open: bool  # a meeting with this team is still open / scheduled


def team_results(*, team: Team, viewer, full_access: bool = False) -> TeamResult:
    """What the evaluated see: aggregates of their team's closed report meeting; the
    leadership aggregate only for the leader (or the organiser / HR with
    `full_access`), only after the window closed, and only with at least
    LEADERSHIP_ANONYMITY_THRESHOLD raters. Never a per-rater score or comment."""
    presentations = list(
        Presentation.objects.filter(team=team)
        .select_related("meeting__project", "team")
        .order_by("-meeting__held_on", "-meeting_id")
    )
    closed = [p for p in presentations if p.meeting.status == ReportMeeting.Status.CLOSED]
    presentation = closed[0] if closed else None
    report = (
        presentation_aggregates(presentations=[presentation])[presentation.pk]
        if presentation
        else None
    )
    meeting_open = any(p.meeting.status != ReportMeeting.Status.CLOSED for p in presentations)

    is_leader = Membership.objects.filter(
        team=team, user=viewer, role=Membership.Role.LEADER, status=Membership.Status.APPROVED
    ).exists()
    window = LeadershipWindow.objects.filter(project_id=team.project_id).first()
    leadership = None
    if not (is_leader or full_access):
        state = "not_leader"
    elif window is None:
        state = "none"
    elif window.status != LeadershipWindow.Status.CLOSED:
        state = "window_open"
    else:
        aggregate = leadership_aggregates(teams=[team])[team.pk]
        if full_access or aggregate.count >= settings.LEADERSHIP_ANONYMITY_THRESHOLD:
            leadership, state = aggregate, "shown"
        else:
            state = "too_few"
    return TeamResult(
        team=team,
        presentation=presentation,
        report=report,
        leadership=leadership,
        leadership_state=state,
        meeting_open=meeting_open,
    )


def my_teams_with_results(*, user) -> list[Team]:
    """Teams in which the person is an approved member or leader, newest year first.
    One query."""
    return list(
        Team.objects.filter(memberships__user=user, memberships__status=Membership.Status.APPROVED)
        .select_related("project")
        .annotate(
            closed_meetings=Count(
                "presentations",
                filter=Q(presentations__meeting__status=ReportMeeting.Status.CLOSED),
                distinct=True,
            )
        )
        .order_by("-project__fiscal_year", "name")
    )


# --- leadership --------------------------------------------------------------------------


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


# --- organiser: board, pending raters, rows ---------------------------------------------


def _raters() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, groups__name__in=[Role.EXECUTIVE.value, Role.EXTERNAL_EXPERT.value]
        )
        .distinct()
        .select_related("department")
        .prefetch_related("groups")
        .order_by("last_name_kana", "first_name_kana", "pk")
    )


@dataclass
class BoardRow:
    rater: User
    perspective: str
    cells: list[str]  # one per presentation: pending / done / conflict

    @property
    def done_count(self) -> int:
        return sum(1 for c in self.cells if c == DONE)


def submission_board(*, meeting: ReportMeeting) -> tuple[list[Presentation], list[BoardRow]]:
    """The organiser's rater × presentation board. Five queries."""
    presentations = list(meeting.presentations.select_related("team").order_by("order"))
    ids = [p.pk for p in presentations]
    raters = _raters()
    done = set(
        Evaluation.objects.filter(presentation_id__in=ids).values_list(
            "evaluator_id", "presentation_id", "perspective"
        )
    )
    conflicts = set(
        Membership.objects.filter(
            team_id__in=[p.team_id for p in presentations],
            status__in=Membership.LIVE,
            user__in=raters,
        ).values_list("user_id", "team_id")
    )
    rows = []
    for rater in raters:
        for perspective in rater_perspectives(rater):
            cells = []
            for p in presentations:
                if (rater.pk, p.team_id) in conflicts:
                    cells.append(CONFLICT)
                elif (rater.pk, p.pk, perspective) in done:
                    cells.append(DONE)
                else:
                    cells.append(NOT_YET)
            rows.append(BoardRow(rater=rater, perspective=perspective, cells=cells))
    return presentations, rows


def meeting_pending_raters(*, meeting: ReportMeeting) -> list[tuple[User, list[Presentation]]]:
    """Raters who have not scored every presentation they may score."""
    presentations, rows = submission_board(meeting=meeting)
    missing: dict[int, list[Presentation]] = {}
    users = {}
    for row in rows:
        for p, cell in zip(presentations, row.cells, strict=True):
            if cell == NOT_YET:
                missing.setdefault(row.rater.pk, []).append(p)
                users[row.rater.pk] = row.rater
    return [(users[pk], missing[pk]) for pk in missing]


def meeting_evaluation_rows(*, meeting: ReportMeeting) -> list[Evaluation]:
    """Every evaluation of the meeting with its rater and criterion scores, for the
    organiser and HR only. Two queries."""
    return list(
        Evaluation.objects.filter(presentation__meeting=meeting)
        .select_related("evaluator__department", "presentation__team")
        .prefetch_related("scores")
        .order_by("presentation__order", "perspective", "evaluator__last_name_kana", "pk")
    )


def meeting_criteria(*, meeting: ReportMeeting) -> dict[str, list[Criterion]]:
    """The report criteria of the meeting's fiscal year, per perspective. One query."""
    result: dict[str, list[Criterion]] = {p: [] for p in REPORT_PERSPECTIVES}
    for c in (
        Criterion.objects.filter(
            rubric__fiscal_year=meeting.project.fiscal_year,
            rubric__perspective__in=REPORT_PERSPECTIVES,
        )
        .select_related("rubric")
        .order_by("order")
    ):
        result[c.rubric.perspective].append(c)
    return result


# --- bulk scores for the certification app ----------------------------------------------


def report_scores_for_teams(team_ids=None) -> dict[int, dict[str, list[float]]]:
    """Per team, the per-rater 0–100 scores given at CLOSED report meetings:
    ``{team_id: {"policy": [float, ...], "technical": [float, ...]}}``.

    Every closed meeting at which the team presented counts (one score per evaluation),
    as the certification app's own gathering does. One query (values_list over
    evaluations ⋈ presentations ⋈ meetings), streamed, no model instances: suitable for
    hundreds of thousands of evaluations. Teams without a closed meeting are absent."""
    qs = Evaluation.objects.filter(
        presentation__meeting__status=ReportMeeting.Status.CLOSED,
        perspective__in=REPORT_PERSPECTIVES,
    )
    if team_ids is not None:
        qs = qs.filter(presentation__team_id__in=list(team_ids))
    rows = qs.order_by().values_list("presentation__team_id", "perspective", "score")
    result: dict[int, dict[str, list[float]]] = {}
    for team_id, perspective, score in rows.iterator(chunk_size=10000):
        bucket = result.get(team_id)
        if bucket is None:
            bucket = result[team_id] = {"policy": [], "technical": []}
        bucket[perspective].append(float(score))
    return result


def leadership_scores_for_teams(team_ids=None) -> dict[int, list[float]]:
    """Per team, the per-rater 0–100 leadership scores of its leader, only for projects
    whose leadership window is CLOSED: ``{team_id: [float, ...]}``. One streamed
    values_list query; teams without a closed window or any answer are absent."""
    qs = Evaluation.objects.filter(
        perspective=Perspective.LEADERSHIP,
        team__project__leadership_window__status=LeadershipWindow.Status.CLOSED,
    )
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    result: dict[int, list[float]] = defaultdict(list)
    for team_id, score in qs.order_by().values_list("team_id", "score").iterator(chunk_size=10000):
        result[team_id].append(float(score))
    return dict(result)


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
