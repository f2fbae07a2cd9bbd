"""The 報告会 score that decides a certification, shown on the evaluations results pages."""

import pytest
from django.urls import reverse

from certification import selectors
from evaluations.models import ReportMeeting
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = pytest.mark.django_db


def test_the_combined_score_weights_policy_and_technical_means_by_the_years_rule_set():
    team = scored_team(Raters(), year=2024, policy=(70, 80), technical=(60,))
    factories.RuleSetFactory(fiscal_year=2024, policy_weight=0.5, technical_weight=0.5)

    result = selectors.report_results(teams=[team])[team.pk]

    assert result.score == pytest.approx(67.5)  # (75 × 0.5 + 60 × 0.5)
    assert result.state == "met"


def test_a_team_with_too_few_raters_is_pending_not_zero():
    team = scored_team(Raters(), policy=(70,), technical=(70,))

    assert selectors.report_results(teams=[team])[team.pk].state == "pending"


def test_the_team_results_page_shows_the_combined_score_and_the_threshold(client):
    team = scored_team(Raters(), policy=(70, 66), technical=(67,))
    leader = team.memberships.get(role="leader").user
    client.force_login(leader)

    html = client.get(reverse("evaluations:team_results", args=[team.pk])).content.decode()

    # Default rule set: policy 0.6, technical 0.4 → 68 × 0.6 + 67 × 0.4 = 67.6
    assert "67.6点" in html
    assert "基準 60点以上" in html
    assert "基準を満たしています" in html


def test_a_score_below_the_threshold_says_so(client):
    team = scored_team(Raters(), policy=(50, 50), technical=(50,))
    client.force_login(team.memberships.get(role="leader").user)

    html = client.get(reverse("evaluations:team_results", args=[team.pk])).content.decode()

    assert "50点" in html and "基準に届いていません" in html


def test_the_organiser_results_page_shows_each_teams_combined_score(client, organiser):
    team = scored_team(Raters(), policy=(80, 80), technical=(70,))
    meeting = team.presentations.get().meeting
    client.force_login(organiser)

    html = client.get(
        reverse("evaluations:organiser_meeting_results", args=[meeting.pk])
    ).content.decode()

    assert "76点" in html  # 80 × 0.6 + 70 × 0.4
    assert "基準 60点以上" in html


def test_an_open_meeting_shows_no_combined_score_yet(client, organiser):
    team = scored_team(
        Raters(), policy=(80, 80), technical=(70,), meeting_status=ReportMeeting.Status.OPEN
    )
    meeting = team.presentations.get().meeting
    client.force_login(organiser)

    html = client.get(
        reverse("evaluations:organiser_meeting_results", args=[meeting.pk])
    ).content.decode()

    assert "認定の判定に使う報告会の総合評価" not in html
