import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from projects.models import MeasuredEffect, Membership, Project, Team, Worksheet
from tests import factories

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def open_project(**kwargs):
    today = timezone.localdate()
    return factories.ProjectFactory(
        status=Project.Status.RECRUITING,
        fiscal_year=today.year,
        recruitment_starts_on=today - datetime.timedelta(days=10),
        recruitment_ends_on=today + datetime.timedelta(days=10),
        **kwargs,
    )


@pytest.fixture
def running():
    project = factories.ProjectFactory(status=Project.Status.IN_PROGRESS)
    team = factories.team_with(project=project, members=1)
    factories.WorksheetFactory(team=team)
    team.member = team.memberships.get(role="member").user
    team.leader = team.memberships.get(role="leader").user
    return team


# --- access ------------------------------------------------------------------------------


def test_an_external_expert_cannot_see_the_project_list(client, expert):
    client.force_login(expert)
    assert client.get(reverse("projects:project_list")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("projects:project_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_cannot_see_a_draft_project(client, staff):
    project = factories.ProjectFactory(status=Project.Status.DRAFT)
    client.force_login(staff)
    assert client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 404


def test_a_forged_project_id_answers_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("projects:project_detail", args=[999999])).status_code == 404


def test_staff_cannot_open_organiser_pages(client, staff):
    client.force_login(staff)
    assert client.get(reverse("projects:organiser_project_list")).status_code == 403


# --- project list ------------------------------------------------------------------------


def test_the_project_list_filters_by_year_status_and_keyword(client, staff):
    factories.ProjectFactory(fiscal_year=2022, title="令和4年度 BPRプロジェクト", status="closed")
    factories.ProjectFactory(
        fiscal_year=2023, title="令和5年度 BPRプロジェクト", status="reporting"
    )
    team = factories.TeamFactory(
        project=factories.ProjectFactory(fiscal_year=2024, status="in_progress"),
        theme="保育所入所選考の効率化",
    )
    client.force_login(staff)
    url = reverse("projects:project_list")
    assert len(client.get(url).context["page"]) == 3
    assert [p.fiscal_year for p in client.get(url, {"fiscal_year": 2023}).context["page"]] == [2023]
    assert [p.status for p in client.get(url, {"status": "closed"}).context["page"]] == ["closed"]
    found = client.get(url, {"q": "保育所"}).context["page"]
    assert [p.pk for p in found] == [team.project_id]


def _status_options(response):
    return [value for value, _label in response.context["form"].fields["status"].choices]


def test_staff_are_not_offered_the_draft_state_they_never_see(client, staff):
    client.force_login(staff)
    response = client.get(reverse("projects:project_list"))
    assert "draft" not in _status_options(response)
    assert "recruiting" in _status_options(response)


def test_the_organiser_is_offered_the_draft_state_they_see(client, organiser):
    client.force_login(organiser)
    response = client.get(reverse("projects:project_list"))
    assert "draft" in _status_options(response)


def test_the_project_list_ignores_a_bad_filter_value(client, staff):
    factories.ProjectFactory()
    client.force_login(staff)
    response = client.get(reverse("projects:project_list"), {"fiscal_year": "abc"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 1


def test_the_project_list_is_paginated_by_twenty(client, staff):
    for year in range(2000, 2025):
        factories.ProjectFactory(fiscal_year=year)
    client.force_login(staff)
    response = client.get(reverse("projects:project_list"), {"page": 2})
    assert len(response.context["page"]) == 5
    assert response.context["page"].number == 2


def _project_with_teams(n_teams, members=3):
    project = factories.ProjectFactory(status=Project.Status.IN_PROGRESS, team_size_max=20)
    for _ in range(n_teams):
        team = factories.team_with(project=project, members=members)
        sheet = factories.WorksheetFactory(team=team)
        factories.MeasuredEffectFactory(worksheet=sheet)
        factories.MeasuredEffectFactory(worksheet=sheet, label="日数", unit="日")
    return project


@pytest.mark.parametrize("n", [3, 15])
def test_the_project_detail_runs_a_constant_number_of_queries(
    client, staff, django_assert_max_num_queries, n
):
    project = _project_with_teams(n)
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:project_detail", args=[project.pk]))
    assert len(response.context["teams"]) == n


@pytest.mark.parametrize("n", [3, 15])
def test_the_project_list_runs_a_constant_number_of_queries(
    client, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        _project_with_teams(2)
    client.force_login(staff)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("projects:project_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 15])
def test_the_organiser_pages_run_a_constant_number_of_queries(
    client, organiser, django_assert_max_num_queries, n
):
    project = _project_with_teams(n)
    for _ in range(n):
        factories.WorkshopFactory(project=project)
    client.force_login(organiser)
    for name in ("organiser_project_manage", "organiser_workshop_list"):
        with django_assert_max_num_queries(8):
            assert client.get(reverse(f"projects:{name}", args=[project.pk])).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("projects:organiser_project_list")).status_code == 200
    workshop = project.workshops.first()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("projects:organiser_attendance", args=[workshop.pk]))
    assert len(response.context["members"]) == n * 4


@pytest.mark.parametrize("n", [3, 15])
def test_the_team_and_my_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, n
):
    project = _project_with_teams(1, members=n)
    team = project.teams.get()
    member = team.memberships.filter(role="member").first().user
    for year in range(n):
        factories.MembershipFactory(
            user=member,
            team=factories.TeamFactory(project=factories.ProjectFactory(fiscal_year=2000 + year)),
        )
        factories.AttendanceFactory(user=member)
    client.force_login(member)
    for url in (
        reverse("projects:team_detail", args=[team.pk]),
        reverse("projects:worksheet_edit", args=[team.pk]),
        reverse("projects:my_projects"),
        reverse("projects:my_attendance"),
    ):
        with django_assert_max_num_queries(7):
            assert client.get(url).status_code == 200


# --- propose, apply, withdraw ------------------------------------------------------------


def test_staff_propose_a_team_and_become_its_leader(client, staff):
    project = open_project()
    client.force_login(staff)
    response = client.post(
        reverse("projects:team_propose", args=[project.pk]),
        {"name": "電子化チーム", "theme": "工事書類の電子化"},
    )
    team = Team.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:team_detail", args=[team.pk])
    assert team.memberships.get().user == staff
    assert "承認をお待ちください" in messages_of(response)[0]


def test_a_refused_proposal_says_why_and_creates_nothing(client):
    project = open_project()
    boss = factories.UserFactory(grade=5)
    client.force_login(boss)
    response = client.post(
        reverse("projects:team_propose", args=[project.pk]), {"name": "x", "theme": "y"}
    )
    assert response.status_code == 200
    assert "応募できる上限" in messages_of(response)[0]
    assert not Team.objects.exists()


def test_an_oversized_theme_is_refused_by_the_form(client, staff):
    project = open_project()
    client.force_login(staff)
    response = client.post(
        reverse("projects:team_propose", args=[project.pk]), {"name": "x", "theme": "あ" * 201}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["theme"]
    assert not Team.objects.exists()


def test_the_project_page_offers_to_apply_during_recruitment(client, staff):
    project = open_project()
    team = factories.team_with(project=project)
    client.force_login(staff)
    response = client.get(reverse("projects:project_detail", args=[project.pk]))
    assert response.context["can_propose"]
    assert reverse("projects:membership_apply", args=[team.pk]) in response.content.decode()


def test_applying_then_withdrawing_through_the_pages(client, staff):
    project = open_project()
    team = factories.team_with(project=project)
    client.force_login(staff)
    response = client.post(reverse("projects:membership_apply", args=[team.pk]))
    assert response.status_code == 302
    assert "参加を申請しました" in messages_of(response)[0]
    membership = Membership.objects.get(user=staff)
    detail = client.get(reverse("projects:project_detail", args=[project.pk]))
    assert detail.context["can_withdraw"]
    response = client.post(reverse("projects:membership_withdraw", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.WITHDRAWN
    assert "辞退しました" in messages_of(response)[-1]


def test_applying_to_a_full_team_says_so_and_changes_nothing(client, staff):
    project = open_project(team_size_min=1, team_size_max=2)
    team = factories.team_with(project=project, members=1)
    client.force_login(staff)
    response = client.post(reverse("projects:membership_apply", args=[team.pk]))
    assert response.status_code == 302
    assert "このチームは定員に達しています。" in messages_of(response)
    assert not Membership.objects.filter(user=staff).exists()


def test_applying_by_get_is_not_allowed(client, staff):
    team = factories.team_with(project=open_project())
    client.force_login(staff)
    assert client.get(reverse("projects:membership_apply", args=[team.pk])).status_code == 405


def test_nobody_withdraws_someone_elses_membership(client, staff, running):
    membership = running.memberships.get(role="member")
    client.force_login(staff)
    response = client.post(reverse("projects:membership_withdraw", args=[membership.pk]))
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED


def test_withdrawing_after_recruitment_says_why(client, running):
    membership = running.memberships.get(role="member")
    client.force_login(running.member)
    response = client.post(reverse("projects:membership_withdraw", args=[membership.pk]))
    assert "募集中ではありません" in messages_of(response)[0]
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED


# --- worksheet ---------------------------------------------------------------------------


def test_a_member_saves_the_worksheet(client, running):
    client.force_login(running.member)
    response = client.post(
        reverse("projects:worksheet_edit", args=[running.pk]),
        {
            "problem": "紙の回覧",
            "cause": "押印",
            "solution": "",
            "effect": "",
            "as_is": "",
            "to_be": "",
            "can_be": "",
        },
    )
    assert response.status_code == 302
    sheet = Worksheet.objects.get(team=running)
    assert sheet.problem == "紙の回覧"
    assert sheet.history.first().history_user == running.member


def test_an_oversized_worksheet_text_is_refused_and_nothing_changes(client, running):
    client.force_login(running.member)
    response = client.post(
        reverse("projects:worksheet_edit", args=[running.pk]), {"problem": "あ" * 4001}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["problem"]
    assert Worksheet.objects.get(team=running).problem == "紙の書類の回覧に時間がかかる"


def test_a_nul_character_in_the_worksheet_is_refused(client, running):
    client.force_login(running.member)
    response = client.post(
        reverse("projects:worksheet_edit", args=[running.pk]), {"problem": "a\x00b"}
    )
    assert response.status_code == 200
    assert Worksheet.objects.get(team=running).problem == "紙の書類の回覧に時間がかかる"


def test_staff_outside_the_team_cannot_edit_its_worksheet(client, staff, running):
    client.force_login(staff)
    assert client.get(reverse("projects:worksheet_edit", args=[running.pk])).status_code == 403
    assert client.get(reverse("projects:team_detail", args=[running.pk])).status_code == 200


def test_the_worksheet_edit_page_closes_when_the_project_reports(client, running):
    Project.objects.filter(pk=running.project_id).update(status="reporting")
    client.force_login(running.member)
    assert client.get(reverse("projects:worksheet_edit", args=[running.pk])).status_code == 403


def test_a_member_adds_edits_and_deletes_an_effect(client, running):
    client.force_login(running.leader)
    response = client.post(
        reverse("projects:effect_add", args=[running.pk]),
        {"label": "年間作業時間", "unit": "時間", "before": "1200", "after": "300"},
    )
    assert response.status_code == 302
    effect = MeasuredEffect.objects.get()
    response = client.post(
        reverse("projects:effect_edit", args=[effect.pk]),
        {"label": "年間作業時間", "unit": "時間", "before": "1200", "after": "200"},
    )
    effect.refresh_from_db()
    assert effect.after == 200
    client.post(reverse("projects:effect_delete", args=[effect.pk]))
    assert not MeasuredEffect.objects.exists()


def test_a_bad_effect_value_says_why_and_adds_nothing(client, running):
    client.force_login(running.leader)
    response = client.post(
        reverse("projects:effect_add", args=[running.pk]),
        {"label": "年間作業時間", "unit": "時間", "before": "たくさん", "after": "300"},
    )
    assert response.status_code == 302
    assert messages_of(response)
    assert not MeasuredEffect.objects.exists()


def test_a_forged_effect_id_answers_404(client, running):
    client.force_login(running.leader)
    assert client.post(reverse("projects:effect_delete", args=[999999])).status_code == 404


# --- organiser ---------------------------------------------------------------------------


def test_the_organiser_creates_a_project_as_a_draft(client, organiser):
    client.force_login(organiser)
    response = client.post(
        reverse("projects:organiser_project_create"),
        {
            "fiscal_year": 2026,
            "title": "令和8年度 BPRプロジェクト",
            "description": "",
            "recruitment_starts_on": "2026-04-01",
            "recruitment_ends_on": "2026-05-31",
            "max_grade": 3,
            "team_size_min": 3,
            "team_size_max": 5,
            "coaching_vendor": "",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.status == Project.Status.DRAFT
    assert project.created_by == organiser


def test_a_project_with_a_reversed_window_is_refused(client, organiser):
    client.force_login(organiser)
    response = client.post(
        reverse("projects:organiser_project_create"),
        {
            "fiscal_year": 2026,
            "title": "x",
            "recruitment_starts_on": "2026-05-31",
            "recruitment_ends_on": "2026-04-01",
            "max_grade": 3,
            "team_size_min": 3,
            "team_size_max": 5,
        },
    )
    assert response.status_code == 200
    assert "募集終了日は募集開始日以降" in response.content.decode()
    assert not Project.objects.exists()


def test_the_organiser_approves_a_team_and_an_application(client, organiser):
    project = open_project()
    team = factories.TeamFactory(project=project, status=Team.Status.PROPOSED)
    factories.MembershipFactory(team=team, role="leader", status="applied")
    applicant = factories.MembershipFactory(team=team, status="applied")
    client.force_login(organiser)
    response = client.post(reverse("projects:organiser_team_approve", args=[team.pk]))
    assert response.status_code == 302
    assert "承認しました" in messages_of(response)[0]
    client.post(reverse("projects:organiser_membership_approve", args=[applicant.pk]))
    applicant.refresh_from_db()
    team.refresh_from_db()
    assert team.status == Team.Status.APPROVED
    assert applicant.status == Membership.Status.APPROVED


def test_approving_an_application_to_a_proposed_team_says_why(client, organiser):
    team = factories.TeamFactory(project=open_project(), status=Team.Status.PROPOSED)
    applicant = factories.MembershipFactory(team=team, status="applied")
    client.force_login(organiser)
    response = client.post(reverse("projects:organiser_membership_approve", args=[applicant.pk]))
    assert "先にチームを承認してください" in messages_of(response)[0]
    applicant.refresh_from_db()
    assert applicant.status == Membership.Status.APPLIED


def test_the_organiser_moves_a_project_forward_with_a_button(client, organiser):
    project = factories.ProjectFactory(status=Project.Status.DRAFT)
    client.force_login(organiser)
    page = client.get(reverse("projects:organiser_project_manage", args=[project.pk]))
    assert page.context["next_status"] == "recruiting"
    response = client.post(
        reverse("projects:organiser_project_transition", args=[project.pk]), {"to": "recruiting"}
    )
    project.refresh_from_db()
    assert project.status == Project.Status.RECRUITING
    assert "募集中" in messages_of(response)[0]


def test_a_skipped_transition_says_why_and_changes_nothing(client, organiser):
    project = factories.ProjectFactory(status=Project.Status.DRAFT)
    client.force_login(organiser)
    for target in ("closed", "bogus"):
        response = client.post(
            reverse("projects:organiser_project_transition", args=[project.pk]), {"to": target}
        )
        assert response.status_code == 302
        assert messages_of(response)
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT


def test_the_organiser_records_attendance(client, organiser, running):
    workshop = factories.WorkshopFactory(project=running.project)
    client.force_login(organiser)
    response = client.post(
        reverse("projects:organiser_attendance", args=[workshop.pk]),
        {"attended": [running.member.pk]},
    )
    assert response.status_code == 302
    assert workshop.attendances.filter(attended=True).get().user == running.member
    client.force_login(running.member)
    page = client.get(reverse("projects:my_attendance"))
    assert [a.workshop for a in page.context["attendances"]] == [workshop]


def test_attendance_with_a_forged_person_is_refused(client, organiser, running):
    workshop = factories.WorkshopFactory(project=running.project)
    stranger = factories.UserFactory()
    client.force_login(organiser)
    response = client.post(
        reverse("projects:organiser_attendance", args=[workshop.pk]), {"attended": [stranger.pk]}
    )
    assert response.status_code == 200
    assert "出欠の入力に誤りがあります" in messages_of(response)[0]
    assert not workshop.attendances.exists()


def test_the_organiser_schedules_a_workshop(client, organiser, running):
    client.force_login(organiser)
    response = client.post(
        reverse("projects:organiser_workshop_list", args=[running.project_id]),
        {"held_on": "2024-06-10", "topic": "As-Is の整理", "hours": "2"},
    )
    assert response.status_code == 302
    assert running.project.workshops.get().topic == "As-Is の整理"


def test_the_leader_is_listed_first_then_members_by_reading(client, staff, running):
    client.force_login(staff)
    response = client.get(reverse("projects:team_detail", args=[running.pk]))
    assert [m.role for m in response.context["members"]] == ["leader", "member"]
