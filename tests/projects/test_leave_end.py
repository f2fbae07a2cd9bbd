"""Closing or shortening a recorded leave (休止): the service's rules."""

import datetime

import pytest

from accounts.models import AuditAction, AuditEntry, Role
from projects import services
from projects.exceptions import InvalidData, NotAllowed, WrongState
from projects.models import Membership, MembershipLeave, Project
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
OCT_1 = D(2024, 10, 1)
DEC_31 = D(2024, 12, 31)


@pytest.fixture
def organiser():
    return factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])


@pytest.fixture
def team():
    project = factories.ProjectFactory(fiscal_year=2024, status=Project.Status.IN_PROGRESS)
    return factories.team_with(project=project, members=2)


def member(team):
    return team.memberships.filter(role=Membership.Role.MEMBER).order_by("pk").first()


def leave_of(team, organiser, ends_on=None):
    return services.membership_leave_add(
        membership=member(team),
        kind=MembershipLeave.Kind.CHILDCARE,
        starts_on=OCT_1,
        ends_on=ends_on,
        by=organiser,
    )


def end(leave, ends_on, by):
    return services.membership_leave_end(leave=leave, ends_on=ends_on, by=by)


def test_the_organiser_closes_an_open_ended_leave(team, organiser):
    leave = leave_of(team, organiser)
    end(leave, D(2024, 11, 15), organiser)
    leave.refresh_from_db()
    assert leave.ends_on == D(2024, 11, 15)


def test_the_organiser_shortens_a_leave(team, organiser):
    leave = leave_of(team, organiser, ends_on=DEC_31)
    end(leave, D(2024, 12, 30), organiser)
    leave.refresh_from_db()
    assert leave.ends_on == D(2024, 12, 30)


def test_closing_a_leave_is_in_the_audit_log(team, organiser):
    leave = leave_of(team, organiser)
    end(leave, D(2024, 11, 15), organiser)
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_LEAVE_END)
    assert entry.detail == {"leave": leave.pk, "ends_on": "2024-11-15", "was": None}


def test_a_leave_may_end_on_the_day_it_starts(team, organiser):
    leave = leave_of(team, organiser)
    end(leave, OCT_1, organiser)
    leave.refresh_from_db()
    assert leave.ends_on == OCT_1


def test_a_leave_cannot_end_before_it_starts(team, organiser):
    leave = leave_of(team, organiser)
    with pytest.raises(InvalidData, match="休止開始日以降"):
        end(leave, D(2024, 9, 30), organiser)


def test_a_leave_cannot_be_lengthened(team, organiser):
    leave = leave_of(team, organiser, ends_on=D(2024, 12, 30))
    with pytest.raises(InvalidData, match="短く"):
        end(leave, DEC_31, organiser)


def test_the_same_end_again_changes_nothing(team, organiser):
    leave = leave_of(team, organiser, ends_on=DEC_31)
    end(leave, DEC_31, organiser)
    assert not AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_LEAVE_END).exists()


def test_an_end_on_the_last_day_of_the_fiscal_year_is_accepted(team, organiser):
    leave = leave_of(team, organiser)
    end(leave, D(2025, 3, 31), organiser)
    leave.refresh_from_db()
    assert leave.ends_on == D(2025, 3, 31)


def test_an_end_after_the_fiscal_year_is_refused(team, organiser):
    leave = leave_of(team, organiser)
    with pytest.raises(InvalidData, match="プロジェクトの期間"):
        end(leave, D(2025, 4, 1), organiser)


def test_only_the_organiser_closes_a_leave(team, organiser):
    leave = leave_of(team, organiser)
    with pytest.raises(NotAllowed):
        end(leave, D(2024, 11, 15), factories.UserFactory())


def test_an_organiser_in_the_team_does_not_close_its_leaves(team, organiser):
    leave = leave_of(team, organiser)
    colleague = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])
    factories.MembershipFactory(team=team, user=colleague)
    with pytest.raises(NotAllowed, match="自分が参加するチーム"):
        end(leave, D(2024, 11, 15), colleague)


def test_no_leave_is_closed_once_the_project_is_closed(team, organiser):
    leave = leave_of(team, organiser)
    Project.objects.filter(pk=team.project_id).update(status=Project.Status.CLOSED)
    with pytest.raises(WrongState):
        end(leave, D(2024, 11, 15), organiser)


def test_a_refused_end_changes_nothing(team, organiser):
    leave = leave_of(team, organiser)
    with pytest.raises(InvalidData):
        end(leave, D(2024, 9, 30), organiser)
    leave.refresh_from_db()
    assert leave.ends_on is None
    assert not AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_LEAVE_END).exists()
