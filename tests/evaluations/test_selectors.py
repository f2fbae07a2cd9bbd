from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations import selectors, services
from evaluations.models import Perspective, Presentation
from tests import factories

from .conftest import scores_from


def policy(w, rater, points, presentation=None):
    return services.evaluation_submit(
        evaluator=rater,
        perspective=Perspective.POLICY,
        presentation=presentation or w.presentation,
        scores=scores_from(Perspective.POLICY, points),
    )


def technical(w, rater, points, presentation=None):
    return services.evaluation_submit(
        evaluator=rater,
        perspective=Perspective.TECHNICAL,
        presentation=presentation or w.presentation,
        scores=scores_from(Perspective.TECHNICAL, points),
    )


def aggregates_of(presentation):
    p = Presentation.objects.select_related("meeting__project").get(pk=presentation.pk)
    return selectors.presentation_aggregates(presentations=[p])[p.pk]


def test_aggregates_give_mean_count_and_criterion_means_per_perspective(w):
    policy(w, factories.ExecutiveFactory(), [5, 5, 5, 5, 5])  # 100
    policy(w, factories.ExecutiveFactory(), [3, 3, 3, 3, 3])  # 50
    technical(w, w.expert, [4, 4, 4])  # 75

    agg = aggregates_of(w.presentation)

    assert agg[Perspective.POLICY].count == 2
    assert agg[Perspective.POLICY].mean == Decimal("75.00")
    assert agg[Perspective.POLICY].criteria[0].label == "市民目線"
    assert agg[Perspective.POLICY].criteria[0].mean == Decimal("4.00")
    assert agg[Perspective.TECHNICAL].count == 1
    assert agg[Perspective.TECHNICAL].mean == Decimal("75.00")


def test_raters_far_apart_raise_the_disagreement_flag(w, settings):
    settings.DISAGREEMENT_STDEV = 20.0
    policy(w, factories.ExecutiveFactory(), [5, 5, 5, 5, 5])  # 100
    policy(w, factories.ExecutiveFactory(), [2, 2, 2, 2, 2])  # 25

    agg = aggregates_of(w.presentation)[Perspective.POLICY]

    assert agg.stdev == Decimal("37.50")
    assert agg.disagreement is True


def test_raters_close_together_do_not_raise_the_flag(w):
    policy(w, factories.ExecutiveFactory(), [4, 4, 4, 4, 4])
    policy(w, factories.ExecutiveFactory(), [4, 4, 5, 4, 4])

    assert aggregates_of(w.presentation)[Perspective.POLICY].disagreement is False


def test_closed_score_means_count_only_closed_meetings_and_windows(w):
    policy(w, factories.ExecutiveFactory(), [5, 5, 5, 5, 5])
    policy(w, factories.ExecutiveFactory(), [4, 4, 4, 4, 4])
    technical(w, w.expert, [3, 3, 3])
    for member in w.members:
        services.evaluation_submit(
            evaluator=member,
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(4),
        )
    assert selectors.closed_score_means(fiscal_years=[2024]) == {}

    services.meeting_close(meeting=w.meeting, by=w.organiser)
    assert selectors.closed_score_means(fiscal_years=[2024]) == {
        w.team.pk: {"policy": Decimal("87.50"), "technical": Decimal("50.00")}
    }

    services.window_close(window=w.window, by=w.organiser)
    means = selectors.closed_score_means(fiscal_years=[2024])
    assert means[w.team.pk]["leadership"] == Decimal("75.00")
    assert selectors.closed_score_means(fiscal_years=[2023]) == {}


def test_closed_score_means_run_one_query_whatever_the_size(w):
    for _ in range(4):
        policy(w, factories.ExecutiveFactory(), [4, 4, 4, 4, 4])
        policy(w, factories.ExecutiveFactory(), [3, 4, 4, 4, 4], presentation=w.other_presentation)
    services.meeting_close(meeting=w.meeting, by=w.organiser)
    services.window_close(window=w.window, by=w.organiser)

    with CaptureQueriesContext(connection) as ctx:
        means = selectors.closed_score_means(fiscal_years=[2024])

    assert len(ctx.captured_queries) == 1
    assert set(means) == {w.team.pk, w.other_team.pk}


def test_the_rater_page_status_shows_pending_done_and_conflict(w):
    boss = factories.ExecutiveFactory()
    factories.MembershipFactory(team=w.other_team, user=boss)
    policy(w, boss, [4, 4, 4, 4, 4])

    meeting, rows = selectors.meeting_for_rater(user=boss, meeting_id=w.meeting.pk)

    assert [r.status for r in rows] == [
        {Perspective.POLICY: selectors.DONE},
        {Perspective.POLICY: selectors.CONFLICT},
    ]


def test_the_submission_board_marks_who_has_submitted(w):
    policy(w, w.executive, [4, 4, 4, 4, 4])

    presentations, rows = selectors.submission_board(meeting=w.meeting)

    by_rater = {(r.rater.pk, r.perspective): r.cells for r in rows}
    assert by_rater[(w.executive.pk, Perspective.POLICY)] == [selectors.DONE, selectors.NOT_YET]
    assert by_rater[(w.expert.pk, Perspective.TECHNICAL)] == [selectors.NOT_YET] * 2


def test_leadership_targets_list_members_and_invitees_but_not_the_leader(w):
    colleague = factories.UserFactory(department=w.department)
    services.invitation_add(team=w.team, user=colleague, by=w.organiser)

    assert [t.team for t in selectors.leadership_targets(user=w.members[0])] == [w.team]
    invited = selectors.leadership_targets(user=colleague)
    assert [t.team for t in invited] == [w.team] and invited[0].invited
    assert invited[0].leader == w.leader
    assert selectors.leadership_targets(user=w.leader) == []
