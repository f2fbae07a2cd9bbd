"""The score lists per team: PostgreSQL's grouping gives exactly the lists the Python
grouping (SQLite's way) gives, float for float, in ascending order."""

import math
from decimal import Decimal

import pytest

from certification.selectors import scores
from evaluations.models import Perspective, ReportMeeting
from tests import factories
from tests.certification.helpers import Raters, meeting_of, project_of, scored_team

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def programme():
    """Teams scored with awkward decimals, a rater who scored one team at two closed
    meetings (and another at three), an open meeting, and leadership scores."""
    raters = Raters(executives=4, experts=3, colleagues=4)
    project = project_of(2024)
    first = scored_team(
        raters,
        project=project,
        policy=("70.01", "33.33", "99.99", "0.10"),
        technical=("66.67", "12.34"),
        leadership=("80.05", "79.95", "70.00"),
    )
    second = scored_team(raters, project=project, policy=("10.10", "20.20"), technical=("0.01",))
    scored_team(
        raters,
        project=project,
        policy=("100.00", "100.00"),
        meeting_status=ReportMeeting.Status.OPEN,
    )
    for extra, score in ((meeting_of(project), "45.55"), (meeting_of(project), "12.35")):
        presentation = factories.PresentationFactory(meeting=extra, team=first)
        factories.EvaluationFactory(
            presentation=presentation,
            evaluator=raters.executives[1],
            perspective=Perspective.POLICY,
            score=Decimal(score),
        )
    presentation = factories.PresentationFactory(meeting=meeting_of(project), team=second)
    factories.EvaluationFactory(
        presentation=presentation,
        evaluator=raters.experts[0],
        perspective=Perspective.TECHNICAL,
        score=Decimal("0.02"),
    )
    return first, second


def _rows():
    return (
        scores.closed_report_evaluations()
        .values_list("presentation__team_id", "perspective", "evaluator_id", "score")
        .order_by("evaluator_id")
    )


def test_postgresql_groups_report_scores_exactly_as_python_does(programme):
    grouped = scores.report_scores_by_team(scores.closed_report_evaluations())
    streamed = scores.report_scores_streamed(_rows())
    assert [dict(side) for side in grouped] == [dict(side) for side in streamed]


def test_a_rater_who_scored_a_team_three_times_counts_once_with_the_mean(programme):
    first, second = programme
    policy, technical = scores.report_scores_by_team(scores.closed_report_evaluations())
    assert len(policy[first.pk]) == 4
    assert math.fsum([33.33, 45.55, 12.35]) / 3 in policy[first.pk]
    assert technical[second.pk] == [math.fsum([0.01, 0.02]) / 2]


def test_the_scores_are_the_floats_of_the_stored_decimals(programme):
    first, _second = programme
    policy, technical = scores.report_scores_by_team(scores.closed_report_evaluations())
    assert float(Decimal("70.01")) in policy[first.pk]
    assert float(Decimal("0.10")) == policy[first.pk][0]
    assert technical[first.pk] == [float(Decimal("12.34")), float(Decimal("66.67"))]


def test_an_open_meeting_s_scores_are_not_read(programme):
    policy, _technical = scores.report_scores_by_team(scores.closed_report_evaluations())
    assert 100.0 not in [score for team in policy.values() for score in team]


def test_postgresql_groups_leadership_scores_exactly_as_python_does(programme):
    first, _second = programme
    grouped = scores.leadership_scores_by_team(scores.closed_leadership_evaluations())
    streamed = scores.leadership_scores_streamed(
        scores.closed_leadership_evaluations()
        .values_list("team_id", "evaluator_id", "score")
        .order_by("evaluator_id")
    )
    assert dict(grouped) == dict(streamed)
    assert grouped[first.pk] == [70.0, 79.95, 80.05]
