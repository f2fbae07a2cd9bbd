"""One rule decides who may be invited to rate a leader (permissions.invitation_refusal):
the service, the organiser's choice list and the form agree on every kind of person."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from evaluations import selectors, services
from evaluations.exceptions import NotAllowed
from evaluations.forms import InvitationForm
from evaluations.models import LeadershipInvitation
from tests import factories


def offered(w) -> set[int]:
    return {u.pk for u in selectors.invitation_candidates_for_team(team=w.team)}


def accepted_by_service(w, user) -> bool:
    try:
        services.invitation_add(team=w.team, user=user, by=w.organiser)
    except NotAllowed:
        return False
    return True


def accepted_by_form(w, user) -> bool:
    form = InvitationForm(
        {"user": user.pk}, candidates=selectors.invitation_candidates_for_team(team=w.team)
    )
    return form.is_valid()


PEOPLE = {
    "staff of the leader's department": lambda w: factories.UserFactory(department=w.department),
    "an executive without the staff role": lambda w: factories.UserFactory(
        department=w.department, roles=[Role.EXECUTIVE]
    ),
    "HR without the staff role": lambda w: factories.UserFactory(
        department=w.department, roles=[Role.HR_ADMIN]
    ),
    "an external expert given the staff role by mistake": lambda w: factories.UserFactory(
        department=w.department, roles=[Role.STAFF, Role.EXTERNAL_EXPERT]
    ),
    "a retired (inactive) colleague": lambda w: factories.UserFactory(
        department=w.department, is_active=False
    ),
    "staff of another department": lambda w: factories.UserFactory(),
}
MAY_BE_INVITED = {
    "staff of the leader's department",
    "an executive without the staff role",
    "HR without the staff role",
}


@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_the_choice_list_the_form_and_the_service_agree(w, who):
    person = PEOPLE[who](w)
    expected = who in MAY_BE_INVITED

    assert (person.pk in offered(w)) is expected
    assert accepted_by_form(w, person) is expected
    assert accepted_by_service(w, person) is expected
    assert LeadershipInvitation.objects.filter(user=person).exists() is expected


def test_someone_already_invited_is_no_longer_offered(w):
    colleague = factories.UserFactory(department=w.department)
    services.invitation_add(team=w.team, user=colleague, by=w.organiser)

    assert colleague.pk not in offered(w)


def test_the_organiser_can_invite_an_executive_of_the_leaders_department(client, w):
    """The drift this rule ends: the form offered only the STAFF group, the service
    accepted every city employee."""
    executive = factories.UserFactory(department=w.department, roles=[Role.EXECUTIVE])
    client.force_login(w.organiser)

    client.post(
        reverse("evaluations:organiser_invitation_add", args=[w.team.pk]),
        {f"t{w.team.pk}-user": executive.pk},
    )

    assert w.team.invitations.get().user == executive
