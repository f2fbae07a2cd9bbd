import datetime
from decimal import Decimal

import pytest

from accounts.models import Grade
from projects import services
from projects.exceptions import (
    AlreadyInTeam,
    GradeAboveLimit,
    InvalidData,
    NotAllowed,
    OutsideRecruitmentWindow,
    TeamFull,
    WrongState,
)
from projects.models import Attendance, MeasuredEffect, Membership, Project, Team, Worksheet
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 5, 1)


@pytest.fixture
def project():
    return factories.ProjectFactory(
        fiscal_year=2024,
        status=Project.Status.RECRUITING,
        recruitment_starts_on=datetime.date(2024, 4, 1),
        recruitment_ends_on=datetime.date(2024, 5, 31),
        team_size_min=2,
        team_size_max=3,
    )


def propose(project, user=None, name="チームA"):
    return services.team_propose(
        project=project,
        by=user or factories.UserFactory(),
        name=name,
        theme="工事書類の電子化",
        today=TODAY,
    )


def leader_of(team):
    return Membership.objects.get(team=team, role=Membership.Role.LEADER)


# --- team_propose ----------------------------------------------------------------------


def test_proposing_a_team_makes_the_proposer_its_applied_leader(project):
    user = factories.UserFactory()
    team = propose(project, user)
    assert team.status == Team.Status.PROPOSED
    assert team.member_count == 1
    assert team.max_size == 3
    leader = leader_of(team)
    assert leader.user == user
    assert leader.status == Membership.Status.APPLIED


def test_a_team_cannot_be_proposed_before_the_window_opens(project):
    with pytest.raises(OutsideRecruitmentWindow, match="募集期間外です"):
        services.team_propose(
            project=project,
            by=factories.UserFactory(),
            name="A",
            theme="t",
            today=datetime.date(2024, 3, 31),
        )
    assert not Team.objects.exists()


def test_a_team_cannot_be_proposed_after_the_window_closes(project):
    with pytest.raises(OutsideRecruitmentWindow):
        services.team_propose(
            project=project,
            by=factories.UserFactory(),
            name="A",
            theme="t",
            today=datetime.date(2024, 6, 1),
        )


def test_the_window_defaults_to_today(project):
    """Without `today`, the real date (2026 or later) is outside the 2024 window."""
    with pytest.raises(OutsideRecruitmentWindow):
        services.team_propose(project=project, by=factories.UserFactory(), name="A", theme="t")


def test_a_grade_above_the_limit_cannot_propose(project):
    with pytest.raises(GradeAboveLimit, match="係長"):
        propose(project, factories.UserFactory(grade=Grade.KACHO_HOSA))
    assert not Team.objects.exists()


def test_a_person_without_a_grade_cannot_propose(project):
    with pytest.raises(GradeAboveLimit):
        propose(project, factories.UserFactory(grade=None))


def test_a_team_cannot_be_proposed_unless_the_project_is_recruiting(project):
    project.status = Project.Status.IN_PROGRESS
    project.save()
    with pytest.raises(WrongState, match="募集中ではありません"):
        propose(project)


def test_a_person_already_in_a_team_cannot_propose_another(project):
    user = factories.UserFactory()
    propose(project, user)
    with pytest.raises(AlreadyInTeam, match="既に別のチームに参加しています"):
        propose(project, user, name="チームB")
    assert Team.objects.count() == 1


def test_two_teams_of_one_project_cannot_share_a_name(project):
    propose(project)
    with pytest.raises(InvalidData, match="同じ名前のチーム"):
        propose(project)
    assert Team.objects.count() == 1


def test_the_same_person_may_join_teams_of_different_projects(project):
    user = factories.UserFactory()
    propose(project, user)
    other = factories.ProjectFactory(
        fiscal_year=2025,
        recruitment_starts_on=datetime.date(2024, 4, 1),
        recruitment_ends_on=datetime.date(2024, 5, 31),
    )
    assert propose(other, user).pk


# --- team_approve / reject / withdraw -------------------------------------------------


def test_approving_a_team_approves_its_leader_and_creates_its_worksheet(project, organiser):
    team = propose(project)
    services.team_approve(team=team, by=organiser)
    team.refresh_from_db()
    assert team.status == Team.Status.APPROVED
    assert leader_of(team).status == Membership.Status.APPROVED
    assert leader_of(team).decided_at is not None
    assert Worksheet.objects.filter(team=team).exists()


def test_approving_an_approved_team_changes_nothing(project, organiser):
    team = propose(project)
    services.team_approve(team=team, by=organiser)
    history = team.history.count()
    services.team_approve(team=team, by=organiser)
    assert team.history.count() == history


def test_a_rejected_team_cannot_be_approved(project, organiser):
    team = propose(project)
    services.team_reject(team=team, by=organiser)
    with pytest.raises(WrongState, match="承認できません"):
        services.team_approve(team=team, by=organiser)


def test_rejecting_a_team_rejects_everyone_and_frees_the_places(project, organiser):
    team = propose(project)
    applicant = factories.UserFactory()
    services.membership_apply(team=team, by=applicant, today=TODAY)
    services.team_reject(team=team, by=organiser)
    team.refresh_from_db()
    assert team.status == Team.Status.REJECTED
    assert team.member_count == 0
    assert set(Membership.objects.values_list("status", flat=True)) == {"rejected"}
    # the applicant is free to join another team
    other = propose(project, name="チームB")
    assert services.membership_apply(team=other, by=applicant, today=TODAY).pk


def test_an_approved_team_cannot_be_rejected(project, organiser):
    team = propose(project)
    services.team_approve(team=team, by=organiser)
    with pytest.raises(WrongState, match="承認待ちのチームのみ却下できます"):
        services.team_reject(team=team, by=organiser)


def test_the_leader_withdraws_a_proposed_team_with_its_applications(project):
    leader = factories.UserFactory()
    team = propose(project, leader)
    services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    services.team_withdraw(team=team, by=leader, today=TODAY)
    team.refresh_from_db()
    assert team.status == Team.Status.WITHDRAWN
    assert team.member_count == 0
    assert set(Membership.objects.values_list("status", flat=True)) == {"withdrawn"}


def test_only_the_leader_may_withdraw_a_team(project):
    team = propose(project)
    with pytest.raises(NotAllowed):
        services.team_withdraw(team=team, by=factories.UserFactory(), today=TODAY)


# --- membership_apply -------------------------------------------------------------------


def test_applying_holds_a_place(project):
    team = propose(project)
    membership = services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    team.refresh_from_db()
    assert membership.status == Membership.Status.APPLIED
    assert membership.project == project
    assert team.member_count == 2


def test_a_member_cannot_join_a_full_team(project):
    team = propose(project)
    services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    late = factories.UserFactory()
    with pytest.raises(TeamFull, match="このチームは定員に達しています。"):
        services.membership_apply(team=team, by=late, today=TODAY)
    team.refresh_from_db()
    assert team.member_count == 3
    assert not Membership.objects.filter(user=late).exists()


def test_a_person_cannot_apply_to_two_teams_of_one_project(project):
    first, second = propose(project, name="A"), propose(project, name="B")
    user = factories.UserFactory()
    services.membership_apply(team=first, by=user, today=TODAY)
    with pytest.raises(AlreadyInTeam):
        services.membership_apply(team=second, by=user, today=TODAY)
    second.refresh_from_db()
    assert second.member_count == 1


def test_the_database_refuses_a_second_live_membership_as_a_clear_message(project, monkeypatch):
    """If the eligibility check is bypassed (a race), the constraint's refusal is the same."""
    first, second = propose(project, name="A"), propose(project, name="B")
    user = factories.UserFactory()
    services.membership_apply(team=first, by=user, today=TODAY)
    monkeypatch.setattr(services.memberships, "check_eligible", lambda *a, **k: None)
    with pytest.raises(AlreadyInTeam, match="既に別のチームに参加しています"):
        services.membership_apply(team=second, by=user, today=TODAY)
    second.refresh_from_db()
    assert second.member_count == 1


def test_the_database_refuses_to_overfill_a_team_as_a_clear_message(project, monkeypatch):
    """A stale count (as in a race without the row lock) still cannot overfill the team."""
    team = propose(project)
    services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    stale = Team.objects.select_related("project").get(pk=team.pk)
    stale.member_count = 0
    monkeypatch.setattr(services.memberships, "_lock_team", lambda t: stale)
    with pytest.raises(TeamFull, match="このチームは定員に達しています。"):
        services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    team.refresh_from_db()
    assert team.member_count == 3
    assert Membership.objects.filter(team=team).count() == 3


def test_a_withdrawn_team_takes_no_applications(project):
    leader = factories.UserFactory()
    team = propose(project, leader)
    services.team_withdraw(team=team, by=leader, today=TODAY)
    with pytest.raises(WrongState, match="参加を申請できません"):
        services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)


def test_nobody_applies_outside_the_window(project):
    team = propose(project)
    with pytest.raises(OutsideRecruitmentWindow):
        services.membership_apply(
            team=team, by=factories.UserFactory(), today=datetime.date(2024, 6, 1)
        )


def test_a_grade_above_the_limit_cannot_apply(project):
    team = propose(project)
    with pytest.raises(GradeAboveLimit):
        services.membership_apply(
            team=team, by=factories.UserFactory(grade=Grade.KACHO), today=TODAY
        )


# --- membership_approve / reject / withdraw --------------------------------------------


def test_an_application_to_an_approved_team_is_approved(project, organiser):
    team = propose(project)
    services.team_approve(team=team, by=organiser)
    membership = services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    services.membership_approve(membership=membership, by=organiser)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    assert membership.decided_at is not None


def test_an_application_waits_for_its_team_to_be_approved(project, organiser):
    team = propose(project)
    membership = services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    with pytest.raises(WrongState, match="先にチームを承認してください"):
        services.membership_approve(membership=membership, by=organiser)


def test_a_leaders_membership_is_approved_with_the_team_not_alone(project, organiser):
    team = propose(project)
    with pytest.raises(WrongState, match="チームの承認で確定します"):
        services.membership_approve(membership=leader_of(team), by=organiser)


def test_rejecting_an_application_frees_its_place(project, organiser):
    team = propose(project)
    membership = services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    services.membership_reject(membership=membership, by=organiser)
    membership.refresh_from_db()
    team.refresh_from_db()
    assert membership.status == Membership.Status.REJECTED
    assert team.member_count == 1


def test_an_approved_membership_cannot_be_rejected(project, organiser):
    team = propose(project)
    services.team_approve(team=team, by=organiser)
    membership = services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    services.membership_approve(membership=membership, by=organiser)
    with pytest.raises(WrongState, match="申請中の参加のみ却下できます"):
        services.membership_reject(membership=membership, by=organiser)


def test_a_member_withdraws_during_recruitment_and_frees_the_place(project):
    team = propose(project)
    user = factories.UserFactory()
    membership = services.membership_apply(team=team, by=user, today=TODAY)
    services.membership_withdraw(membership=membership, by=user, today=TODAY)
    membership.refresh_from_db()
    team.refresh_from_db()
    assert membership.status == Membership.Status.WITHDRAWN
    assert membership.withdrawn_at is not None
    assert team.member_count == 1


def test_nobody_withdraws_after_recruitment_closes(project):
    team = propose(project)
    user = factories.UserFactory()
    membership = services.membership_apply(team=team, by=user, today=TODAY)
    with pytest.raises(OutsideRecruitmentWindow):
        services.membership_withdraw(
            membership=membership, by=user, today=datetime.date(2024, 6, 1)
        )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLIED


def test_only_the_person_may_withdraw_their_membership(project):
    team = propose(project)
    membership = services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    with pytest.raises(NotAllowed):
        services.membership_withdraw(membership=membership, by=factories.UserFactory(), today=TODAY)


def test_a_leader_withdrawing_from_a_proposed_team_withdraws_the_team(project):
    leader = factories.UserFactory()
    team = propose(project, leader)
    services.membership_withdraw(membership=leader_of(team), by=leader, today=TODAY)
    team.refresh_from_db()
    assert team.status == Team.Status.WITHDRAWN


def test_the_leader_of_an_approved_team_cannot_withdraw(project, organiser):
    leader = factories.UserFactory()
    team = propose(project, leader)
    services.team_approve(team=team, by=organiser)
    with pytest.raises(WrongState, match="承認済みのチームは取り下げられません"):
        services.membership_withdraw(membership=leader_of(team), by=leader, today=TODAY)
    assert leader_of(team).status == Membership.Status.APPROVED


# --- project_create / update / transition ----------------------------------------------


def test_a_new_project_starts_as_a_draft(organiser):
    project = services.project_create(
        by=organiser,
        fiscal_year=2026,
        title="令和8年度 BPRプロジェクト",
        recruitment_starts_on=datetime.date(2026, 4, 1),
        recruitment_ends_on=datetime.date(2026, 5, 31),
    )
    assert project.status == Project.Status.DRAFT
    assert project.created_by == organiser
    assert project.max_grade == Grade.KAKARICHO


def test_a_project_window_must_end_after_it_starts(organiser):
    with pytest.raises(InvalidData, match="募集終了日は募集開始日以降"):
        services.project_create(
            by=organiser,
            fiscal_year=2026,
            title="x",
            recruitment_starts_on=datetime.date(2026, 5, 1),
            recruitment_ends_on=datetime.date(2026, 4, 1),
        )
    assert not Project.objects.exists()


def test_updating_a_project_records_who(project, organiser):
    services.project_update(project=project, by=organiser, title="新しい名称")
    project.refresh_from_db()
    assert project.title == "新しい名称"
    assert project.history.first().history_user == organiser


def test_a_closed_project_is_frozen(project, organiser):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
    with pytest.raises(WrongState, match="終了したプロジェクト"):
        services.project_update(project=project, by=organiser, title="x")


def _ready_project(project, organiser):
    team = propose(project)
    services.team_approve(team=team, by=organiser)
    m = services.membership_apply(team=team, by=factories.UserFactory(), today=TODAY)
    services.membership_approve(membership=m, by=organiser)
    return team


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "recruiting"),
        ("in_progress", "reporting"),
        ("reporting", "closed"),
    ],
)
def test_a_project_moves_one_step_forward(organiser, start, target):
    project = factories.ProjectFactory(status=start)
    services.project_transition(project=project, to=target, by=organiser)
    project.refresh_from_db()
    assert project.status == target


def test_a_recruiting_project_with_complete_teams_starts(project, organiser):
    _ready_project(project, organiser)
    services.project_transition(project=project, to="in_progress", by=organiser)
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "in_progress"),
        ("recruiting", "draft"),
        ("closed", "reporting"),
        ("in_progress", "closed"),
        ("reporting", "nonsense"),
    ],
)
def test_a_project_cannot_skip_or_go_back(organiser, start, target):
    project = factories.ProjectFactory(status=start)
    with pytest.raises(WrongState, match="には変更できません"):
        services.project_transition(project=project, to=target, by=organiser)
    project.refresh_from_db()
    assert project.status == start


def test_a_transition_to_the_current_state_changes_nothing(project, organiser):
    services.project_transition(project=project, to="recruiting", by=organiser)
    assert project.history.count() == 1


def test_a_project_with_pending_decisions_cannot_start(project, organiser):
    _ready_project(project, organiser)
    propose(project, name="承認待ち")
    with pytest.raises(WrongState, match="承認待ちのチームまたは参加申請があります"):
        services.project_transition(project=project, to="in_progress", by=organiser)


def test_a_project_without_teams_cannot_start(project, organiser):
    with pytest.raises(WrongState, match="承認済みのチームがありません"):
        services.project_transition(project=project, to="in_progress", by=organiser)


def test_a_project_with_an_undersized_team_cannot_start(project, organiser):
    team = propose(project)
    services.team_approve(team=team, by=organiser)
    with pytest.raises(WrongState, match="最少人数"):
        services.project_transition(project=project, to="in_progress", by=organiser)


# --- worksheet and effects -------------------------------------------------------------


@pytest.fixture
def running_team():
    project = factories.ProjectFactory(status=Project.Status.IN_PROGRESS)
    team = factories.team_with(project=project, members=1)
    factories.WorksheetFactory(team=team, problem="")
    return team


def test_a_member_edits_the_worksheet_and_history_records_who(running_team):
    member = running_team.memberships.get(role="member").user
    sheet = services.worksheet_update(
        team=running_team, by=member, problem="紙の回覧", cause="押印"
    )
    assert sheet.problem == "紙の回覧"
    assert sheet.updated_by == member
    assert sheet.history.first().history_user == member


def test_an_unchanged_worksheet_writes_no_history(running_team):
    member = running_team.memberships.get(role="member").user
    services.worksheet_update(team=running_team, by=member, problem="a")
    count = Worksheet.history.count()
    services.worksheet_update(team=running_team, by=member, problem="a")
    assert Worksheet.history.count() == count


def test_a_non_member_cannot_edit_the_worksheet(running_team):
    with pytest.raises(NotAllowed, match="メンバーだけ"):
        services.worksheet_update(team=running_team, by=factories.UserFactory(), problem="x")


def test_an_applicant_cannot_edit_the_worksheet(running_team):
    applicant = factories.MembershipFactory(team=running_team, status="applied").user
    with pytest.raises(NotAllowed):
        services.worksheet_update(team=running_team, by=applicant, problem="x")


def test_the_worksheet_is_frozen_outside_the_working_phase(running_team):
    Project.objects.filter(pk=running_team.project_id).update(status=Project.Status.REPORTING)
    running_team.refresh_from_db()
    member = running_team.memberships.get(role="member").user
    with pytest.raises(WrongState, match="実施中のみ"):
        services.worksheet_update(team=running_team, by=member, problem="x")


def test_oversized_worksheet_text_is_refused(running_team):
    member = running_team.memberships.get(role="member").user
    with pytest.raises(InvalidData):
        services.worksheet_update(team=running_team, by=member, problem="あ" * 4001)
    assert Worksheet.objects.get(team=running_team).problem == ""


def test_measured_effects_are_added_updated_and_deleted(running_team):
    leader = running_team.memberships.get(role="leader").user
    effect = services.measured_effect_add(
        team=running_team,
        by=leader,
        label="年間作業時間",
        unit="時間",
        before=Decimal("1200"),
        after=Decimal("300"),
    )
    assert effect.reduction == Decimal("900")
    services.measured_effect_update(
        effect=effect, by=leader, label="年間作業時間", unit="時間", before=1200, after=250
    )
    effect.refresh_from_db()
    assert effect.after == Decimal("250")
    services.measured_effect_delete(effect=effect, by=leader)
    assert not MeasuredEffect.objects.exists()


def test_a_non_member_cannot_touch_measured_effects(running_team):
    effect = factories.MeasuredEffectFactory(worksheet=running_team.worksheet)
    with pytest.raises(NotAllowed):
        services.measured_effect_delete(effect=effect, by=factories.UserFactory())
    assert MeasuredEffect.objects.filter(pk=effect.pk).exists()


# --- workshops -------------------------------------------------------------------------


def test_attendance_is_recorded_for_every_member_and_is_idempotent(running_team, organiser):
    workshop = services.workshop_create(
        project=running_team.project,
        by=organiser,
        held_on=datetime.date(2024, 6, 1),
        topic="BPRの基礎",
    )
    members = list(running_team.memberships.values_list("user_id", flat=True))
    services.attendance_record(workshop=workshop, by=organiser, attended_user_ids=members[:1])
    assert Attendance.objects.filter(workshop=workshop).count() == 2
    assert Attendance.objects.filter(workshop=workshop, attended=True).count() == 1
    before = list(Attendance.objects.values_list("pk", "attended", "recorded_at"))
    services.attendance_record(workshop=workshop, by=organiser, attended_user_ids=members[:1])
    assert list(Attendance.objects.values_list("pk", "attended", "recorded_at")) == before


def test_attendance_of_a_non_member_is_refused(running_team, organiser):
    workshop = factories.WorkshopFactory(project=running_team.project)
    stranger = factories.UserFactory()
    with pytest.raises(InvalidData, match="メンバーではない"):
        services.attendance_record(workshop=workshop, by=organiser, attended_user_ids=[stranger.pk])
    assert not Attendance.objects.exists()


def test_a_draft_project_has_no_workshops(organiser):
    project = factories.ProjectFactory(status=Project.Status.DRAFT)
    with pytest.raises(WrongState):
        services.workshop_create(
            project=project, by=organiser, held_on=datetime.date(2024, 6, 1), topic="x"
        )
