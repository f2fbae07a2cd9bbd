"""Issue 14 in the leadership window: members on leave or ended are neither raters nor
reminded nor invited; after a leader change the window evaluates the leader at the
team's report meeting, and says so."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from evaluations import selectors, services
from evaluations.exceptions import NotAllowed
from evaluations.models import LeadershipWindow, Perspective
from evaluations.signals import leadership_window_closed
from projects import services as project_services
from projects.models import Membership, MembershipLeave, Project
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world():
    """FY2024, in progress: a team (leader + 2 members) presenting at a meeting held
    2025-02-10, and an open leadership window."""
    project = factories.ProjectFactory(fiscal_year=2024, status=Project.Status.REPORTING)
    team = factories.team_with(project=project, members=2)
    meeting = factories.ReportMeetingFactory(project=project, held_on=D(2025, 2, 10))
    factories.PresentationFactory(meeting=meeting, team=team)
    window = factories.LeadershipWindowFactory(
        project=project, status=LeadershipWindow.Status.OPEN, closes_on=D(2025, 3, 20)
    )
    members = list(team.memberships.filter(role=Membership.Role.MEMBER).order_by("pk"))
    leader = team.memberships.get(role=Membership.Role.LEADER)
    organiser = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])
    return team, window, leader, members, organiser


def on_leave(membership, starts_on, ends_on=None):
    return MembershipLeave.objects.create(
        membership=membership,
        kind=MembershipLeave.Kind.SICK,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def test_a_member_on_leave_is_not_counted_as_a_possible_rater(world):
    team, window, _leader, members, _organiser = world
    on_leave(members[0], D(2025, 3, 1))
    [row] = selectors.window_overview(window=window, today=D(2025, 3, 10))
    assert row["possible"] == 1


def test_a_member_on_leave_is_named_as_left_out(world):
    team, window, _leader, members, _organiser = world
    on_leave(members[0], D(2025, 3, 1))
    [row] = selectors.window_overview(window=window, today=D(2025, 3, 10))
    assert row["absent"] == [members[0].user]


def test_a_member_back_from_leave_is_a_rater_again(world):
    team, window, _leader, members, _organiser = world
    on_leave(members[0], D(2025, 3, 1), D(2025, 3, 9))
    [row] = selectors.window_overview(window=window, today=D(2025, 3, 10))
    assert row["possible"] == 2


def test_a_member_on_leave_is_not_reminded(world):
    team, window, _leader, members, _organiser = world
    on_leave(members[0], D(2025, 3, 1))
    pending = selectors.leadership_pending_raters(window=window, today=D(2025, 3, 19))
    assert [user for user, _teams in pending] == [members[1].user]


def test_a_member_who_ended_before_the_day_is_not_reminded(world):
    team, window, _leader, members, _organiser = world
    Membership.objects.filter(pk=members[0].pk).update(ended_on=D(2025, 3, 18))
    pending = selectors.leadership_pending_raters(window=window, today=D(2025, 3, 19))
    assert [user for user, _teams in pending] == [members[1].user]


def test_a_member_ending_on_the_day_is_still_reminded(world):
    team, window, _leader, members, _organiser = world
    Membership.objects.filter(pk=members[0].pk).update(ended_on=D(2025, 3, 19))
    pending = selectors.leadership_pending_raters(window=window, today=D(2025, 3, 19))
    assert len(pending) == 2


def test_a_member_on_leave_today_has_no_leader_to_rate(world):
    team, window, _leader, members, _organiser = world
    on_leave(members[0], timezone.localdate())
    assert selectors.leadership_targets(user=members[0].user) == []


def test_a_member_on_leave_today_cannot_submit_a_leadership_evaluation(world):
    team, window, _leader, members, _organiser = world
    on_leave(members[0], timezone.localdate())
    with pytest.raises(NotAllowed, match="休止中"):
        services.evaluation_submit(
            evaluator=members[0].user, perspective=Perspective.LEADERSHIP, team=team, scores={}
        )


def test_a_member_on_leave_cannot_be_invited_instead(world):
    team, window, leader, members, organiser = world
    on_leave(members[0], timezone.localdate())
    with pytest.raises(NotAllowed, match="休止中"):
        services.invitation_add(team=team, user=members[0].user, by=organiser)


def _change_leader(team, new, organiser, on):
    project_services.leader_change(team=team, new_leader=new, on=on, by=organiser, today=on)


def test_after_a_change_past_the_meeting_the_window_evaluates_the_leader_at_the_meeting(world):
    team, window, leader, members, organiser = world
    _change_leader(team, members[0], organiser, D(2025, 3, 1))
    [row] = selectors.window_overview(window=window, today=D(2025, 3, 10))
    assert (row["leader"], row["led_on"]) == (leader.user, D(2025, 2, 10))


def test_after_a_change_before_the_meeting_the_window_evaluates_the_new_leader(world):
    team, window, _leader, members, organiser = world
    _change_leader(team, members[0], organiser, D(2025, 2, 10))
    [row] = selectors.window_overview(window=window, today=D(2025, 3, 10))
    assert (row["leader"], row["led_on"]) == (members[0].user, D(2025, 2, 10))


def test_without_a_change_the_window_evaluates_the_current_leader_and_names_no_date(world):
    team, window, leader, _members, _organiser = world
    [row] = selectors.window_overview(window=window, today=D(2025, 3, 10))
    assert (row["leader"], row["led_on"]) == (leader.user, None)


def test_after_a_change_the_new_leader_rates_the_former_one(world):
    team, window, leader, members, organiser = world
    _change_leader(team, members[0], organiser, D(2025, 3, 1))
    pending = selectors.leadership_pending_raters(window=window, today=D(2025, 3, 10))
    assert {user for user, _teams in pending} == {members[0].user, members[1].user}


def test_after_a_change_the_evaluated_leader_does_not_rate_themself(world):
    team, window, leader, members, organiser = world
    _change_leader(team, members[0], organiser, D(2025, 2, 1))  # before the meeting
    with pytest.raises(NotAllowed, match="自分自身"):
        services.evaluation_submit(
            evaluator=members[0].user, perspective=Perspective.LEADERSHIP, team=team, scores={}
        )


def test_the_former_leader_evaluated_at_the_meeting_is_recomputed_when_the_window_closes(
    world, django_capture_on_commit_callbacks
):
    team, window, leader, members, organiser = world
    _change_leader(team, members[0], organiser, D(2025, 3, 1))
    sent = []

    def receiver(sender, user_ids=(), **kwargs):
        sent.append(set(user_ids))

    leadership_window_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.window_close(window=window, by=organiser)
    finally:
        leadership_window_closed.disconnect(receiver)
    assert leader.user_id in sent[0]


def test_the_reminder_run_sends_nothing_to_a_member_on_leave(world):
    team, window, _leader, members, _organiser = world
    on_leave(members[0], D(2025, 3, 1))
    services.reminders_send(today=D(2025, 3, 19))
    assert sorted(m.to[0] for m in mail.outbox) == [members[1].user.email]


def test_after_a_change_only_the_evaluated_leader_may_see_the_leadership_aggregate(world):
    team, window, leader, members, organiser = world
    _change_leader(team, members[0], organiser, D(2025, 3, 1))
    former = selectors.team_results(team=team, viewer=leader.user)
    successor = selectors.team_results(team=team, viewer=members[0].user)
    assert former.leadership_state != "not_leader"
    assert successor.leadership_state == "not_leader"
