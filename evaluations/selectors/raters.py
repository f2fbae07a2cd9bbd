"""Rater pages: the meetings a rater sees, their presentations and my evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from projects.models import Membership

from ..models import (
    Criterion,
    Evaluation,
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
