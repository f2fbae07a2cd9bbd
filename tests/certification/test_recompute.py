import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.models import Certification, RecomputeRun, StaleUser
from certification.services import certifications_recompute, mark_stale
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("automatic_mode")]

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def raters():
    return Raters()


def held(user):
    return {
        (c.level, c.fiscal_year, c.status, c.source)
        for c in Certification.objects.filter(user=user)
    }


def test_a_member_of_a_team_scoring_60_becomes_advisor(raters):
    member = factories.UserFactory()
    team = scored_team(raters, members=[member], policy=(60, 60), technical=(60,))
    result = certifications_recompute(user_ids=[member.pk])
    assert result["created"] == 1
    cert = Certification.objects.get(user=member)
    assert (cert.level, cert.fiscal_year, cert.status, cert.source) == (
        1,
        2024,
        "active",
        "automatic",
    )
    [entry] = cert.evidence["teams"]
    assert entry["team"] == team.pk
    assert entry["team_name"] == team.name
    assert entry["policy_mean"] == 60 and entry["policy_raters"] == 2
    assert entry["rules"]["report_threshold"] == 60.0
    assert cert.history.count() == 1


def test_a_team_below_the_threshold_earns_nothing(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member], policy=(59, 59), technical=(59,))
    certifications_recompute(user_ids=[member.pk])
    assert not Certification.objects.filter(user=member).exists()


def test_pending_scores_earn_nothing(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member], policy=(100,), technical=(100,))
    certifications_recompute(user_ids=[member.pk])
    assert not Certification.objects.filter(user=member).exists()


def test_a_leader_over_three_years_climbs_to_specialist(raters):
    person = factories.UserFactory()
    scored_team(raters, year=2022, members=[person])
    scored_team(raters, year=2023, leader=person, leadership=(70, 70))
    scored_team(raters, year=2024, leader=person, leadership=(80, 60))
    certifications_recompute(user_ids=[person.pk])
    assert held(person) == {
        (1, 2022, "active", "automatic"),
        (2, 2023, "active", "automatic"),
        (3, 2024, "active", "automatic"),
    }


def test_a_second_run_changes_and_writes_nothing(raters):
    people = [factories.UserFactory() for _ in range(4)]
    scored_team(raters, leader=people[0], members=people[1:3], leadership=(70, 70))
    certifications_recompute(user_ids=[p.pk for p in people])
    history = Certification.history.count()
    before = list(Certification.objects.values())
    with CaptureQueriesContext(connection) as queries:
        result = certifications_recompute(user_ids=[p.pk for p in people])
    assert result["created"] == result["flagged"] == result["restored"] == 0
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert Certification.history.count() == history
    assert list(Certification.objects.values()) == before


def test_an_automatic_award_the_data_no_longer_supports_is_flagged_not_revoked():
    cert = factories.CertificationFactory(level=1, fiscal_year=2024)
    result = certifications_recompute(user_ids=[cert.user_id])
    cert.refresh_from_db()
    assert result["flagged"] == 1
    assert cert.status == "flagged"
    assert "満たしていません" in cert.flag_reason
    assert cert.revoked_at is None
    assert cert.history.first().history_change_reason == cert.flag_reason


def test_a_flagged_award_supported_again_is_active_again(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    cert = factories.CertificationFactory(
        user=member, level=1, status="flagged", flag_reason="以前の確認"
    )
    certifications_recompute(user_ids=[member.pk])
    cert.refresh_from_db()
    assert (cert.status, cert.flag_reason) == ("active", "")
    assert Certification.objects.filter(user=member).count() == 1


def test_a_manual_grant_is_prior_and_never_flagged(raters):
    person = factories.UserFactory()
    factories.CertificationFactory(
        user=person, level=1, fiscal_year=2022, source="manual", reason="他自治体での実績"
    )
    scored_team(raters, year=2023, leader=person, leadership=(70, 70))
    certifications_recompute(user_ids=[person.pk])
    assert held(person) == {
        (1, 2022, "active", "manual"),
        (2, 2023, "active", "automatic"),
    }


def test_a_revoked_level_is_not_awarded_again(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    factories.CertificationFactory(
        user=member,
        level=1,
        status="revoked",
        revoked_at="2025-01-01T00:00:00Z",
        reason="誤登録",
    )
    assert certifications_recompute(user_ids=[member.pk])["created"] == 0


def test_no_level_above_a_revoked_one_is_awarded_by_the_machine(raters):
    person = factories.UserFactory()
    scored_team(raters, year=2022, members=[person])
    scored_team(raters, year=2023, leader=person, leadership=(70, 70))
    factories.CertificationFactory(
        user=person,
        level=1,
        fiscal_year=2022,
        status="revoked",
        revoked_at="2025-01-01T00:00:00Z",
        reason="評価の誤り",
    )

    certifications_recompute(user_ids=[person.pk])

    assert held(person) == {(1, 2022, "revoked", "automatic")}


def test_a_level_granted_again_by_hr_lifts_the_revocation_for_the_levels_above(raters):
    person = factories.UserFactory()
    scored_team(raters, year=2022, members=[person])
    scored_team(raters, year=2023, leader=person, leadership=(70, 70))
    factories.CertificationFactory(
        user=person,
        level=1,
        fiscal_year=2022,
        status="revoked",
        revoked_at="2025-01-01T00:00:00Z",
        reason="評価の誤り",
    )
    factories.CertificationFactory(
        user=person, level=1, fiscal_year=2022, source="manual", reason="再審査で認定"
    )

    certifications_recompute(user_ids=[person.pk])

    assert (2, 2023, "active", "automatic") in held(person)


def test_recompute_deletes_the_stale_markers_of_the_people_it_handled(raters):
    member, other = factories.UserFactory(), factories.UserFactory()
    scored_team(raters, members=[member])
    mark_stale(user_ids=[member.pk, other.pk])
    certifications_recompute(user_ids=[member.pk])
    assert list(StaleUser.objects.values_list("user_id", flat=True)) == [other.pk]


def test_everyone_means_members_holders_and_stale_people(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    holder = factories.CertificationFactory(level=1).user
    stale = factories.UserFactory()
    mark_stale(user_ids=[stale.pk])
    result = certifications_recompute()
    assert result["people"] >= 3
    assert Certification.objects.filter(user=member, level=1).exists()
    assert Certification.objects.get(user=holder).status == "flagged"
    assert not StaleUser.objects.exists()


def test_a_run_reports_its_progress(raters):
    people = [factories.UserFactory() for _ in range(5)]
    scored_team(raters, leader=people[0], members=people[1:])
    run = RecomputeRun.objects.create()
    certifications_recompute(run=run, chunk_size=2)
    run.refresh_from_db()
    assert run.status == "done"
    assert run.done == run.total >= 5
    assert run.created == 5
    assert run.finished_at is not None


def test_the_new_holder_is_emailed_in_japanese_after_commit(
    raters, django_capture_on_commit_callbacks
):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    with django_capture_on_commit_callbacks(execute=True):
        certifications_recompute(user_ids=[member.pk])
    [message] = mail.outbox
    assert message.to == [member.email]
    assert "DXアドバイザー" in message.subject
    assert "令和6年度" in message.body
    cert = Certification.objects.get(user=member)
    assert f"/verify/{cert.public_id}/" in message.body


def _programme(raters, people_count):
    people = [factories.UserFactory() for _ in range(people_count)]
    for start in range(0, people_count, 5):
        group = people[start : start + 5]
        scored_team(raters, leader=group[0], members=group[1:], leadership=(70, 70))
    return [p.pk for p in people]


def _count_queries(ids):
    with CaptureQueriesContext(connection) as queries:
        certifications_recompute(user_ids=ids)
    return len(queries)


def test_recompute_query_count_does_not_grow_with_people(raters, django_assert_max_num_queries):
    few, many = _programme(raters, 5), _programme(raters, 50)
    first_few, first_many = _count_queries(few), _count_queries(many)
    assert Certification.objects.count() == 55
    again_few, again_many = _count_queries(few), _count_queries(many)
    assert first_few == first_many
    assert again_few == again_many
    with django_assert_max_num_queries(again_many):
        certifications_recompute(user_ids=few + many)
    assert (first_many, again_many) == (14, 10)


def _count_full_run_queries():
    run = RecomputeRun.objects.create()
    with CaptureQueriesContext(connection) as queries:
        certifications_recompute(run=run)
    run.refresh_from_db()
    assert (run.status, run.done) == ("done", run.total)
    return len(queries)


def test_a_full_recompute_runs_as_many_queries_for_60_people_as_for_5(raters):
    few = _programme(raters, 5)
    mark_stale(user_ids=few[:2])
    first_few, again_few = _count_full_run_queries(), _count_full_run_queries()
    many = _programme(raters, 55)  # 60 people in all, several progress steps of people
    mark_stale(user_ids=many[:2])
    first_many, again_many = _count_full_run_queries(), _count_full_run_queries()
    assert Certification.objects.filter(user_id__in=few + many).count() == 60
    assert not StaleUser.objects.exists()
    assert first_few == first_many
    assert again_few == again_many
