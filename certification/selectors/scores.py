"""The score lists the rules take, per team: report scores (one per evaluator and
perspective) and leadership scores, read from the evaluation rows.

Two ways to the same lists, chosen by the database:

- PostgreSQL groups the rows itself and sends one row per team and perspective, its
  scores as an array of hundredths (`score` is numeric(5,2), so
  `score * 100` is an exact integer and `hundredths / 100` in Python is the float
  `float(score)` gives: both are the correctly rounded value of the same decimal). Only
  when an evaluator scored a team several times (several closed meetings) does the row
  carry the evaluators too, and their mean is taken in Python exactly as below. At
  50,000 staff this sends 10,000 rows instead of 190,000 and leaves no per-row Python
  work.
- Any other database (the demo's SQLite) streams the rows and groups them in Python.

Both give, per team, the same floats in ascending order (tests/certification/
test_scores.py compares them on the same data). The order means nothing to the rules
(means and counts); it is fixed so that equal inputs are equal participations.
"""

from __future__ import annotations

import math
from collections import defaultdict

from django.db import connection

from evaluations.models import (
    REPORT_PERSPECTIVES,
    Evaluation,
    LeadershipWindow,
    Perspective,
    ReportMeeting,
)
from evaluations.normalisation import normalise_groups

#: Rows fetched per round trip when streaming large result sets.
ITERATOR_CHUNK = 10000

Scores = dict[int, list[float]]

#: One row per team and perspective: its scores (hundredths) and, only when an evaluator
#: scored the team more than once (several closed meetings), the evaluators in the same
#: order, so those scores can be taken together. No ORDER BY inside the aggregates (it
#: costs a sort per group, a quarter of the query): Python sorts the short lists.
_PER_TEAM_REPORT_SQL = """
SELECT team_id, perspective,
       array_agg((score * 100)::integer),
       CASE WHEN count(DISTINCT evaluator_id) < count(*) THEN array_agg(evaluator_id) END
FROM ({rows}) AS evaluation (team_id, perspective, evaluator_id, score)
GROUP BY team_id, perspective
"""

#: One row per team: its leadership scores (hundredths).
_PER_TEAM_SQL = """
SELECT team_id, array_agg((score * 100)::integer)
FROM ({rows}) AS evaluation (team_id, evaluator_id, score)
GROUP BY team_id
"""


def _grouped_in_database() -> bool:
    return connection.vendor == "postgresql"


def _grouped(sql: str, rows) -> list[tuple]:
    """The rows of `sql` (one of the templates above) around the queryset `rows`."""
    inner, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql.format(rows=inner), params)
        return cursor.fetchall()


def _sorted_lists(*per_team: Scores) -> None:
    """Each team's list in ascending order (the order both ways give)."""
    for mapping in per_team:
        for scores in mapping.values():
            scores.sort()


def closed_report_evaluations():
    """Policy and technical evaluations of presentations at CLOSED report meetings."""
    return Evaluation.objects.filter(
        perspective__in=REPORT_PERSPECTIVES,
        presentation__meeting__status=ReportMeeting.Status.CLOSED,
    )


def closed_leadership_evaluations():
    """Leadership evaluations of teams whose project's leadership window is CLOSED."""
    return Evaluation.objects.filter(
        perspective=Perspective.LEADERSHIP,
        team__project__leadership_window__status=LeadershipWindow.Status.CLOSED,
    )


def closed_meetings_of(team_ids):
    """Closed meetings at which any of `team_ids` (ids or a subquery) presented."""
    return ReportMeeting.objects.filter(
        status=ReportMeeting.Status.CLOSED, presentations__team_id__in=team_ids
    ).values("pk")


def one_score(scores: list[float]) -> float:
    """An evaluator's one score for a team: the mean of their evaluations of it."""
    return scores[0] if len(scores) == 1 else math.fsum(scores) / len(scores)


def report_scores_by_team(report) -> tuple[Scores, Scores]:
    """Policy and technical scores per team from the report evaluations `report` (a
    queryset): ONE score per evaluator and perspective (the mean of their evaluations of
    the team), in ascending order."""
    rows = report.values_list(
        "presentation__team_id", "perspective", "evaluator_id", "score"
    ).order_by()
    if _grouped_in_database():
        return _report_scores_grouped(rows)
    return report_scores_streamed(rows)


def _report_scores_grouped(rows) -> tuple[Scores, Scores]:
    policy: Scores = {}
    technical: Scores = {}
    policy_code = Perspective.POLICY.value
    for team_id, perspective, hundredths, evaluators in _grouped(_PER_TEAM_REPORT_SQL, rows):
        if evaluators is None:  # everyone scored the team once: the common case
            scores = [h / 100 for h in sorted(hundredths)]
        else:
            by_rater: dict[int, list[float]] = {}
            for evaluator, h in zip(evaluators, hundredths, strict=True):
                by_rater.setdefault(evaluator, []).append(h / 100)
            scores = sorted(one_score(each) for each in by_rater.values())
        (policy if perspective == policy_code else technical)[team_id] = scores
    return policy, technical


def report_scores_streamed(rows) -> tuple[Scores, Scores]:
    """The same lists from (team, perspective, evaluator, score) rows, grouped in Python
    (SQLite's way)."""
    by_rater: dict[tuple[int, str, int], list[float]] = defaultdict(list)
    for team_id, perspective, evaluator_id, score in rows.iterator(chunk_size=ITERATOR_CHUNK):
        by_rater[(team_id, perspective, evaluator_id)].append(float(score))
    return one_per_rater(by_rater)


def one_per_rater(by_rater: dict[tuple[int, str, int], list[float]]) -> tuple[Scores, Scores]:
    """(team, perspective, evaluator) → their scores, to one score per evaluator per
    team and perspective, each team's list in ascending order."""
    policy: Scores = defaultdict(list)
    technical: Scores = defaultdict(list)
    policy_code = Perspective.POLICY.value
    for (team_id, perspective, _evaluator), scores in by_rater.items():
        (policy if perspective == policy_code else technical)[team_id].append(one_score(scores))
    _sorted_lists(policy, technical)
    return policy, technical


def leadership_scores_by_team(lead) -> Scores:
    """Leadership scores per team from the leadership evaluations `lead` (a queryset),
    in ascending order."""
    rows = lead.values_list("team_id", "evaluator_id", "score").order_by()
    if _grouped_in_database():
        return {
            team_id: [h / 100 for h in sorted(hundredths)]
            for team_id, hundredths in _grouped(_PER_TEAM_SQL, rows)
        }
    return leadership_scores_streamed(rows)


def leadership_scores_streamed(rows) -> Scores:
    """The same lists from (team, evaluator, score) rows, in Python."""
    result: Scores = defaultdict(list)
    for team_id, _evaluator, score in rows.iterator(chunk_size=ITERATOR_CHUNK):
        result[team_id].append(float(score))
    _sorted_lists(result)
    return result


def normalised_scores_by_team(meetings) -> tuple[Scores, Scores]:
    """Like `report_scores_by_team`, with each score normalised per rater within its
    meeting and perspective (`evaluations.normalisation`). Every evaluation of
    `meetings` is read (one query), whichever teams are asked about."""
    rows = (
        Evaluation.objects.filter(
            perspective__in=REPORT_PERSPECTIVES, presentation__meeting__in=meetings
        )
        .values_list(
            "presentation__meeting_id",
            "perspective",
            "evaluator_id",
            "presentation__team_id",
            "score",
        )
        .order_by()
    )
    by_rater: dict[tuple[int, str, int], list[float]] = defaultdict(list)
    for (_meeting, perspective), result in normalise_groups(
        rows.iterator(chunk_size=ITERATOR_CHUNK)
    ).items():
        for (evaluator_id, team_id), score in result.scores.items():
            by_rater[(team_id, perspective, evaluator_id)].append(score)
    return one_per_rater(by_rater)
