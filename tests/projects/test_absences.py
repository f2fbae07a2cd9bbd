"""Leave mid-project, early end and leader change (issue 14): the services' rules."""

import datetime

import pytest

from accounts.models import AuditAction, AuditEntry, Role
from projects import selectors, services
from projects.exceptions import InvalidData, NotAllowed, WrongState
from projects.models import LeaderTerm, Membership, MembershipLeave, Project
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
CHILDCARE = MembershipLeave.Kind.CHILDCARE
OCT_1 = D(2024, 10, 1)
DEC_1 = D(2024, 12, 1)
DEC_10 = D(2024, 12, 10)


@pytest.fixture
def organiser():
    return factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])


@pytest.fixture
def team():
    project = factories.ProjectFactory(fiscal_year=2024, status=Project.Status.IN_PROGRESS)
    return factories.team_with(project=project, members=2)


def member(team):
    return team.memberships.filter(role=Membership.Role.MEMBER).order_by("pk").first()


def leader(team):
    return team.memberships.get(role=Membership.Role.LEADER)


def add_leave(membership, by, starts_on=OCT_1, ends_on=None, kind=CHILDCARE):
    return services.membership_leave_add(
        membership=membership, kind=kind, starts_on=starts_on, ends_on=ends_on, by=by
    )


# --- leave (休止) ---------------------------------------------------------------------------


def test_the_organiser_records_a_leave_with_its_dates(team, organiser):
    leave = add_leave(member(team), organiser, ends_on=D(2024, 12, 31))
    assert (leave.kind, leave.starts_on, leave.ends_on) == (
        CHILDCARE,
        D(2024, 10, 1),
        D(2024, 12, 31),
    )


def test_a_leave_is_in_the_audit_log(team, organiser):
    add_leave(member(team), organiser)
    assert AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_LEAVE).count() == 1


def test_a_leave_keeps_its_history(team, organiser):
    leave = add_leave(member(team), organiser)
    assert leave.history.count() == 1


def test_a_leave_may_be_open_ended(team, organiser):
    assert add_leave(member(team), organiser).ends_on is None


def test_a_leave_ending_before_it_starts_is_refused(team, organiser):
    with pytest.raises(InvalidData, match="休止終了日は休止開始日以降"):
        add_leave(member(team), organiser, starts_on=D(2024, 10, 2), ends_on=D(2024, 10, 1))


def test_a_one_day_leave_is_accepted(team, organiser):
    assert add_leave(member(team), organiser, starts_on=D(2024, 10, 1), ends_on=D(2024, 10, 1))


def test_a_leave_starting_before_the_project_is_refused(team, organiser):
    with pytest.raises(InvalidData, match="プロジェクトの期間"):
        add_leave(member(team), organiser, starts_on=D(2024, 3, 31))


def test_a_leave_starting_on_the_projects_first_day_is_accepted(team, organiser):
    assert add_leave(member(team), organiser, starts_on=D(2024, 4, 1))


def test_a_leave_ending_after_the_fiscal_year_is_refused(team, organiser):
    with pytest.raises(InvalidData, match="プロジェクトの期間"):
        add_leave(member(team), organiser, ends_on=D(2025, 4, 1))


def test_a_leave_ending_on_the_last_day_of_the_fiscal_year_is_accepted(team, organiser):
    assert add_leave(member(team), organiser, ends_on=D(2025, 3, 31))


def test_overlapping_leaves_are_refused(team, organiser):
    add_leave(member(team), organiser, starts_on=D(2024, 10, 1), ends_on=D(2024, 10, 31))
    with pytest.raises(InvalidData, match="期間が重なっています"):
        add_leave(member(team), organiser, starts_on=D(2024, 10, 31), ends_on=D(2024, 11, 30))


def test_a_leave_right_after_another_is_accepted(team, organiser):
    add_leave(member(team), organiser, starts_on=D(2024, 10, 1), ends_on=D(2024, 10, 31))
    assert add_leave(member(team), organiser, starts_on=D(2024, 11, 1))


def test_a_leave_after_an_open_ended_one_overlaps_it(team, organiser):
    add_leave(member(team), organiser, starts_on=D(2024, 10, 1))
    with pytest.raises(InvalidData, match="期間が重なっています"):
        add_leave(member(team), organiser, starts_on=D(2025, 1, 1), ends_on=D(2025, 1, 31))


def test_an_unknown_kind_of_leave_is_refused(team, organiser):
    with pytest.raises(InvalidData, match="休止の種類"):
        add_leave(member(team), organiser, kind="holiday")


def test_only_the_organiser_records_a_leave(team):
    with pytest.raises(NotAllowed, match="DX推進担当のみ"):
        add_leave(member(team), factories.UserFactory())


def test_an_organiser_in_the_team_does_not_record_its_leaves(team, organiser):
    factories.MembershipFactory(team=team, user=organiser)
    with pytest.raises(NotAllowed, match="自分が参加するチーム"):
        add_leave(member(team), organiser)


def test_no_leave_is_recorded_once_the_project_is_closed(team, organiser):
    Project.objects.filter(pk=team.project_id).update(status=Project.Status.CLOSED)
    with pytest.raises(WrongState, match="終了したプロジェクト"):
        add_leave(member(team), organiser)


def test_an_application_cannot_be_put_on_leave(team, organiser):
    applicant = factories.MembershipFactory(team=team, status=Membership.Status.APPLIED)
    with pytest.raises(WrongState, match="承認済みのメンバーのみ"):
        add_leave(applicant, organiser)


def test_a_refused_leave_changes_nothing(team, organiser):
    with pytest.raises(InvalidData):
        add_leave(member(team), organiser, starts_on=D(2023, 1, 1))
    assert not MembershipLeave.objects.exists()
    assert not AuditEntry.objects.exists()


# --- early end -------------------------------------------------------------------------------


def test_the_organiser_ends_a_membership_early(team, organiser):
    ended = services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    assert ended.ended_on == D(2024, 11, 30)
    assert ended.status == Membership.Status.APPROVED


def test_an_early_end_is_in_the_audit_log(team, organiser):
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    assert AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_END).count() == 1


def test_an_early_end_keeps_the_place_in_the_team(team, organiser):
    before = team.member_count
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    team.refresh_from_db()
    assert team.member_count == before


def test_a_leader_cannot_end_before_the_leader_changes(team, organiser):
    with pytest.raises(WrongState, match="先にリーダーを交代"):
        services.membership_end(membership=leader(team), ended_on=D(2024, 11, 30), by=organiser)


def test_an_end_outside_the_project_is_refused(team, organiser):
    with pytest.raises(InvalidData, match="プロジェクトの期間"):
        services.membership_end(membership=member(team), ended_on=D(2025, 4, 1), by=organiser)


def test_an_end_before_a_recorded_leave_starts_is_refused(team, organiser):
    add_leave(member(team), organiser, starts_on=D(2024, 12, 1))
    with pytest.raises(InvalidData, match="休止"):
        services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)


def test_a_leave_after_the_end_is_refused(team, organiser):
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    with pytest.raises(InvalidData, match="途中終了日"):
        add_leave(member(team), organiser, starts_on=D(2024, 12, 1))


def test_ending_twice_on_the_same_day_writes_once(team, organiser):
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    assert AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_END).count() == 1


# --- leader change --------------------------------------------------------------------------


def change(team, new, organiser, on=DEC_1, today=DEC_10):
    return services.leader_change(team=team, new_leader=new, on=on, by=organiser, today=today)


def test_a_leader_change_swaps_the_roles(team, organiser):
    old, new = leader(team), member(team)
    change(team, new, organiser)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.role, new.role) == (Membership.Role.MEMBER, Membership.Role.LEADER)


def test_a_leader_change_records_both_terms(team, organiser):
    old, new = leader(team), member(team)
    change(team, new, organiser)
    terms = list(
        LeaderTerm.objects.filter(team=team).values_list("user_id", "starts_on", "ends_on")
    )
    assert terms == [(old.user_id, None, D(2024, 11, 30)), (new.user_id, D(2024, 12, 1), None)]


def test_leader_at_a_date_before_the_change_is_the_former_leader(team, organiser):
    old, new = leader(team), member(team)
    change(team, new, organiser)
    assert selectors.leader_at(team, D(2024, 11, 30)) == old.user


def test_leader_at_the_change_date_is_the_new_leader(team, organiser):
    new = member(team)
    change(team, new, organiser)
    assert selectors.leader_at(team, D(2024, 12, 1)) == new.user


def test_leader_at_of_a_team_that_never_changed_is_its_leader(team):
    assert selectors.leader_at(team, D(2024, 12, 1)) == leader(team).user


def test_a_second_change_ends_the_current_term(team, organiser):
    first, second = member(team), team.memberships.filter(role="member").order_by("pk").last()
    change(team, first, organiser, on=D(2024, 12, 1))
    change(team, second, organiser, on=D(2025, 1, 10), today=D(2025, 1, 10))
    assert selectors.leader_at(team, D(2025, 1, 9)) == first.user
    assert selectors.leader_at(team, D(2025, 1, 10)) == second.user


def test_a_change_on_the_current_leaders_first_day_is_refused(team, organiser):
    first, second = member(team), team.memberships.filter(role="member").order_by("pk").last()
    change(team, first, organiser, on=D(2024, 12, 1))
    with pytest.raises(InvalidData, match="就任日"):
        change(team, second, organiser, on=D(2024, 12, 1))


def test_a_change_in_the_future_is_refused(team, organiser):
    with pytest.raises(InvalidData, match="今日以前"):
        change(team, member(team), organiser, on=D(2024, 12, 11), today=D(2024, 12, 10))


def test_a_change_today_is_accepted(team, organiser):
    assert change(team, member(team), organiser, on=D(2024, 12, 10), today=D(2024, 12, 10))


def test_a_member_on_leave_cannot_become_leader(team, organiser):
    add_leave(member(team), organiser, starts_on=D(2024, 11, 1))
    with pytest.raises(InvalidData, match="休止中のメンバー"):
        change(team, member(team), organiser)


def test_an_ended_member_cannot_become_leader(team, organiser):
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    with pytest.raises(InvalidData, match="参加を終了したメンバー"):
        change(team, member(team), organiser)


def test_a_member_of_another_team_cannot_become_leader(team, organiser):
    stranger = factories.MembershipFactory(project=team.project)
    with pytest.raises(InvalidData, match="このチームのメンバーから"):
        change(team, stranger, organiser)


def test_a_leader_change_is_in_the_audit_log(team, organiser):
    change(team, member(team), organiser)
    assert AuditEntry.objects.filter(action=AuditAction.LEADER_CHANGE).count() == 1


def test_only_the_organiser_changes_the_leader(team):
    with pytest.raises(NotAllowed):
        change(team, member(team), factories.UserFactory())


def test_a_refused_change_leaves_the_roles_alone(team, organiser):
    with pytest.raises(InvalidData):
        change(team, member(team), organiser, on=D(2025, 1, 1), today=D(2024, 12, 10))
    assert leader(team).role == Membership.Role.LEADER
    assert not LeaderTerm.objects.exists()


# --- who takes part on a day ----------------------------------------------------------------


def test_a_member_on_leave_does_not_take_part_that_day(team, organiser):
    add_leave(member(team), organiser, starts_on=D(2024, 10, 1), ends_on=D(2024, 10, 31))
    available = selectors.available_memberships(team.memberships.all(), on=D(2024, 10, 31))
    assert member(team) not in available


def test_a_member_back_from_leave_takes_part_again(team, organiser):
    add_leave(member(team), organiser, starts_on=D(2024, 10, 1), ends_on=D(2024, 10, 31))
    available = selectors.available_memberships(team.memberships.all(), on=D(2024, 11, 1))
    assert member(team) in available


def test_an_ended_member_takes_part_on_the_last_day(team, organiser):
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    available = selectors.available_memberships(team.memberships.all(), on=D(2024, 11, 30))
    assert member(team) in available


def test_an_ended_member_does_not_take_part_the_day_after(team, organiser):
    services.membership_end(membership=member(team), ended_on=D(2024, 11, 30), by=organiser)
    available = selectors.available_memberships(team.memberships.all(), on=D(2024, 12, 1))
    assert member(team) not in available
