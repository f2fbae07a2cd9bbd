"""The pages of 所属長の承認 (issue 12): the head's list and decision form, the navbar
link, what staff and the organiser see."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grade
from accounts.roles import Role
from projects import selectors, services
from projects.models import HeadConsent, Membership, Project
from tests import factories

pytestmark = pytest.mark.django_db

COVERAGE = "窓口当番は同じ係の佐藤さんが代わります。"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def world():
    today = timezone.localdate()
    project = factories.ProjectFactory(
        status=Project.Status.RECRUITING,
        fiscal_year=today.year,
        recruitment_starts_on=today - datetime.timedelta(days=10),
        recruitment_ends_on=today + datetime.timedelta(days=10),
    )
    team = factories.TeamFactory(project=project, name="保育チーム")
    factories.MembershipFactory(team=team, role=Membership.Role.LEADER)
    section = factories.DepartmentFactory(name="こども家庭課")
    head = factories.UserFactory(department=section, grade=Grade.KACHO, last_name="小林")
    applicant = factories.UserFactory(department=section, last_name="木村")
    membership = services.membership_apply(team=team, by=applicant)
    organiser = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])
    return type(
        "World",
        (),
        {
            "project": project,
            "team": team,
            "head": head,
            "applicant": applicant,
            "membership": membership,
            "consent": membership.head_consent,
            "organiser": organiser,
        },
    )


def decide_url(world):
    return reverse("projects:consent_decide", kwargs={"pk": world.consent.pk})


def test_the_head_sees_their_sections_pending_application(client, world):
    client.force_login(world.head)
    response = client.get(reverse("projects:consent_list"))
    assert response.status_code == 200
    assert world.applicant.full_name in response.content.decode()
    assert decide_url(world) in response.content.decode()


def test_the_head_of_another_section_sees_none_of_it(client, world):
    other = factories.UserFactory(grade=Grade.KACHO)
    client.force_login(other)
    response = client.get(reverse("projects:consent_list"))
    assert world.applicant.full_name not in response.content.decode()
    assert client.get(decide_url(world)).status_code == 404


def test_staff_who_head_nothing_may_not_open_the_page(client, world):
    client.force_login(world.applicant)
    assert client.get(reverse("projects:consent_list")).status_code == 403


def test_the_navbar_shows_the_consent_link_to_heads_only(client, world):
    link = reverse("projects:consent_list")
    client.force_login(world.head)
    assert link in client.get(reverse("projects:project_list")).content.decode()
    client.force_login(world.applicant)
    assert link not in client.get(reverse("projects:project_list")).content.decode()


def test_the_head_consents_with_the_coverage_note(client, world):
    client.force_login(world.head)
    response = client.post(decide_url(world), {"decision": "consent", "coverage": COVERAGE})
    assert response.status_code == 302
    world.consent.refresh_from_db()
    assert world.consent.is_consented
    assert world.consent.coverage == COVERAGE
    assert "承認しました" in messages_of(response)[0]


def test_consenting_without_the_coverage_note_shows_the_form_again(client, world):
    client.force_login(world.head)
    response = client.post(decide_url(world), {"decision": "consent", "coverage": ""})
    assert response.status_code == 200
    assert "業務の分担を入力してください" in response.content.decode()
    world.consent.refresh_from_db()
    assert world.consent.is_pending


def test_the_head_declines_and_the_applicant_sees_why(client, world):
    client.force_login(world.head)
    client.post(decide_url(world), {"decision": "decline", "reason": "繁忙期のため"})
    client.force_login(world.applicant)
    page = client.get(reverse("projects:my_projects")).content.decode()
    assert "所属長が不承認" in page
    assert "繁忙期のため" in page


def test_the_applicant_sees_that_the_application_waits_for_the_head(client, world):
    client.force_login(world.applicant)
    page = client.get(reverse("projects:project_detail", kwargs={"pk": world.project.pk}))
    assert "所属長の承認待ち" in page.content.decode()


def test_the_applicant_sees_that_the_head_consented(client, world):
    services.head_consent(consent=world.consent, by=world.head, coverage=COVERAGE)
    client.force_login(world.applicant)
    page = client.get(reverse("projects:my_projects")).content.decode()
    assert "所属長が承認" in page


def test_the_organiser_gets_no_approve_button_while_the_head_has_not_consented(client, world):
    client.force_login(world.organiser)
    url = reverse("projects:organiser_project_manage", kwargs={"pk": world.project.pk})
    approve = reverse("projects:organiser_membership_approve", kwargs={"pk": world.membership.pk})
    page = client.get(url).content.decode()
    assert "所属長の承認待ち" in page
    assert approve not in page
    services.head_consent(consent=world.consent, by=world.head, coverage=COVERAGE)
    page = client.get(url).content.decode()
    assert approve in page
    assert "所属長が承認" in page


def test_the_organisers_list_counts_applications_waiting_for_a_head_apart(client, world):
    project = selectors.projects_for_organiser().get(pk=world.project.pk)
    assert (project.pending_applications, project.awaiting_head) == (0, 1)
    services.head_consent(consent=world.consent, by=world.head, coverage=COVERAGE)
    project = selectors.projects_for_organiser().get(pk=world.project.pk)
    assert (project.pending_applications, project.awaiting_head) == (1, 0)
    client.force_login(world.organiser)
    assert client.get(reverse("projects:organiser_project_list")).status_code == 200


def test_a_decided_application_shows_the_decision_not_the_form(client, world):
    services.head_consent(consent=world.consent, by=world.head, coverage=COVERAGE)
    client.force_login(world.head)
    page = client.get(decide_url(world)).content.decode()
    assert COVERAGE in page
    assert 'name="decision"' not in page
    assert HeadConsent.objects.get(pk=world.consent.pk).is_consented


def test_the_organiser_can_switch_the_step_off_on_the_project_form(client, world):
    client.force_login(world.organiser)
    url = reverse("projects:organiser_project_edit", kwargs={"pk": world.project.pk})
    assert 'name="requires_head_consent"' in client.get(url).content.decode()


def test_a_proposed_team_waiting_for_its_leaders_head_has_no_approve_button(client, world):
    team = services.team_propose(
        project=world.project,
        by=factories.UserFactory(department=world.head.department),
        name="子育てチーム",
        theme="児童手当の電子化",
    )
    client.force_login(world.organiser)
    url = reverse("projects:organiser_project_manage", kwargs={"pk": world.project.pk})
    page = client.get(url).content.decode()
    assert reverse("projects:organiser_team_approve", kwargs={"pk": team.pk}) not in page
    assert "リーダーの所属長の承認待ちです" in page
    project = selectors.projects_for_organiser().get(pk=world.project.pk)
    assert (project.pending_teams, project.awaiting_head) == (0, 2)
