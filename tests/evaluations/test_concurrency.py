"""Races on PostgreSQL: real threads, real transactions, real row locks."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from evaluations import services
from evaluations.exceptions import ScoringClosed
from evaluations.models import Evaluation, Perspective, ReportMeeting
from tests import factories

from .conftest import all_scores

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(functions):
    """Start every function at the same moment; return (results, errors)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def runner(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as error:  # collected and asserted by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(fn,)) for fn in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def open_meeting():
    services.rubric_ensure_defaults(fiscal_year=2024)
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    return meeting, factories.PresentationFactory(meeting=meeting)


def test_thirty_raters_at_once_make_thirty_evaluations():
    meeting, presentation = open_meeting()
    raters = [factories.ExecutiveFactory() for _ in range(30)]
    scores = all_scores(Perspective.POLICY, 4)

    results, errors = run_together(
        [
            (
                lambda r=r: services.evaluation_submit(
                    evaluator=r,
                    perspective=Perspective.POLICY,
                    presentation=presentation,
                    scores=scores,
                )
            )
            for r in raters
        ]
    )

    assert errors == []
    assert Evaluation.objects.filter(presentation=presentation).count() == 30


def test_one_rater_submitting_twice_at_once_keeps_one_evaluation():
    meeting, presentation = open_meeting()
    rater = factories.ExecutiveFactory()

    results, errors = run_together(
        [
            (
                lambda p=p: services.evaluation_submit(
                    evaluator=rater,
                    perspective=Perspective.POLICY,
                    presentation=presentation,
                    scores=all_scores(Perspective.POLICY, p),
                )
            )
            for p in (2, 5, 3, 4)
        ]
    )

    assert errors == []
    evaluation = Evaluation.objects.get()
    assert evaluation.scores.count() == 5
    assert len(set(evaluation.scores.values_list("score", flat=True))) == 1


def race_close_and_submit():
    meeting, presentation = open_meeting()
    rater = factories.ExecutiveFactory()
    organiser = factories.UserFactory(roles=["staff", "organiser"])
    scores = all_scores(Perspective.POLICY, 5)

    def submit():
        return services.evaluation_submit(
            evaluator=rater,
            perspective=Perspective.POLICY,
            presentation=presentation,
            scores=scores,
        )

    def close():
        return services.meeting_close(meeting=meeting, by=organiser)

    _results, errors = run_together([submit, close])
    meeting.refresh_from_db()
    return meeting, Evaluation.objects.filter(evaluator=rater).first(), errors


def test_a_close_racing_a_submission_either_keeps_the_earlier_score_or_refuses_it():
    for _ in range(5):
        meeting, evaluation, errors = race_close_and_submit()

        assert all(isinstance(e, ScoringClosed) for e in errors), errors
        assert meeting.status == ReportMeeting.Status.CLOSED
        if errors:
            assert evaluation is None
        else:
            assert evaluation.score == Decimal("100.00")
            assert evaluation.updated_at <= meeting.closed_at
