"""Finding 7 of issue #9: nobody approves their own team or application; organisers who
lead or join a team lose organiser powers over that team."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services as evaluation_services
from evaluations.exceptions import NotAllowed
from evaluations.models import Evaluation, LeadershipWindow, Perspective, Rubric
from projects import permissions
from projects.models import Membership, Project, Team
from tests import factories


@pytest.fixture
def recruiting(db):
    today = timezone.localdate()
    return factories.ProjectFactory(
        fiscal_year=today.year,
        status=Project.Status.RECRUITING,
        recruitment_starts_on=today.replace(day=1),
        recruitment_ends_on=today.replace(year=today.year + 1),
        max_grade=9,
    )


def test_an_organiser_cannot_approve_the_team_they_proposed(client, organiser, recruiting):
    client.force_login(organiser)
    client.post(
        reverse("projects:team_propose", args=[recruiting.pk]),
        {"name": "自分のチーム", "theme": "自分の業務改善"},
    )
    team = Team.objects.get(name="自分のチーム")

    response = client.post(reverse("projects:organiser_team_approve", args=[team.pk]), follow=True)

    team.refresh_from_db()
    assert team.status == Team.Status.PROPOSED
    assert "自分が参加するチームは承認・却下できません。" in response.content.decode()


def test_another_organiser_approves_that_team(client, organiser, recruiting):
    team = factories.TeamFactory(project=recruiting, status=Team.Status.PROPOSED)
    factories.MembershipFactory(
        team=team, user=organiser, role=Membership.Role.LEADER, status=Membership.Status.APPLIED
    )
    colleague = factories.UserFactory(roles=["staff", "organiser"])
    client.force_login(colleague)

    client.post(reverse("projects:organiser_team_approve", args=[team.pk]))

    team.refresh_from_db()
    assert team.status == Team.Status.APPROVED


def test_an_organiser_who_leads_a_team_cannot_decide_its_applications(
    client, organiser, recruiting
):
    team = factories.team_with(project=recruiting, leader=organiser)
    application = factories.MembershipFactory(team=team, status=Membership.Status.APPLIED)
    client.force_login(organiser)

    client.post(reverse("projects:organiser_membership_approve", args=[application.pk]))
    client.post(reverse("projects:organiser_membership_reject", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == Membership.Status.APPLIED


def test_an_organiser_cannot_approve_their_own_application(client, organiser, recruiting):
    team = factories.team_with(project=recruiting)
    own = factories.MembershipFactory(team=team, user=organiser, status=Membership.Status.APPLIED)
    client.force_login(organiser)

    client.post(reverse("projects:organiser_membership_approve", args=[own.pk]))

    own.refresh_from_db()
    assert own.status == Membership.Status.APPLIED


def test_the_predicate_names_who_may_decide_on_a_team(organiser, recruiting):
    own = factories.team_with(project=recruiting, leader=organiser)
    other = factories.team_with(project=recruiting)

    assert not permissions.can_decide_on_team(organiser, own)
    assert permissions.can_decide_on_team(organiser, other)
    assert not permissions.can_decide_on_team(factories.UserFactory(), other)


@pytest.fixture
def led_window(db, organiser):
    project = factories.ProjectFactory(fiscal_year=2024, status=Project.Status.REPORTING)
    evaluation_services.rubric_ensure_defaults(fiscal_year=2024)
    team = factories.team_with(project=project, leader=organiser, members=2)
    factories.LeadershipWindowFactory(project=project, status=LeadershipWindow.Status.OPEN)
    rubric = Rubric.objects.get(fiscal_year=2024, perspective=Perspective.LEADERSHIP)
    for membership in team.memberships.filter(role=Membership.Role.MEMBER):
        evaluation_services.evaluation_submit(
            evaluator=membership.user,
            perspective=Perspective.LEADERSHIP,
            team=team,
            scores={c.pk: 2 for c in rubric.criteria.all()},
        )
    return team


def test_a_leading_organiser_never_sees_who_scored_their_leadership(client, organiser, led_window):
    own = list(Evaluation.objects.filter(team=led_window))
    other = factories.EvaluationFactory()
    client.force_login(organiser)

    changelist = client.get(reverse("admin:evaluations_evaluation_changelist"))
    change = client.get(reverse("admin:evaluations_evaluation_change", args=[own[0].pk]))

    shown = changelist.context["cl"].result_list
    assert other in shown
    assert not set(own) & set(shown)
    assert change.status_code == 302  # "does not exist": back to the list


def test_hr_sees_every_evaluation(client, hr_admin, led_window):
    client.force_login(hr_admin)

    changelist = client.get(reverse("admin:evaluations_evaluation_changelist"))

    assert set(changelist.context["cl"].result_list) == set(Evaluation.objects.all())


def test_a_leading_organiser_cannot_pick_the_raters_of_their_own_leadership(organiser, led_window):
    colleague = factories.UserFactory(department=organiser.department)

    with pytest.raises(NotAllowed):
        evaluation_services.invitation_add(team=led_window, user=colleague, by=organiser)

    assert not led_window.invitations.exists()


def test_a_leading_organiser_cannot_withdraw_an_invitation_to_rate_their_own_leadership(
    client, organiser, led_window
):
    colleague = factories.UserFactory(department=organiser.department)
    invitation = factories.LeadershipInvitationFactory(team=led_window, user=colleague)
    client.force_login(organiser)

    response = client.post(
        reverse("evaluations:organiser_invitation_remove", args=[invitation.pk]), follow=True
    )

    assert led_window.invitations.filter(pk=invitation.pk).exists()
    assert "招待は取り消せません" in response.content.decode()


def test_the_manage_page_offers_no_decision_on_an_organisers_own_team(
    client, organiser, recruiting
):
    own = factories.TeamFactory(project=recruiting, status=Team.Status.PROPOSED)
    factories.MembershipFactory(
        team=own, user=organiser, role=Membership.Role.LEADER, status=Membership.Status.APPLIED
    )
    other = factories.TeamFactory(project=recruiting, status=Team.Status.PROPOSED)
    factories.MembershipFactory(
        team=other, role=Membership.Role.LEADER, status=Membership.Status.APPLIED
    )
    client.force_login(organiser)

    body = client.get(
        reverse("projects:organiser_project_manage", args=[recruiting.pk])
    ).content.decode()

    assert reverse("projects:organiser_team_approve", args=[own.pk]) not in body
    assert reverse("projects:organiser_team_approve", args=[other.pk]) in body
    assert "承認・却下は他のDX推進担当が行います" in body
