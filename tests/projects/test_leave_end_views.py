"""The organiser closes or shortens a recorded leave from the team's members page."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Role
from projects.models import Membership, MembershipLeave, Project
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])
    client.force_login(user)
    return user


@pytest.fixture
def team():
    project = factories.ProjectFactory(fiscal_year=2024, status=Project.Status.IN_PROGRESS)
    return factories.team_with(project=project, members=2)


def leave_of(team, ends_on=None):
    membership = team.memberships.filter(role=Membership.Role.MEMBER).order_by("pk").first()
    return MembershipLeave.objects.create(
        membership=membership,
        kind=MembershipLeave.Kind.SICK,
        starts_on=datetime.date(2024, 10, 1),
        ends_on=ends_on,
    )


def end_url(leave):
    return reverse("projects:organiser_leave_end", args=[leave.pk])


def page(client, team):
    return client.get(reverse("projects:organiser_team_members", args=[team.pk])).content.decode()


def test_the_page_offers_to_close_an_open_ended_leave(client, organiser, team):
    leave = leave_of(team)
    assert end_url(leave) in page(client, team)


def test_the_page_offers_nothing_for_a_leave_already_over(client, organiser, team):
    leave = leave_of(team, ends_on=datetime.date(2024, 10, 31))
    assert end_url(leave) not in page(client, team)


def test_the_organiser_closes_a_leave_and_returns_to_the_team_page(client, organiser, team):
    leave = leave_of(team)
    response = client.post(end_url(leave), {"ends_on": "2024-11-15"})
    assert response.url == reverse("projects:organiser_team_members", args=[team.pk])
    leave.refresh_from_db()
    assert leave.ends_on == datetime.date(2024, 11, 15)


def test_an_end_before_the_start_is_refused_in_japanese(client, organiser, team):
    leave = leave_of(team)
    response = client.post(end_url(leave), {"ends_on": "2024-09-30"})
    assert any("休止開始日以降" in str(m) for m in get_messages(response.wsgi_request))
    leave.refresh_from_db()
    assert leave.ends_on is None


def test_a_missing_date_is_refused_in_japanese(client, organiser, team):
    leave = leave_of(team)
    response = client.post(end_url(leave), {"ends_on": ""})
    assert any("休止終了日を正しく" in str(m) for m in get_messages(response.wsgi_request))


def test_a_get_is_not_allowed(client, organiser, team):
    assert client.get(end_url(leave_of(team))).status_code == 405


def test_an_organiser_in_the_team_is_offered_no_end_form(client, organiser, team):
    leave = leave_of(team)
    factories.MembershipFactory(team=team, user=organiser)
    assert end_url(leave) not in page(client, team)
