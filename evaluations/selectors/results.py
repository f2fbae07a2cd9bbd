"""Aggregates and team results (what the evaluated see: aggregates only)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.db.models.functions import Coalesce

from projects.models import Membership, Team

from ..models import (
    REPORT_PERSPECTIVES,
    Criterion,
    CriterionScore,
    Evaluation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
)
from .leadership import team_leader


def _two(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
    closed = [p for p in presentations if p.meeting.is_closed]
    presentation = closed[0] if closed else None
    report = (
        presentation_aggregates(presentations=[presentation])[presentation.pk]
        if presentation
        else None
    )
    meeting_open = any(not p.meeting.is_closed for p in presentations)

    # The aggregate is about the leader the window evaluates (after a leader change, the
    # one who led at the report meeting, issue 14): theirs to see, not their successor's.
    evaluated = team_leader(team)
    is_leader = evaluated is not None and evaluated.pk == getattr(viewer, "pk", None)
    window = LeadershipWindow.objects.filter(project_id=team.project_id).first()
    leadership = None
    if not (is_leader or full_access):
        state = "not_leader"
    elif window is None:
        state = "none"
    elif not window.is_closed:
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


def closed_score_means(*, fiscal_years) -> dict[int, dict[str, Decimal]]:
    """Per team of the given fiscal years, the mean 0–100 score of each perspective over
    what is final: report evaluations of CLOSED meetings, leadership evaluations of
    CLOSED windows. ``{team_id: {"policy": mean, "technical": mean, "leadership": mean}}``
    (a perspective without a final evaluation is absent). One aggregate query; used by
    the demo's summary. Certification gathers its own evidence (`certification.selectors`).
    """
    final = Q(
        presentation__meeting__status=ReportMeeting.Status.CLOSED,
        presentation__meeting__project__fiscal_year__in=list(fiscal_years),
    ) | Q(
        perspective=Perspective.LEADERSHIP,
        team__project__leadership_window__status=LeadershipWindow.Status.CLOSED,
        team__project__fiscal_year__in=list(fiscal_years),
    )
    rows = (
        Evaluation.objects.filter(final)
        .annotate(subject_team=Coalesce("presentation__team_id", "team_id"))
        .order_by()
        .values_list("subject_team", "perspective")
        .annotate(mean=Avg("score"))
    )
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for team_id, perspective, mean in rows:
        result[team_id][perspective] = _two(mean)
    return dict(result)
