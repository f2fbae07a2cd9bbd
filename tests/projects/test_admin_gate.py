"""Findings 1 and 4 of issue #9: the projects admin is no back door around the portal's
guards (window, grade, capacity, one team per project) nor the fixed 年度."""

import datetime

import pytest
from django.urls import reverse

from evaluations import services as evaluation_services
from projects.models import Membership, Project
from tests import factories
from tests.admin_forms import admin_form_data


@pytest.fixture
def project(db):
    return factories.ProjectFactory(fiscal_year=2022, status=Project.Status.IN_PROGRESS)


def test_an_organiser_cannot_add_an_approved_member_in_the_admin(client, organiser, project):
    team = factories.team_with(project=project, members=1)
    outsider = factories.ExecutiveFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("admin:projects_membership_add"),
        {
            "team": team.pk,
            "project": project.pk,
            "user": outsider.pk,
            "role": Membership.Role.MEMBER,
            "status": Membership.Status.APPROVED,
        },
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


def test_an_organiser_cannot_change_a_membership_in_the_admin(client, organiser, project):
    team = factories.team_with(project=project)
    applied = factories.MembershipFactory(team=team, status=Membership.Status.APPLIED)
    client.force_login(organiser)
    url = reverse("admin:projects_membership_change", args=[applied.pk])

    response = client.post(
        url,
        {
            "team": team.pk,
            "project": project.pk,
            "user": applied.user_id,
            "role": Membership.Role.MEMBER,
            "status": Membership.Status.APPROVED,
        },
    )

    assert response.status_code == 403
    applied.refresh_from_db()
    assert applied.status == Membership.Status.APPLIED


def test_the_team_admin_offers_no_add_and_no_member_rows(client, organiser, project):
    team = factories.team_with(project=project)
    client.force_login(organiser)

    assert client.get(reverse("admin:projects_team_add")).status_code == 403
    page = client.get(reverse("admin:projects_team_change", args=[team.pk]))
    assert page.status_code == 200
    assert 'name="max_size"' not in page.content.decode()


def test_the_fiscal_year_cannot_be_changed_in_the_admin(client, organiser, project):
    client.force_login(organiser)
    url = reverse("admin:projects_project_change", args=[project.pk])

    response = client.post(
        url,
        {
            "fiscal_year": 2017,
            "title": project.title,
            "status": project.status,
            "recruitment_starts_on": project.recruitment_starts_on,
            "recruitment_ends_on": project.recruitment_ends_on,
            "max_grade": project.max_grade,
            "team_size_min": 3,
            "team_size_max": 5,
        },
    )

    assert response.status_code == 403
    project.refresh_from_db()
    assert project.fiscal_year == 2022


def test_the_fiscal_year_is_fixed_once_a_meeting_is_scheduled(client, organiser, project):
    evaluation_services.meeting_schedule(
        project=project, title="報告会", held_on=datetime.date(2023, 2, 10), by=organiser
    )
    client.force_login(organiser)
    url = reverse("projects:organiser_project_edit", args=[project.pk])
    data = admin_form_data(client, url)
    data["fiscal_year"] = "2017"

    response = client.post(url, data, follow=True)

    project.refresh_from_db()
    assert project.fiscal_year == 2022
    assert "報告会を設定したプロジェクトの年度は変更できません。" in response.content.decode()


def test_the_fiscal_year_may_change_before_any_meeting(client, organiser, project):
    client.force_login(organiser)
    url = reverse("projects:organiser_project_edit", args=[project.pk])
    data = admin_form_data(client, url)
    data["fiscal_year"] = "2023"

    client.post(url, data)

    project.refresh_from_db()
    assert project.fiscal_year == 2023
