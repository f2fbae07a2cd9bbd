"""Issue 14 in certification (decision record 0024): an early leaver counts only if they
took part until the team's report meeting; after a leader change, the leadership scores
are those of the leader at the report meeting, and the evidence names that date."""

import datetime

import pytest

from certification import evidence, rules
from certification.selectors import gather
from projects.models import LeaderTerm, Membership, MembershipLeave
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = pytest.mark.django_db

D = datetime.date
MEETING = D(2025, 2, 10)  # the helpers' report meeting of FY2024


@pytest.fixture
def raters():
    return Raters()


def _end(user, day):
    Membership.objects.filter(user=user).update(ended_on=day)


def test_a_member_who_ended_the_day_before_the_meeting_does_not_count(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    _end(member, MEETING - datetime.timedelta(days=1))
    assert member.pk not in gather(user_ids=[member.pk]).participations


def test_a_member_who_ended_on_the_meeting_day_counts(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    _end(member, MEETING)
    assert len(gather(user_ids=[member.pk]).participations[member.pk]) == 1


def test_an_ended_member_of_a_team_without_a_meeting_does_not_count(raters):
    member = factories.UserFactory()
    team = factories.team_with(members=0)
    factories.MembershipFactory(team=team, user=member, ended_on=D(2024, 12, 1))
    assert member.pk not in gather(user_ids=[member.pk]).participations


def test_a_member_on_leave_at_the_meeting_still_counts(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    MembershipLeave.objects.create(
        membership=Membership.objects.get(user=member),
        kind=MembershipLeave.Kind.CHILDCARE,
        starts_on=D(2025, 1, 1),
    )
    assert len(gather(user_ids=[member.pk]).participations[member.pk]) == 1


def _changed_after_the_meeting(raters):
    """Leader `old` led at the meeting; `new` took over on 2025-03-01."""
    old, new = factories.UserFactory(), factories.UserFactory()
    team = scored_team(raters, leader=old, members=[new], leadership=(80, 90))
    Membership.objects.filter(team=team, user=old).update(role=Membership.Role.MEMBER)
    Membership.objects.filter(team=team, user=new).update(role=Membership.Role.LEADER)
    LeaderTerm.objects.create(team=team, user=old, starts_on=None, ends_on=D(2025, 2, 28))
    LeaderTerm.objects.create(team=team, user=new, starts_on=D(2025, 3, 1))
    return old, new


def test_the_leader_at_the_meeting_gets_the_leadership_scores(raters):
    old, new = _changed_after_the_meeting(raters)
    [p] = gather(user_ids=[old.pk]).participations[old.pk]
    assert (p.role, p.leadership_scores, p.led_on) == ("leader", (80.0, 90.0), "2025-02-10")


def test_the_leader_after_the_meeting_counts_as_a_member(raters):
    old, new = _changed_after_the_meeting(raters)
    [p] = gather(user_ids=[new.pk]).participations[new.pk]
    assert (p.role, p.leadership_scores) == ("member", ())


def test_the_evidence_names_the_report_meeting_the_leader_led_at(raters):
    old, _new = _changed_after_the_meeting(raters)
    data = gather(user_ids=[old.pk])
    outcome = rules.decide(data.participations[old.pk], data.rule_sets, [])
    [team] = evidence.evidence_teams(outcome.awards[0].evidence)
    assert team["leader_at_meeting"] == "2025-02-10"
    assert "報告会 令和7年2月10日 時点" in evidence.summary(outcome.awards[0].evidence)


def test_a_team_whose_leader_never_changed_has_no_meeting_date_in_its_evidence(raters):
    leader = factories.UserFactory()
    scored_team(raters, leader=leader, leadership=(80, 90))
    [p] = gather(user_ids=[leader.pk]).participations[leader.pk]
    assert p.led_on is None
