"""所属長の承認 (issue 12): the head of an applicant's 課 consents (noting 業務の分担) or
declines before the organiser decides. Services, e-mail and the pages that show it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Grade
from accounts.roles import Role
from projects import services
from projects.exceptions import InvalidData, NotAllowed, WrongState
from projects.models import HeadConsent, Membership, Project, Team
from tests import factories
from tests.mail import FlakyBackend

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 5, 1)
COVERAGE = "窓口当番は同じ係の佐藤さんが代わります。"


@pytest.fixture
def project():
    return factories.ProjectFactory(
        fiscal_year=2024,
        status=Project.Status.RECRUITING,
        recruitment_starts_on=datetime.date(2024, 4, 1),
        recruitment_ends_on=datetime.date(2024, 5, 31),
    )


@pytest.fixture
def section():
    return factories.DepartmentFactory(name="こども家庭課")


@pytest.fixture
def head(section):
    return factories.UserFactory(department=section, grade=Grade.KACHO, last_name="小林")


@pytest.fixture
def applicant(section, head):
    return factories.UserFactory(department=section, grade=Grade.SHUJI, last_name="木村")


@pytest.fixture
def organiser():
    return factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])


@pytest.fixture
def team(project):
    team = factories.TeamFactory(project=project)
    factories.MembershipFactory(team=team, role=Membership.Role.LEADER)
    return team


def apply(team, user):
    return services.membership_apply(team=team, by=user, today=TODAY)


def propose(project, user):
    return services.team_propose(
        project=project, by=user, name="保育チーム", theme="入所選考の効率化", today=TODAY
    )


# --- when the step applies --------------------------------------------------------------


def test_an_application_of_someone_with_a_head_waits_for_that_head(team, applicant):
    membership = apply(team, applicant)
    assert membership.head_consent.decision == HeadConsent.Decision.PENDING
    assert membership.status == Membership.Status.APPLIED


def test_a_team_proposal_waits_for_the_leaders_head(project, applicant):
    team = propose(project, applicant)
    leader = Membership.objects.get(team=team, role=Membership.Role.LEADER)
    assert leader.head_consent.is_pending


def test_someone_without_a_head_by_the_roster_goes_straight_to_the_organiser(team):
    mayor = factories.UserFactory(grade=Grade.SHUJI)  # a department without any head
    membership = apply(team, mayor)
    assert not HeadConsent.objects.filter(membership=membership).exists()


def test_a_section_without_a_kacho_answers_to_the_bucho_above(team):
    division = factories.DepartmentFactory(name="建設部")
    bucho = factories.UserFactory(department=division, grade=Grade.BUCHO)
    section = factories.DepartmentFactory(name="都市計画課", parent=division)
    person = factories.UserFactory(department=section)
    consent = apply(team, person).head_consent
    services.head_consent(consent=consent, by=bucho, coverage=COVERAGE)
    consent.refresh_from_db()
    assert consent.is_consented


def test_a_project_with_the_step_switched_off_asks_no_head(team, applicant):
    Project.objects.filter(pk=team.project_id).update(requires_head_consent=False)
    team.project.refresh_from_db()
    membership = apply(team, applicant)
    assert not HeadConsent.objects.filter(membership=membership).exists()


# --- the organiser waits ----------------------------------------------------------------


def test_the_organiser_cannot_approve_an_application_before_the_head_consents(
    team, applicant, organiser
):
    membership = apply(team, applicant)
    with pytest.raises(WrongState, match="所属長の承認待ち"):
        services.membership_approve(membership=membership, by=organiser)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLIED


def test_the_organiser_approves_once_the_head_has_consented(team, applicant, head, organiser):
    membership = apply(team, applicant)
    services.head_consent(consent=membership.head_consent, by=head, coverage=COVERAGE)
    services.membership_approve(membership=membership, by=organiser)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED


def test_the_organiser_cannot_approve_a_team_whose_leaders_head_has_not_consented(
    project, applicant, organiser
):
    team = propose(project, applicant)
    with pytest.raises(WrongState, match="所属長の承認待ち"):
        services.team_approve(team=team, by=organiser)
    team.refresh_from_db()
    assert team.status == Team.Status.PROPOSED


def test_the_organiser_approves_a_team_once_the_leaders_head_has_consented(
    project, applicant, head, organiser
):
    team = propose(project, applicant)
    leader = Membership.objects.get(team=team)
    services.head_consent(consent=leader.head_consent, by=head, coverage=COVERAGE)
    services.team_approve(team=team, by=organiser)
    team.refresh_from_db()
    assert team.status == Team.Status.APPROVED


def test_switching_the_step_off_lets_the_organiser_approve_what_was_waiting(
    team, applicant, organiser
):
    membership = apply(team, applicant)
    services.project_update(project=team.project, by=organiser, requires_head_consent=False)
    services.membership_approve(membership=membership, by=organiser)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED


# --- the head's decision ----------------------------------------------------------------


def test_consenting_records_who_when_and_how_the_work_is_covered(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_consent(consent=consent, by=head, coverage=f"  {COVERAGE} ")
    consent.refresh_from_db()
    assert consent.decision == HeadConsent.Decision.CONSENTED
    assert consent.coverage == COVERAGE
    assert consent.decided_by == head
    assert consent.decided_at is not None
    assert consent.history.first().history_user == head


def test_consenting_without_saying_how_the_work_is_covered_is_refused(team, applicant, head):
    consent = apply(team, applicant).head_consent
    with pytest.raises(InvalidData, match="業務の分担"):
        services.head_consent(consent=consent, by=head, coverage="　 ")
    consent.refresh_from_db()
    assert consent.is_pending


def test_a_coverage_note_of_the_longest_length_is_accepted_and_one_longer_refused(
    team, applicant, head
):
    consent = apply(team, applicant).head_consent
    with pytest.raises(InvalidData):
        services.head_consent(consent=consent, by=head, coverage="あ" * 1001)
    services.head_consent(consent=consent, by=head, coverage="あ" * 1000)
    consent.refresh_from_db()
    assert len(consent.coverage) == 1000


def test_declining_without_a_reason_is_refused(team, applicant, head):
    consent = apply(team, applicant).head_consent
    with pytest.raises(InvalidData, match="不承認の理由"):
        services.head_decline(consent=consent, by=head, reason="")
    consent.refresh_from_db()
    assert consent.is_pending


def test_declining_ends_the_application_and_frees_its_place(team, applicant, head):
    membership = apply(team, applicant)
    team.refresh_from_db()
    places = team.member_count
    services.head_decline(consent=membership.head_consent, by=head, reason="繁忙期のため")
    membership.refresh_from_db()
    team.refresh_from_db()
    assert membership.status == Membership.Status.REJECTED
    assert membership.head_consent.reason == "繁忙期のため"
    assert team.member_count == places - 1


def test_declining_a_team_proposal_rejects_the_team(project, applicant, head):
    team = propose(project, applicant)
    leader = Membership.objects.get(team=team)
    services.head_decline(consent=leader.head_consent, by=head, reason="人員不足のため")
    team.refresh_from_db()
    leader.refresh_from_db()
    assert team.status == Team.Status.REJECTED
    assert leader.status == Membership.Status.REJECTED
    assert team.member_count == 0


def test_a_head_of_another_section_may_not_decide(team, applicant):
    other_head = factories.UserFactory(grade=Grade.KACHO)
    consent = apply(team, applicant).head_consent
    with pytest.raises(NotAllowed):
        services.head_consent(consent=consent, by=other_head, coverage=COVERAGE)
    consent.refresh_from_db()
    assert consent.is_pending


def test_the_organiser_who_is_not_the_head_may_not_consent(team, applicant, organiser):
    consent = apply(team, applicant).head_consent
    with pytest.raises(NotAllowed):
        services.head_consent(consent=consent, by=organiser, coverage=COVERAGE)


def test_a_head_who_applies_waits_for_the_head_above_not_for_themself(team, section, head):
    division = factories.DepartmentFactory(name="健康福祉部")
    section.parent = division
    section.save()
    bucho = factories.UserFactory(department=division, grade=Grade.BUCHO)
    Project.objects.filter(pk=team.project_id).update(max_grade=Grade.KACHO)
    team.project.refresh_from_db()
    consent = apply(team, head).head_consent
    with pytest.raises(NotAllowed):
        services.head_consent(consent=consent, by=head, coverage=COVERAGE)
    services.head_consent(consent=consent, by=bucho, coverage=COVERAGE)


def test_consenting_twice_changes_nothing(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_consent(consent=consent, by=head, coverage=COVERAGE)
    services.head_consent(consent=consent, by=head, coverage="別の分担")
    consent.refresh_from_db()
    assert consent.coverage == COVERAGE


def test_a_consent_cannot_be_turned_into_a_decline(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_consent(consent=consent, by=head, coverage=COVERAGE)
    with pytest.raises(WrongState, match="判断済み"):
        services.head_decline(consent=consent, by=head, reason="やはり不可")
    consent.refresh_from_db()
    assert consent.is_consented


def test_a_withdrawn_application_cannot_be_consented(team, applicant, head):
    membership = apply(team, applicant)
    services.membership_withdraw(membership=membership, by=applicant, today=TODAY)
    with pytest.raises(WrongState):
        services.head_consent(consent=membership.head_consent, by=head, coverage=COVERAGE)


# --- the e-mail to the head -------------------------------------------------------------


def test_applying_emails_the_head_after_the_commit(
    team, applicant, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = apply(team, applicant)
    assert [m.to for m in mail.outbox] == [[head.email]]
    assert "所属長の承認" in mail.outbox[0].subject
    assert reverse("projects:consent_list") in mail.outbox[0].body
    membership.head_consent.refresh_from_db()
    assert membership.head_consent.notified_at is not None


def test_a_refused_email_stays_owed_and_the_retry_sends_it_once(team, applicant, head, settings):
    settings.EMAIL_BACKEND = "tests.mail.FlakyBackend"
    FlakyBackend.refuse = {head.email: 1}
    consent = apply(team, applicant).head_consent
    with pytest.raises(OSError):
        services.consent_requests_send()
    consent.refresh_from_db()
    assert consent.notified_at is None
    assert services.consent_requests_send() == 1
    assert services.consent_requests_send() == 0
    assert [m.to for m in mail.outbox] == [[head.email]]


def test_no_email_is_owed_for_an_application_decided_before_it_was_sent(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_consent(consent=consent, by=head, coverage=COVERAGE)
    assert services.consent_requests_send() == 0
    assert mail.outbox == []
