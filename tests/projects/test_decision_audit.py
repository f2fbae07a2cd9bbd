"""所属長の承認 and the organiser's decisions on applications are in the 操作ログ, with ids
and the decision only: the free-text notes (業務の分担, 不承認の理由) stay out of the log."""

import datetime

import pytest

from accounts.models import AuditAction, AuditEntry, Grade
from accounts.roles import Role
from projects import services
from projects.exceptions import NotAllowed
from projects.models import Membership, Project
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 5, 1)
COVERAGE = "窓口当番は同じ係の佐藤さんが代わります。"
REASON = "繁忙期のため人員を割けません。"


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
    return factories.UserFactory(department=section, grade=Grade.KACHO)


@pytest.fixture
def applicant(section, head):
    return factories.UserFactory(department=section, grade=Grade.SHUJI)


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


def test_a_heads_consent_writes_one_audit_entry(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_consent(consent=consent, by=head, coverage=COVERAGE)
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        AuditAction.HEAD_CONSENT,
        head.pk,
        str(consent.membership_id),
    )


def test_a_heads_decline_writes_one_audit_entry(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_decline(consent=consent, by=head, reason=REASON)
    (entry,) = AuditEntry.objects.all()
    assert entry.action == AuditAction.HEAD_DECLINE


def test_the_audit_entry_of_a_decision_carries_no_free_text(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_decline(consent=consent, by=head, reason=REASON)
    entry = AuditEntry.objects.get()
    assert REASON not in str(entry.detail) and REASON not in entry.target_repr


def test_a_refused_consent_writes_no_audit_entry(team, applicant, organiser):
    consent = apply(team, applicant).head_consent
    with pytest.raises(NotAllowed):
        services.head_consent(consent=consent, by=organiser, coverage=COVERAGE)
    assert not AuditEntry.objects.exists()


def test_consenting_again_writes_no_second_entry(team, applicant, head):
    consent = apply(team, applicant).head_consent
    services.head_consent(consent=consent, by=head, coverage=COVERAGE)
    services.head_consent(consent=consent, by=head, coverage=COVERAGE)
    assert AuditEntry.objects.count() == 1


def test_the_organisers_approval_of_an_application_is_audited(team, applicant, head, organiser):
    membership = apply(team, applicant)
    services.head_consent(consent=membership.head_consent, by=head, coverage=COVERAGE)
    services.membership_approve(membership=membership, by=organiser)
    assert AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_APPROVE).count() == 1


def test_the_organisers_rejection_of_an_application_is_audited(team, applicant, organiser):
    membership = apply(team, applicant)
    services.membership_reject(membership=membership, by=organiser)
    assert AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_REJECT).count() == 1


def test_the_organisers_approval_of_a_team_is_audited(project, applicant, head, organiser):
    team = propose(project, applicant)
    leader = Membership.objects.get(team=team)
    services.head_consent(consent=leader.head_consent, by=head, coverage=COVERAGE)
    services.team_approve(team=team, by=organiser)
    assert AuditEntry.objects.filter(action=AuditAction.TEAM_APPROVE).count() == 1


def test_the_organisers_rejection_of_a_team_is_audited(project, applicant, organiser):
    team = propose(project, applicant)
    services.team_reject(team=team, by=organiser)
    assert AuditEntry.objects.filter(action=AuditAction.TEAM_REJECT).count() == 1


def test_rejecting_a_rejected_team_again_writes_no_second_entry(project, applicant, organiser):
    team = propose(project, applicant)
    services.team_reject(team=team, by=organiser)
    services.team_reject(team=team, by=organiser)
    assert AuditEntry.objects.filter(action=AuditAction.TEAM_REJECT).count() == 1
