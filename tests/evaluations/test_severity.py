"""Judge severity on the organiser's results page (decision record 0022): per-rater mean
and spread, raw and normalised means side by side, a flag where pass/fail would differ."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import selectors
from evaluations.models import Perspective, ReportMeeting
from projects.models import Membership
from tests import factories
from tests.certification.helpers import meeting_of, project_of

pytestmark = pytest.mark.django_db

# Team A drew the harsh E1 without the lenient E2 (see tests/certification/test_score_basis.py).
POLICY = {
    "A": {0: 40, 2: 62},
    "B": {0: 30, 1: 90, 2: 60},
    "C": {0: 50, 1: 100, 2: 70},
    "D": {1: 80, 2: 55},
}


def build(policy=POLICY, *, status=ReportMeeting.Status.CLOSED, executives=3):
    project = project_of(2024)
    meeting = meeting_of(project, status=status)
    people = [
        factories.ExecutiveFactory(last_name=f"幹部{i}", first_name="太郎")
        for i in range(executives)
    ]
    expert = factories.ExpertFactory(last_name="専門", first_name="花子")
    for order, (name, scores) in enumerate(policy.items(), start=1):
        team = factories.TeamFactory(project=project, name=f"チーム{name}")
        factories.MembershipFactory(
            team=team, user=factories.UserFactory(), role=Membership.Role.LEADER
        )
        presentation = factories.PresentationFactory(meeting=meeting, team=team, order=order)
        for index, score in scores.items():
            factories.EvaluationFactory(
                presentation=presentation,
                evaluator=people[index],
                perspective=Perspective.POLICY,
                score=Decimal(score),
            )
        factories.EvaluationFactory(
            presentation=presentation,
            evaluator=expert,
            perspective=Perspective.TECHNICAL,
            score=Decimal(60),
        )
    return meeting, people


def results_page(client, user, meeting) -> str:
    client.force_login(user)
    response = client.get(reverse("evaluations:organiser_meeting_results", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_raters_mean_spread_and_team_count_harshest_first():
    meeting, people = build()

    severity = selectors.meeting_severity(meeting=meeting)

    policy = [r for r in severity.raters if r.perspective == Perspective.POLICY]
    assert [r.rater for r in policy] == [people[0], people[2], people[1]]
    assert [round(r.mean, 2) for r in policy] == [40, 61.75, 90]
    assert [r.teams for r in policy] == [3, 4, 3]
    assert round(policy[0].spread, 4) == 8.165  # population sd of 40, 30, 50


def test_a_rater_with_fewer_than_three_teams_is_not_normalised():
    meeting, people = build({"A": {0: 40, 1: 90}, "B": {0: 30, 1: 95}, "C": {1: 70}})

    severity = selectors.meeting_severity(meeting=meeting)

    rows = {r.rater: r for r in severity.raters}
    assert rows[people[0]].too_few and rows[people[0]].teams == 2
    assert not rows[people[1]].too_few


def test_raw_and_normalised_means_per_presentation_in_perspective_order():
    meeting, _people = build()
    a = meeting.presentations.get(team__name="チームA")

    policy, technical = selectors.meeting_severity(meeting=meeting).means_of(a.pk)

    assert policy.raw == 51 and round(policy.normalised, 2) == 64.18
    assert policy.raters == 2 and technical.raw == technical.normalised == 60


def test_the_organiser_sees_raw_and_normalised_means_and_the_rater_table(client, organiser):
    meeting, _people = build()

    html = results_page(client, organiser, meeting)

    assert "素点と補正後の平均" in html and "評価者別の傾向" in html
    assert "64.2" in html  # team A's normalised policy mean beside its raw 51
    assert "幹部0 太郎" in html and "専門 花子" in html


def test_hr_sees_the_same_table(client, hr_admin):
    meeting, _people = build()

    assert "評価者別の傾向" in results_page(client, hr_admin, meeting)


def test_a_team_whose_pass_or_fail_would_differ_is_flagged(client, organiser):
    meeting, _people = build()

    html = results_page(client, organiser, meeting)

    assert html.count("補正の有無で合否が変わります") == 3  # A, B and D; not C


def test_no_flag_when_both_bases_agree(client, organiser):
    meeting, _people = build({n: {0: 80, 1: 85, 2: 90} for n in "ABC"})

    assert "補正の有無で合否が変わります" not in results_page(client, organiser, meeting)


def test_an_open_meeting_shows_no_severity_yet(client, organiser):
    meeting, _people = build(status=ReportMeeting.Status.OPEN)

    assert "評価者別の傾向" not in results_page(client, organiser, meeting)


def test_the_rater_with_too_few_teams_is_said_to_be_left_raw(client, organiser):
    meeting, _people = build({"A": {0: 40, 1: 90}, "B": {0: 30, 1: 95}, "C": {1: 70}})

    assert "補正なし（3チーム未満）" in results_page(client, organiser, meeting)


def test_an_executive_never_reaches_the_severity_table(client):
    meeting, people = build()
    client.force_login(people[0])

    response = client.get(reverse("evaluations:organiser_meeting_results", args=[meeting.pk]))

    assert response.status_code == 403


def test_the_results_page_costs_the_same_queries_with_more_raters_and_teams(client, organiser):
    small, _ = build()
    bigger_policy = {
        f"{n}{i}": {0: 40 + i, 1: 70 + i, 2: 50, 3: 60 + i} for n in "EFGH" for i in range(2)
    }
    big, _ = build(bigger_policy, executives=4)
    client.force_login(organiser)

    def count(meeting):
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("evaluations:organiser_meeting_results", args=[meeting.pk]))
        return len(ctx)

    count(small)  # warm the per-request caches alike
    assert count(big) == count(small)
