"""The showcase's writes: publishing, name consent, 横展開 interest and its statuses."""

import datetime

import pytest
from django.db import IntegrityError

from accounts.models import AuditAction, AuditEntry
from evaluations.models import ReportMeeting
from projects.models import Membership, Team
from showcase import services
from showcase.exceptions import InvalidData, NotAllowed, NotPublishable, WrongState
from showcase.models import AdoptionInterest, NameConsent, ShowcaseCase
from tests import factories

pytestmark = pytest.mark.django_db
S = AdoptionInterest.Status


# --- publishing ---------------------------------------------------------------------------


def test_a_team_is_published_once_its_projects_report_meeting_has_closed(closed_team, organiser):
    case = services.case_publish(team=closed_team, by=organiser)

    assert case.is_published
    assert case.fiscal_year == 2023
    assert case.title == "保育所入所選考の効率化"
    assert AuditEntry.objects.filter(action=AuditAction.SHOWCASE_PUBLISH).count() == 1


def test_a_team_whose_report_meeting_is_still_open_is_not_published(organiser):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    team = factories.team_with(project=meeting.project, members=1)

    with pytest.raises(NotPublishable, match="報告会が締め切られてから"):
        services.case_publish(team=team, by=organiser)
    assert not ShowcaseCase.objects.exists()


def test_a_team_without_any_meeting_is_not_published(organiser):
    team = factories.team_with(members=1)

    with pytest.raises(NotPublishable):
        services.case_publish(team=team, by=organiser)


def test_a_rejected_team_is_not_published(closed_team, organiser):
    Team.objects.filter(pk=closed_team.pk).update(status=Team.Status.REJECTED)

    with pytest.raises(NotPublishable, match="承認済み"):
        services.case_publish(team=closed_team, by=organiser)


def test_only_an_organiser_publishes(closed_team):
    hr = factories.UserFactory(roles=["staff", "hr_admin"])

    with pytest.raises(NotAllowed):
        services.case_publish(team=closed_team, by=hr)


def test_publishing_again_keeps_the_first_publication_and_replaces_the_tags(closed_team, organiser):
    first = services.theme_tag_add(name="子育て", by=organiser)
    second = services.theme_tag_add(name="自動化", by=organiser)
    case = services.case_publish(team=closed_team, by=organiser, tags=[first])
    published_at = case.published_at

    again = services.case_publish(team=closed_team, by=organiser, tags=[second])

    assert again.pk == case.pk
    assert again.published_at == published_at
    assert list(again.tags.all()) == [second]


def test_unpublishing_takes_the_case_off_and_keeps_the_interests(case, organiser):
    AdoptionInterest.objects.create(
        case=case, user=factories.UserFactory(), department=factories.DepartmentFactory()
    )

    services.case_unpublish(case=case, by=organiser)

    case.refresh_from_db()
    assert case.status == ShowcaseCase.Status.UNPUBLISHED
    assert case.unpublished_at is not None
    assert AdoptionInterest.objects.filter(case=case).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.SHOWCASE_UNPUBLISH).count() == 1


def test_unpublishing_twice_logs_once(case, organiser):
    services.case_unpublish(case=case, by=organiser)
    services.case_unpublish(case=case, by=organiser)

    assert AuditEntry.objects.filter(action=AuditAction.SHOWCASE_UNPUBLISH).count() == 1


def test_an_unpublished_case_is_published_again_with_a_new_date(case, organiser):
    services.case_unpublish(case=case, by=organiser)

    again = services.case_publish(team=case.team, by=organiser)

    assert again.is_published
    assert again.unpublished_at is None


def test_publishing_has_history(case):
    assert case.history.count() == 1


def test_the_search_text_holds_the_worksheet_normalised(closed_team, organiser):
    closed_team.worksheet.cause = "ＢＰＲ　手作業"
    closed_team.worksheet.save()

    case = services.case_publish(team=closed_team, by=organiser)

    assert "bpr 手作業" in case.search_text
    assert "保育所入所選考の効率化" in case.search_text


# --- theme tags ---------------------------------------------------------------------------


def test_a_tag_name_is_unique(organiser):
    services.theme_tag_add(name="窓口", by=organiser)

    with pytest.raises(InvalidData, match="同じ名前"):
        services.theme_tag_add(name="窓口", by=organiser)


@pytest.mark.parametrize("name", ["", "   ", "x" * 31, "a\x00b"])
def test_a_bad_tag_name_is_refused(organiser, name):
    with pytest.raises(InvalidData):
        services.theme_tag_add(name=name, by=organiser)


def test_a_thirty_character_tag_is_accepted(organiser):
    assert services.theme_tag_add(name="x" * 30, by=organiser).name == "x" * 30


# --- name consent ---------------------------------------------------------------------------


def test_a_member_hides_their_name_and_shows_it_again(closed_team):
    member = Membership.objects.filter(team=closed_team, role="member").first().user

    services.name_consent_set(team=closed_team, user=member, show_name=False)
    assert NameConsent.objects.get(team=closed_team, user=member).show_name is False

    services.name_consent_set(team=closed_team, user=member, show_name=True)
    assert NameConsent.objects.get(team=closed_team, user=member).show_name is True


def test_someone_outside_the_team_sets_no_consent(closed_team):
    with pytest.raises(NotAllowed):
        services.name_consent_set(team=closed_team, user=factories.UserFactory(), show_name=False)
    assert not NameConsent.objects.exists()


# --- 横展開 ----------------------------------------------------------------------------------


def test_staff_register_interest_for_their_own_department(case):
    person = factories.UserFactory()

    interest = services.adoption_interest_register(case=case, by=person, note="学童保育でも")

    assert interest.department_id == person.department_id
    assert interest.status == S.INTERESTED
    assert interest.history.count() == 1


def test_a_second_interest_in_the_same_case_and_department_is_refused(case):
    person = factories.UserFactory()
    services.adoption_interest_register(case=case, by=person)

    with pytest.raises(InvalidData, match="既にこの課"):
        services.adoption_interest_register(case=case, by=person)
    assert AdoptionInterest.objects.count() == 1


def test_the_database_refuses_a_second_interest_too(case):
    person = factories.UserFactory()
    services.adoption_interest_register(case=case, by=person)

    with pytest.raises(IntegrityError):
        AdoptionInterest.objects.create(case=case, user=person, department=person.department)


def test_after_moving_department_the_same_person_registers_for_the_new_department(case):
    person = factories.UserFactory()
    services.adoption_interest_register(case=case, by=person)
    person.department = factories.DepartmentFactory()
    person.save()

    services.adoption_interest_register(case=case, by=person)

    assert AdoptionInterest.objects.filter(user=person).count() == 2


def test_the_team_does_not_register_interest_in_its_own_case(case):
    member = Membership.objects.filter(team=case.team).first().user

    with pytest.raises(NotAllowed):
        services.adoption_interest_register(case=case, by=member)


def test_an_unpublished_case_takes_no_interest(case, organiser):
    services.case_unpublish(case=case, by=organiser)

    with pytest.raises(WrongState):
        services.adoption_interest_register(case=case, by=factories.UserFactory())


def test_someone_without_a_department_is_refused(case):
    with pytest.raises(InvalidData, match="所属"):
        services.adoption_interest_register(case=case, by=factories.UserFactory(department=None))


def test_an_external_expert_registers_no_interest(case):
    with pytest.raises(NotAllowed):
        services.adoption_interest_register(case=case, by=factories.ExpertFactory())


@pytest.mark.parametrize(("length", "accepted"), [(500, True), (501, False)])
def test_the_note_is_at_most_500_characters(case, length, accepted):
    person = factories.UserFactory()
    if accepted:
        services.adoption_interest_register(case=case, by=person, note="あ" * length)
    else:
        with pytest.raises(InvalidData):
            services.adoption_interest_register(case=case, by=person, note="あ" * length)
    assert AdoptionInterest.objects.exists() is accepted


def test_the_organiser_moves_an_interest_to_considering_then_adopted(case, organiser):
    interest = services.adoption_interest_register(case=case, by=factories.UserFactory())

    services.adoption_status_set(interest=interest, status=S.CONSIDERING, by=organiser)
    adopted = services.adoption_status_set(
        interest=interest, status=S.ADOPTED, by=organiser, today=datetime.date(2025, 6, 1)
    )

    assert adopted.status == S.ADOPTED
    assert adopted.adopted_on == datetime.date(2025, 6, 1)
    assert adopted.status_changed_by == organiser
    assert AuditEntry.objects.filter(action=AuditAction.ADOPTION_STATUS).count() == 2


def test_an_adoption_goes_back_only_to_considering(case, organiser):
    interest = services.adoption_interest_register(case=case, by=factories.UserFactory())
    services.adoption_status_set(interest=interest, status=S.ADOPTED, by=organiser)

    with pytest.raises(WrongState):
        services.adoption_status_set(interest=interest, status=S.DROPPED, by=organiser)
    back = services.adoption_status_set(interest=interest, status=S.CONSIDERING, by=organiser)
    assert back.adopted_on is None


def test_setting_the_same_status_again_writes_nothing(case, organiser):
    interest = services.adoption_interest_register(case=case, by=factories.UserFactory())

    services.adoption_status_set(interest=interest, status=S.INTERESTED, by=organiser)

    assert not AuditEntry.objects.filter(action=AuditAction.ADOPTION_STATUS).exists()


def test_only_the_organiser_moves_an_interest(case):
    interest = services.adoption_interest_register(case=case, by=factories.UserFactory())

    with pytest.raises(NotAllowed):
        services.adoption_status_set(
            interest=interest, status=S.ADOPTED, by=factories.UserFactory()
        )


def test_an_unknown_status_is_refused(case, organiser):
    interest = services.adoption_interest_register(case=case, by=factories.UserFactory())

    with pytest.raises(InvalidData):
        services.adoption_status_set(interest=interest, status="done", by=organiser)
