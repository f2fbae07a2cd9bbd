"""Evaluations and presentations keep their history; meetings and windows share one
scoring-window base (fields, state properties, the close step)."""

import datetime

import pytest
from django.utils import timezone

from evaluations import services
from evaluations.exceptions import ScoringClosed
from evaluations.models import (
    Evaluation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
    ScoringWindow,
)
from tests import factories


def test_an_evaluation_records_who_changed_its_score_and_when(w):
    first = services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=w.policy(4),
    )
    services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=w.policy(5),
    )

    history = Evaluation.history.filter(id=first.pk).order_by("history_date")
    assert [str(h.score) for h in history][-1] == "100.00"
    assert "75.00" in [str(h.score) for h in history]
    assert history.last().history_user == w.executive


def test_a_presentation_keeps_its_history(w):
    team = factories.team_with(project=w.project)
    presentation = services.presentation_add(meeting=w.meeting, team=team, title="発表")

    assert Presentation.history.filter(id=presentation.pk).count() == 1


def test_report_meetings_and_leadership_windows_share_the_scoring_window_base():
    assert issubclass(ReportMeeting, ScoringWindow)
    assert issubclass(LeadershipWindow, ScoringWindow)
    for model in (ReportMeeting, LeadershipWindow):
        assert {c.value for c in model.Status} == {
            ScoringWindow.SCHEDULED,
            ScoringWindow.OPEN,
            ScoringWindow.CLOSED,
        }


@pytest.mark.parametrize("model", [ReportMeeting, LeadershipWindow])
def test_the_state_properties_follow_the_status(model):
    window = model(status=model.Status.SCHEDULED)
    assert (window.is_scheduled, window.is_open, window.is_closed) == (True, False, False)
    window.status = model.Status.OPEN
    assert (window.is_scheduled, window.is_open, window.is_closed) == (False, True, False)
    window.status = model.Status.CLOSED
    assert (window.is_scheduled, window.is_open, window.is_closed) == (False, False, True)


def test_closing_a_window_records_who_and_when_like_a_meeting(w):
    when = timezone.make_aware(datetime.datetime(2025, 3, 20, 17, 0))

    services.window_close(window=w.window, by=w.organiser, now=when)
    services.meeting_close(meeting=w.meeting, by=w.organiser, now=when)

    for model, pk in ((LeadershipWindow, w.window.pk), (ReportMeeting, w.meeting.pk)):
        closed = model.objects.get(pk=pk)
        assert closed.is_closed
        assert (closed.closed_by, closed.closed_at) == (w.organiser, when)


def test_a_window_that_was_never_opened_cannot_be_closed(w):
    LeadershipWindow.objects.filter(pk=w.window.pk).update(status="scheduled")
    w.window.refresh_from_db()

    with pytest.raises(ScoringClosed, match="受付中のリーダーシップ評価のみ締め切れます。"):
        services.window_close(window=w.window, by=w.organiser)
    w.window.refresh_from_db()
    assert w.window.is_scheduled and w.window.closed_at is None
