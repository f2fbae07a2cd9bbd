"""The organiser's team page for leave, early end and leader change (issue 14)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from projects.models import LeaderTerm, Membership, MembershipLeave, Project
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


def url(team):
    return reverse("projects:organiser_team_members", args=[team.pk])


def member(team):
    return team.memberships.filter(role=Membership.Role.MEMBER).order_by("pk").first()


def leave_post(team, **overrides):
    data = {
        "action": "leave",
        "leave-membership": member(team).pk,
        "leave-kind": "childcare",
        "leave-starts_on": "2024-10-01",
        "leave-ends_on": "2024-12-31",
        "leave-reason": "",
    }
    return {**data, **overrides}


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_organiser_sees_the_teams_members(client, organiser, team):
    response = client.get(url(team))
    assert response.status_code == 200
    assert member(team).user.full_name in response.content.decode()


def test_the_organiser_records_a_leave_from_the_page(client, organiser, team):
    response = client.post(url(team), leave_post(team))
    assert response.status_code == 302
    assert MembershipLeave.objects.get().membership == member(team)


def test_an_overlapping_leave_is_refused_in_japanese_and_nothing_changes(client, organiser, team):
    client.post(url(team), leave_post(team))
    response = client.post(url(team), leave_post(team, **{"leave-starts_on": "2024-12-01"}))
    assert any("期間が重なっています" in text for text in texts(response))
    assert MembershipLeave.objects.count() == 1


def test_a_leave_outside_the_project_is_refused_in_japanese(client, organiser, team):
    response = client.post(url(team), leave_post(team, **{"leave-starts_on": "2023-10-01"}))
    assert any("プロジェクトの期間" in text for text in texts(response))
    assert not MembershipLeave.objects.exists()


def test_a_leave_without_its_start_shows_the_form_again(client, organiser, team):
    response = client.post(url(team), leave_post(team, **{"leave-starts_on": ""}))
    assert response.status_code == 200
    assert "入力内容に誤りがあります。" in texts(response)


def test_the_organiser_ends_a_membership_from_the_page(client, organiser, team):
    client.post(
        url(team),
        {"action": "end", "end-membership": member(team).pk, "end-ended_on": "2024-11-30"},
    )
    assert member(team).ended_on == datetime.date(2024, 11, 30)


def test_the_organiser_changes_the_leader_from_the_page(client, organiser, team):
    new = member(team)
    client.post(
        url(team), {"action": "leader", "leader-membership": new.pk, "leader-on": "2024-12-01"}
    )
    new.refresh_from_db()
    assert new.role == Membership.Role.LEADER


def test_an_unknown_action_changes_nothing(client, organiser, team):
    response = client.post(url(team), {"action": "delete"})
    assert "操作の指定が正しくありません。" in texts(response)


def test_a_member_of_another_team_is_not_a_choice(client, organiser, team):
    stranger = factories.MembershipFactory(project=team.project)
    response = client.post(url(team), leave_post(team, **{"leave-membership": stranger.pk}))
    assert response.status_code == 200
    assert not MembershipLeave.objects.exists()


def test_staff_may_not_post_to_the_page(client, team):
    client.force_login(member(team).user)
    response = client.post(url(team), leave_post(team))
    assert response.status_code == 403
    assert not MembershipLeave.objects.exists()


def test_an_organiser_in_the_team_sees_no_forms(client, organiser, team):
    factories.MembershipFactory(team=team, user=organiser)
    body = client.get(url(team)).content.decode()
    assert 'name="action"' not in body


def test_a_proposed_team_has_no_such_page(client, organiser, team):
    team.status = "proposed"
    team.save()
    assert client.get(url(team)).status_code == 404


def _count(client, team):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(team)).status_code == 200
    return len(queries)


def test_the_page_runs_as_many_queries_for_a_larger_team_with_leaves_and_terms(
    client, organiser, team
):
    MembershipLeave.objects.create(
        membership=member(team), kind="sick", starts_on=datetime.date(2024, 10, 1)
    )
    LeaderTerm.objects.create(team=team, user=member(team).user, starts_on=None)
    Membership.objects.filter(pk=member(team).pk).update(ended_on=datetime.date(2024, 12, 1))
    client.get(url(team))
    small = _count(client, team)
    Project.objects.filter(pk=team.project_id).update(team_size_max=10)
    team.max_size = 10
    team.save()
    for _ in range(3):
        extra = factories.MembershipFactory(team=team)
        MembershipLeave.objects.create(
            membership=extra, kind="childcare", starts_on=datetime.date(2024, 9, 1)
        )
    LeaderTerm.objects.filter(team=team).update(ends_on=datetime.date(2024, 11, 30))
    LeaderTerm.objects.create(
        team=team, user=member(team).user, starts_on=datetime.date(2024, 12, 1)
    )
    assert _count(client, team) <= small
