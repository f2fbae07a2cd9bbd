"""Boundaries and refusals of the evaluation services that a mutation run showed
untested (issue #10). Each test kills one mutant; docs/testing.md lists them."""

import datetime
from decimal import Decimal

import pytest

from evaluations import services
from evaluations.exceptions import EvaluationError, NotAllowed, ScoringClosed
from evaluations.models import (
    Criterion,
    CriterionScore,
    Evaluation,
    LeadershipWindow,
    Perspective,
    ReportMeeting,
    Rubric,
)
from projects.models import Membership, Team
from tests import factories

TODAY = datetime.date(2025, 3, 2)


def nothing_stored() -> bool:
    return not Evaluation.objects.exists() and not CriterionScore.objects.exists()


def rate_leader(w, evaluator, team=None):
    return services.evaluation_submit(
        evaluator=evaluator,
        perspective=Perspective.LEADERSHIP,
        team=team or w.team,
        scores=w.leadership(),
    )


# --- the score is rounded half up when stored ----------------------------------------------


def test_a_stored_score_exactly_half_way_is_rounded_up(w):
    """Two criteria weighted 1 and 7, scored 1 and 4: mean 3.625 → 65.625 → 65.63
    (half even would store 65.62)."""
    rubric = Rubric.objects.get(fiscal_year=2024, perspective=Perspective.POLICY)
    first, second, *rest = rubric.criteria.order_by("order")
    Criterion.objects.filter(pk__in=[c.pk for c in rest]).delete()
    Criterion.objects.filter(pk=first.pk).update(weight=1)
    Criterion.objects.filter(pk=second.pk).update(weight=7)

    evaluation = services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores={first.pk: 1, second.pk: 4},
    )

    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("65.63")


# --- leadership window deadline: today is the earliest allowed ----------------------------


def test_a_window_may_close_today(w):
    project = factories.ProjectFactory(fiscal_year=2023, status="reporting")

    window = services.window_open(project=project, closes_on=TODAY, by=w.organiser, today=TODAY)

    assert window.status == LeadershipWindow.Status.OPEN
    assert window.closes_on == TODAY


def test_a_window_may_not_close_yesterday(w):
    project = factories.ProjectFactory(fiscal_year=2023, status="reporting")

    with pytest.raises(EvaluationError, match="締切日は今日以降"):
        services.window_open(
            project=project,
            closes_on=TODAY - datetime.timedelta(days=1),
            by=w.organiser,
            today=TODAY,
        )
    assert not LeadershipWindow.objects.filter(project=project).exists()


# --- comment length: 2,000 characters is the maximum ---------------------------------------


def test_a_comment_of_exactly_2000_characters_is_accepted(w):
    evaluation = services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=w.policy(),
        comment="あ" * 2000,
    )

    evaluation.refresh_from_db()
    assert len(evaluation.comment) == 2000


def test_a_comment_of_2001_characters_is_refused(w):
    with pytest.raises(EvaluationError, match="コメントは2000文字以内にしてください。"):
        services.evaluation_submit(
            evaluator=w.executive,
            perspective=Perspective.POLICY,
            presentation=w.presentation,
            scores=w.policy(),
            comment="あ" * 2001,
        )
    assert nothing_stored()


# --- who may rate a leader --------------------------------------------------------------------


def test_an_applied_member_may_not_rate_the_leader(w):
    """Only approved members (and invited colleagues) rate the leader; an application
    still waiting for a decision is not membership yet."""
    applicant = factories.UserFactory()
    factories.MembershipFactory(team=w.team, user=applicant, status=Membership.Status.APPLIED)

    with pytest.raises(NotAllowed, match="チームのメンバーと招待された"):
        rate_leader(w, applicant)
    assert nothing_stored()


def test_an_approved_member_may_rate_the_leader(w):
    assert rate_leader(w, w.members[0]).score == Decimal("75.00")


@pytest.mark.parametrize("status", [Team.Status.PROPOSED, Team.Status.REJECTED])
def test_the_leader_of_an_unapproved_team_cannot_be_rated(w, status):
    Team.objects.filter(pk=w.team.pk).update(status=status)
    w.team.refresh_from_db()

    with pytest.raises(EvaluationError, match="承認済みのチームのみ評価できます。"):
        rate_leader(w, w.members[0])
    assert nothing_stored()


# --- presentations -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Team.Status.PROPOSED, Team.Status.WITHDRAWN])
def test_an_unapproved_team_of_the_meetings_project_cannot_present(w, status):
    team = factories.team_with(project=w.project)
    Team.objects.filter(pk=team.pk).update(status=status)
    team.refresh_from_db()

    with pytest.raises(EvaluationError, match="承認済みチームを選んでください"):
        services.presentation_add(meeting=w.meeting, team=team)
    assert not w.meeting.presentations.filter(team=team).exists()


# --- rubrics -------------------------------------------------------------------------------


def test_the_last_criterion_of_a_rubric_cannot_be_deleted(db):
    rubric = factories.RubricFactory(fiscal_year=2030, perspective=Perspective.TECHNICAL)
    first, *others = rubric.criteria.order_by("order")
    Criterion.objects.filter(pk__in=[c.pk for c in others]).delete()

    with pytest.raises(EvaluationError, match="評価項目は少なくとも1つ必要です。"):
        services.criterion_delete(criterion=first)
    assert list(rubric.criteria.all()) == [first]


def test_a_criterion_can_be_deleted_while_another_remains(db):
    rubric = factories.RubricFactory(fiscal_year=2030, perspective=Perspective.TECHNICAL)
    first, second, *others = rubric.criteria.order_by("order")
    Criterion.objects.filter(pk__in=[c.pk for c in others]).delete()

    services.criterion_delete(criterion=second)

    assert list(rubric.criteria.all()) == [first]


@pytest.mark.parametrize("year", [2024, "2024"], ids=["number", "text"])
def test_copying_a_rubric_onto_its_own_year_is_refused_and_keeps_its_criteria(w, year):
    rubric = Rubric.objects.get(fiscal_year=2024, perspective=Perspective.POLICY)
    before = list(rubric.criteria.values_list("label_ja", "weight"))

    with pytest.raises(EvaluationError, match="同じ年度にはコピーできません"):
        services.rubric_copy(source=rubric, fiscal_year=year)

    assert list(rubric.criteria.values_list("label_ja", "weight")) == before
    assert len(before) == 5


# --- meetings ------------------------------------------------------------------------------


def test_a_meeting_that_was_never_opened_cannot_be_closed(w):
    ReportMeeting.objects.filter(pk=w.meeting.pk).update(status=ReportMeeting.Status.SCHEDULED)
    w.meeting.refresh_from_db()

    with pytest.raises(ScoringClosed, match="評価受付中の報告会のみ締め切れます。"):
        services.meeting_close(meeting=w.meeting, by=w.organiser)

    w.meeting.refresh_from_db()
    assert w.meeting.status == ReportMeeting.Status.SCHEDULED
    assert w.meeting.closed_at is None and w.meeting.closed_by is None
