import pytest

from certification import rules
from certification.selectors import gather
from evaluations.models import LeadershipWindow, ReportMeeting
from projects.models import Membership
from tests import factories
from tests.certification.helpers import Raters, meeting_of, project_of, scored_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def raters():
    return Raters()


def test_a_member_and_a_leader_get_their_teams_scores(raters):
    leader, member = factories.UserFactory(), factories.UserFactory()
    team = scored_team(
        raters,
        leader=leader,
        members=[member],
        policy=(70, 80),
        technical=(60,),
        leadership=(65, 75),
    )
    data = gather(user_ids=[leader.pk, member.pk])
    [lead] = data.participations[leader.pk]
    [memb] = data.participations[member.pk]
    assert lead == rules.Participation(2024, team.pk, "leader", (70, 80), (60,), (65, 75))
    assert memb == rules.Participation(2024, team.pk, "member", (70, 80), (60,), ())
    assert data.teams[team.pk].name == team.name


def test_too_few_policy_raters_leave_the_report_score_pending(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member], policy=(90,), technical=(90,))
    data = gather(user_ids=[member.pk])
    [p] = data.participations[member.pk]
    assert rules.report_score(p, rules.RuleSet(fiscal_year=2024)) is None


def test_scores_of_an_open_meeting_are_ignored(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member], meeting_status=ReportMeeting.Status.OPEN)
    [p] = gather(user_ids=[member.pk]).participations[member.pk]
    assert p.policy_scores == () and p.technical_scores == ()


def test_leadership_scores_count_only_once_the_window_is_closed(raters):
    leader = factories.UserFactory()
    scored_team(
        raters, leader=leader, leadership=(80, 80), window_status=LeadershipWindow.Status.OPEN
    )
    [p] = gather(user_ids=[leader.pk]).participations[leader.pk]
    assert p.leadership_scores == ()


def test_all_closed_meetings_of_a_team_count(raters):
    member = factories.UserFactory()
    project = project_of(2023)
    team = scored_team(raters, year=2023, project=project, members=[member], policy=(50, 50))
    second = meeting_of(project)
    presentation = factories.PresentationFactory(meeting=second, team=team)
    factories.EvaluationFactory(presentation=presentation, evaluator=raters.executives[2])
    [p] = gather(user_ids=[member.pk]).participations[member.pk]
    assert sorted(p.policy_scores) == [50, 50, 75]


def test_an_executive_who_scored_a_team_at_two_meetings_is_one_rater(raters):
    member = factories.UserFactory()
    project = project_of(2023)
    team = scored_team(raters, year=2023, project=project, members=[member], policy=(50,))
    second = meeting_of(project)
    presentation = factories.PresentationFactory(meeting=second, team=team)
    factories.EvaluationFactory(presentation=presentation, evaluator=raters.executives[0])
    [p] = gather(user_ids=[member.pk]).participations[member.pk]
    assert p.policy_scores == (62.5,)  # one person: the mean of their two evaluations
    assert rules.report_score(p, rules.RuleSet(fiscal_year=2023)) is None  # 1 < 2 raters


def test_unapproved_memberships_and_teams_are_not_participations(raters):
    applicant = factories.UserFactory()
    team = scored_team(raters)
    factories.MembershipFactory(team=team, user=applicant, status=Membership.Status.APPLIED)
    proposed = factories.TeamFactory(status="proposed")
    other = factories.UserFactory()
    factories.MembershipFactory(team=proposed, user=other)
    data = gather(user_ids=[applicant.pk, other.pk])
    assert data.participations == {}


def test_rule_sets_become_the_engines_rule_sets_and_manual_grants_become_prior():
    factories.RuleSetFactory(fiscal_year=2023, report_threshold=70, policy_weight="0.5")
    cert = factories.CertificationFactory(
        source="manual", reason="前職での実績", level=1, fiscal_year=2022
    )
    factories.CertificationFactory(level=2, fiscal_year=2023, user=cert.user)  # automatic
    data = gather(user_ids=[cert.user.pk])
    assert data.rule_sets[2023].report_threshold == 70.0
    assert data.rule_sets[2023].policy_weight == 0.5
    assert 2024 not in data.rule_sets
    assert data.prior[cert.user.pk] == [rules.PriorAward(rules.Level.ADVISOR, 2022)]


def test_gather_runs_a_fixed_number_of_queries(raters, django_assert_num_queries):
    people = [factories.UserFactory() for _ in range(6)]
    scored_team(raters, leader=people[0], members=people[1:3], leadership=(70, 70))
    scored_team(raters, leader=people[3], members=people[4:6])
    with django_assert_num_queries(6):
        data = gather(user_ids=[p.pk for p in people])
    assert len(data.participations) == 6
