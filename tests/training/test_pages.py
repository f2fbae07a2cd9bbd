"""The training pages, the DX journey, HR's 人材台帳 and the rule sets' requirement, seen
through the portal (permissions at the edges, what each page shows, downloads)."""

import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditEntry, Grade
from accounts.roles import Role
from certification import selectors as certification_selectors
from certification.models import Level
from tests import factories
from tests.certification.helpers import Raters, scored_team
from training import selectors
from training.models import Course, Review

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def with_file(record):
    record.certificate.save("c.pdf", ContentFile(PDF), save=True)
    return record


# --- the verified keys the rules take -----------------------------------------------------------


def test_only_verified_records_give_keys():
    person = factories.UserFactory()
    passport = factories.QualificationFactory(code="it_passport")
    factories.QualificationRecordFactory(
        person=person, qualification=passport, status=Review.VERIFIED
    )
    factories.QualificationRecordFactory(person=person, status=Review.PENDING)
    factories.QualificationRecordFactory(person=person, status=Review.RETURNED)
    factories.CourseRecordFactory(
        person=person, course=factories.CourseFactory(code="literacy"), status=Review.VERIFIED
    )
    assert selectors.verified_keys(user_ids=[person.pk]) == {
        person.pk: frozenset({"qualification:it_passport", "course:literacy"})
    }


def test_without_requirements_gather_reads_no_training_data(django_assert_num_queries):
    person = factories.UserFactory()
    factories.QualificationRecordFactory(person=person, status=Review.VERIFIED)
    with django_assert_num_queries(6):
        data = certification_selectors.gather(user_ids=[person.pk])
    assert data.credentials == {}


def _expert_candidate():
    """Advisor as a FY2023 member, then leader of a qualifying FY2024 team."""
    raters = Raters()
    person = factories.UserFactory()
    scored_team(raters, year=2023, members=[person])
    scored_team(raters, year=2024, leader=person, leadership=(70, 70, 70))
    return person


def _expert_outcome(person):
    outcome, _data = certification_selectors.decide_for(user=person, certifications=[])
    return {award.level for award in outcome.awards}


def test_a_pending_qualification_does_not_meet_the_requirement():
    person = _expert_candidate()
    factories.RuleSetFactory(fiscal_year=2024, requirements={"expert": ["qualification:ip"]})
    factories.QualificationRecordFactory(
        person=person, qualification=factories.QualificationFactory(code="ip")
    )
    assert _expert_outcome(person) == {Level.ADVISOR}


def test_a_returned_qualification_does_not_meet_the_requirement():
    person = _expert_candidate()
    factories.RuleSetFactory(fiscal_year=2024, requirements={"expert": ["qualification:ip"]})
    factories.QualificationRecordFactory(
        person=person,
        qualification=factories.QualificationFactory(code="ip"),
        status=Review.RETURNED,
    )
    assert _expert_outcome(person) == {Level.ADVISOR}


def test_a_qualification_verified_before_the_decision_meets_the_requirement(hr_admin):
    from training import services

    person = _expert_candidate()
    factories.RuleSetFactory(fiscal_year=2024, requirements={"expert": ["qualification:ip"]})
    record = factories.QualificationRecordFactory(
        person=person, qualification=factories.QualificationFactory(code="ip")
    )
    services.record_verify(record=record, by=hr_admin)
    assert _expert_outcome(person) == {Level.ADVISOR, Level.EXPERT}


def test_the_same_person_without_any_requirement_is_expert_as_before():
    assert _expert_outcome(_expert_candidate()) == {Level.ADVISOR, Level.EXPERT}


def test_the_checklist_names_the_required_qualification_in_japanese(client):
    person = factories.UserFactory()
    factories.QualificationFactory(code="ip", name="ITパスポート", name_en="IT Passport")
    factories.RuleSetFactory(fiscal_year=2024, requirements={"advisor": ["qualification:ip"]})
    scored_team(Raters(), year=2024, members=[person], policy=(40, 40), technical=(40,))
    client.force_login(person)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "人事担当が確認した資格・研修のうち、次のいずれかを持つ：ITパスポート" in html


def test_the_checklist_words_the_requirement_in_english_after_the_switch(client):
    person = factories.UserFactory()
    factories.QualificationFactory(code="ip", name="ITパスポート")
    factories.RuleSetFactory(fiscal_year=2024, requirements={"advisor": ["qualification:ip"]})
    scored_team(Raters(), year=2024, members=[person], policy=(40, 40), technical=(40,))
    client.force_login(person)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "Hold one of these qualifications or courses, verified by HR: ITパスポート" in html


# --- uploads are never public ---------------------------------------------------------------------


def test_the_owner_downloads_their_certificate_as_an_attachment_never_rendered(client):
    record = with_file(factories.QualificationRecordFactory())
    client.force_login(record.person)
    response = client.get(
        reverse("training:certificate_download", args=["qualification", record.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert "private" in response["Cache-Control"]


def test_the_organiser_cannot_download_a_certificate(client, organiser):
    record = with_file(factories.QualificationRecordFactory())
    client.force_login(organiser)
    url = reverse("training:certificate_download", args=["qualification", record.pk])
    assert client.get(url).status_code == 404


def test_an_unknown_record_kind_is_not_found(client, hr_admin):
    client.force_login(hr_admin)
    url = reverse("training:certificate_download", args=["workshop", 1])
    assert client.get(url).status_code == 404


def test_no_url_serves_the_media_directory(client):
    record = with_file(factories.QualificationRecordFactory())
    client.force_login(record.person)
    assert client.get("/media/" + record.certificate.name).status_code == 404


# --- the registration page ------------------------------------------------------------------------


def test_a_registration_with_a_pdf_appears_as_pending_on_the_page(client, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    qualification = factories.QualificationFactory(name="基本情報技術者")
    client.force_login(staff)
    response = client.post(
        reverse("training:qualification_register"),
        {
            "qualification-qualification": qualification.pk,
            "qualification-obtained_on": "2024-10-20",
            "qualification-certificate": SimpleUploadedFile("合格証書.pdf", PDF),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "基本情報技術者" in html
    assert "確認待ち" in html


def test_a_refused_registration_shows_the_reason_and_saves_nothing(client, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    response = client.post(
        reverse("training:qualification_register"),
        {
            "qualification-qualification": factories.QualificationFactory().pk,
            "qualification-obtained_on": "2024-10-20",
            "qualification-certificate": SimpleUploadedFile("a.pdf", b"MZ"),
        },
    )
    assert "証明書ファイルの内容が拡張子と一致しません" in response.content.decode()
    assert not staff.qualification_records.exists()


# --- the DX journey -------------------------------------------------------------------------------


def test_the_department_head_sees_their_staffs_journey(client):
    person = factories.UserFactory()
    head = factories.UserFactory(department=person.department, grade=Grade.KACHO)
    client.force_login(head)
    assert client.get(reverse("certification:journey", args=[person.pk])).status_code == 200


def test_a_colleague_of_the_same_grade_does_not_see_the_journey(client):
    person = factories.UserFactory()
    colleague = factories.UserFactory(department=person.department, grade=person.grade)
    client.force_login(colleague)
    assert client.get(reverse("certification:journey", args=[person.pk])).status_code == 404


def test_the_journey_shows_projects_certifications_courses_and_qualifications(client, hr_admin):
    person = factories.UserFactory()
    team = factories.TeamFactory()
    factories.MembershipFactory(team=team, user=person, role="leader")
    factories.CertificationFactory(user=person, level=2)
    factories.QualificationRecordFactory(
        person=person, qualification=factories.QualificationFactory(name="応用情報技術者")
    )
    factories.CourseRecordFactory(
        person=person, course=factories.CourseFactory(title="J-LIS セキュリティ研修")
    )
    client.force_login(hr_admin)
    html = client.get(reverse("certification:journey", args=[person.pk])).content.decode()
    for text in (team.name, "DXエキスパート", "応用情報技術者", "J-LIS セキュリティ研修"):
        assert text in html


def test_the_organiser_sees_the_journey_but_no_certificate_link(client, organiser):
    record = with_file(factories.QualificationRecordFactory())
    client.force_login(organiser)
    html = client.get(reverse("certification:journey", args=[record.person_id])).content.decode()
    assert reverse("training:certificate_download", args=["qualification", record.pk]) not in html


# --- HR's ledger ----------------------------------------------------------------------------------


def _ledger(client, **params):
    return client.get(reverse("certification:talent_ledger"), params)


def test_the_ledger_csv_is_formula_injection_safe_with_a_bom(client, hr_admin):
    person = factories.UserFactory(last_name='=HYPERLINK("http://x")', first_name="鉄平")
    factories.QualificationRecordFactory(
        person=person,
        qualification=factories.QualificationFactory(name="@SUM(1)"),
        status=Review.VERIFIED,
    )
    client.force_login(hr_admin)
    response = _ledger(client, format="csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    row = next(r for r in rows if "鉄平" in r[1])
    assert row[1].startswith("'=")
    assert row[6].startswith("'@")


def test_the_ledger_xlsx_is_formula_injection_safe(client, hr_admin):
    factories.UserFactory(last_name="+1+1", first_name="花子")
    client.force_login(hr_admin)
    response = _ledger(client, format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(str(name).startswith("'+1+1") for name in names)


def test_an_export_is_in_the_audit_log(client, hr_admin):
    client.force_login(hr_admin)
    _ledger(client, format="csv")
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).detail["what"] == "talent_ledger"


def test_the_ledger_filters_by_verified_qualification(client, hr_admin):
    passport = factories.QualificationFactory(name="ITパスポート")
    holder = factories.UserFactory(first_name="保有")
    pending = factories.UserFactory(first_name="申請中")
    factories.QualificationRecordFactory(
        person=holder, qualification=passport, status=Review.VERIFIED
    )
    factories.QualificationRecordFactory(person=pending, qualification=passport)
    client.force_login(hr_admin)
    html = _ledger(client, qualification=passport.pk).content.decode()
    assert holder.full_name in html
    assert pending.full_name not in html


def test_the_ledger_filters_by_level_at_least(client, hr_admin):
    expert = factories.UserFactory(first_name="専門")
    advisor = factories.UserFactory(first_name="助言")
    factories.CertificationFactory(user=expert, level=2)
    factories.CertificationFactory(user=advisor, level=1)
    client.force_login(hr_admin)
    html = _ledger(client, level=2).content.decode()
    assert expert.full_name in html
    assert advisor.full_name not in html


def test_the_ledger_filters_by_department(client, hr_admin):
    inside = factories.UserFactory(first_name="所属内")
    outside = factories.UserFactory(first_name="所属外")
    client.force_login(hr_admin)
    html = _ledger(client, department=inside.department_id).content.decode()
    assert inside.full_name in html
    assert outside.full_name not in html


def _many_staff(count):
    department = factories.DepartmentFactory()
    return factories.UserFactory.create_batch(count, department=department)


def test_the_ledger_page_shows_a_hundred_people_and_counts_everyone(client, hr_admin):
    people = _many_staff(101)
    client.force_login(hr_admin)
    response = _ledger(client, department=people[0].department_id)
    assert len(response.context["people"]) == 100
    assert "101人" in response.content.decode()


def test_the_ledger_s_next_page_keeps_the_filters_and_shows_the_rest(client, hr_admin):
    people = _many_staff(101)
    client.force_login(hr_admin)
    first = _ledger(client, department=people[0].department_id).content.decode()
    assert f"?department={people[0].department_id}&amp;page=2" in first
    second = _ledger(client, department=people[0].department_id, page=2)
    assert len(second.context["people"]) == 1


def test_the_ledger_csv_has_everyone_not_one_page(client, hr_admin):
    people = _many_staff(101)
    client.force_login(hr_admin)
    body = _ledger(client, department=people[0].department_id, format="csv")
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows) == 1 + 101


def test_a_forged_filter_value_shows_everyone_rather_than_failing(client, hr_admin):
    client.force_login(hr_admin)
    assert _ledger(client, level="９９", department="x", format="pdf").status_code == 200


# --- the dashboard --------------------------------------------------------------------------------


def test_the_dashboard_counts_verified_qualifications_per_fiscal_year_and_department(
    client, organiser
):
    person = factories.UserFactory()
    # 2025-03-31 is still 令和6年度 (FY2024); 2025-04-01 is FY2025.
    factories.QualificationRecordFactory(
        person=person, obtained_on=datetime.date(2025, 3, 31), status=Review.VERIFIED
    )
    factories.QualificationRecordFactory(
        person=person, obtained_on=datetime.date(2025, 4, 1), status=Review.VERIFIED
    )
    factories.QualificationRecordFactory(person=person, status=Review.PENDING)
    table = selectors.training_table()
    assert [(r["fiscal_year"], r["qualifications"]) for r in table["rows"]] == [
        (2024, 1),
        (2025, 1),
    ]


def test_the_dashboard_adds_course_hours_per_fiscal_year(client, organiser):
    course = factories.CourseFactory(fiscal_year=2024, hours=3, kind=Course.Kind.INTERNAL)
    for person in factories.UserFactory.create_batch(2):
        factories.CourseRecordFactory(person=person, course=course, status=Review.VERIFIED)
    client.force_login(organiser)
    html = client.get(reverse("certification:dashboard")).content.decode()
    assert "所属・年度別の資格取得と研修受講" in html
    assert sum(r["hours"] for r in selectors.training_table()["rows"]) == 6


def test_hr_sees_pending_records_on_the_review_page(client, hr_admin):
    record = factories.QualificationRecordFactory(
        qualification=factories.QualificationFactory(name="情報処理安全確保支援士")
    )
    factories.UserFactory(roles=[Role.STAFF])
    client.force_login(hr_admin)
    html = client.get(reverse("training:review_list")).content.decode()
    assert "情報処理安全確保支援士" in html
    assert record.person.full_name in html


# --- 認定基準: the requirement per level in the admin form ---------------------------------------


def test_the_rule_set_form_saves_a_requirement_per_level(hr_admin):
    from certification.admin.requirements import RuleSetForm

    factories.QualificationFactory(code="it_passport", name="ITパスポート")
    form = RuleSetForm(
        data={
            "fiscal_year": 2026,
            "report_threshold": "60",
            "leadership_threshold": "60",
            "policy_weight": "0.6",
            "technical_weight": "0.4",
            "min_policy_raters": 2,
            "min_technical_raters": 1,
            "min_leadership_raters": 2,
            "score_basis": "raw",
            "expert_requirements": ["qualification:it_passport"],
        }
    )
    assert form.is_valid(), form.errors
    assert form.save().requirements == {"expert": ["qualification:it_passport"]}


def test_the_rule_set_form_without_ticks_requires_nothing(hr_admin):
    from certification.admin.requirements import RuleSetForm

    form = RuleSetForm(
        data={
            "fiscal_year": 2026,
            "report_threshold": "60",
            "leadership_threshold": "60",
            "policy_weight": "0.6",
            "technical_weight": "0.4",
            "min_policy_raters": 2,
            "min_technical_raters": 1,
            "min_leadership_raters": 2,
            "score_basis": "raw",
        }
    )
    assert form.is_valid(), form.errors
    assert form.save().requirements == {}


def test_an_unknown_requirement_key_is_refused_by_the_form():
    from certification.admin.requirements import RuleSetForm

    form = RuleSetForm(
        data={
            "fiscal_year": 2026,
            "report_threshold": "60",
            "leadership_threshold": "60",
            "policy_weight": "0.6",
            "technical_weight": "0.4",
            "min_policy_raters": 2,
            "min_technical_raters": 1,
            "min_leadership_raters": 2,
            "score_basis": "raw",
            "expert_requirements": ["qualification:forged"],
        }
    )
    assert not form.is_valid()


# --- the department at the time (issue 14: transfers) ---------------------------------------------


@pytest.fixture
def transferred(db):
    """都市計画課 in FY2023 (a project then), デジタル戦略課 from 2024-04-01 (a project now)."""
    from accounts.services.careers import transfer

    city_planning = factories.DepartmentFactory(code="420", name="都市計画課")
    digital = factories.DepartmentFactory(code="120", name="デジタル戦略課")
    person = factories.UserFactory(department=city_planning, first_name="異動")
    old = factories.TeamFactory(project=factories.ProjectFactory(fiscal_year=2023))
    factories.MembershipFactory(team=old, user=person)
    transfer(user=person, department=digital, on=datetime.date(2024, 4, 1))
    new = factories.TeamFactory(project=factories.ProjectFactory(fiscal_year=2024))
    factories.MembershipFactory(team=new, user=person)
    person.refresh_from_db()
    return person


def test_the_journey_shows_the_department_at_the_time_of_a_project_before_a_transfer(
    client, hr_admin, transferred
):
    client.force_login(hr_admin)
    response = client.get(reverse("certification:journey", args=[transferred.pk]))
    memberships = response.context["journey"].memberships
    then = {m.project.fiscal_year: m.department_then for m in memberships}
    assert then[2023].name == "都市計画課"
    assert "当時の所属" in response.content.decode()


def test_the_journey_shows_no_other_department_for_a_project_after_the_transfer(
    client, hr_admin, transferred
):
    client.force_login(hr_admin)
    response = client.get(reverse("certification:journey", args=[transferred.pk]))
    memberships = response.context["journey"].memberships
    then = {m.project.fiscal_year: m.department_then for m in memberships}
    assert then[2024] is None


def test_the_ledger_lists_the_departments_at_the_time_of_projects_other_than_the_current(
    client, hr_admin, transferred
):
    client.force_login(hr_admin)
    response = _ledger(client)
    person = next(p for p in response.context["people"] if p.pk == transferred.pk)
    assert person.departments_then == ["都市計画課"]


def test_the_ledger_lists_no_department_at_the_time_for_someone_never_transferred(client, hr_admin):
    stayed = factories.UserFactory(first_name="在籍")
    factories.MembershipFactory(user=stayed)
    client.force_login(hr_admin)
    response = _ledger(client)
    assert next(p for p in response.context["people"] if p.pk == stayed.pk).departments_then == []


def test_the_ledger_csv_has_the_departments_at_the_time_of_projects(client, hr_admin, transferred):
    client.force_login(hr_admin)
    body = _ledger(client, format="csv").content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    column = rows[0].index("プロジェクト参加時の所属")
    assert next(r for r in rows if r[0] == transferred.employee_number)[column] == "都市計画課"


def test_the_journey_and_the_ledger_read_the_departments_at_the_time_in_constant_queries(
    client, hr_admin, transferred
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hr_admin)
    urls = (
        reverse("certification:journey", args=[transferred.pk]),
        reverse("certification:talent_ledger"),
    )
    before = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        before.append(len(ctx))
    for year in (2019, 2020, 2021):
        team = factories.TeamFactory(project=factories.ProjectFactory(fiscal_year=year))
        factories.MembershipFactory(team=team, user=transferred)
        other = factories.UserFactory()
        factories.MembershipFactory(team=team, user=other)
    for url, small in zip(urls, before, strict=True):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        assert len(ctx) <= small


def test_the_training_counts_follow_the_department_at_the_time_of_the_course(transferred):
    course = factories.CourseFactory(fiscal_year=2023, hours=3)
    factories.CourseRecordFactory(person=transferred, course=course, status=Review.VERIFIED)
    rows = selectors.training_table(at_the_time=True)["rows"]
    assert [(r["fiscal_year"], r["department"], r["hours"]) for r in rows] == [
        (2023, "都市計画課", 3)
    ]


def test_the_training_counts_by_the_current_department_on_request(transferred):
    course = factories.CourseFactory(fiscal_year=2023, hours=3)
    factories.CourseRecordFactory(person=transferred, course=course, status=Review.VERIFIED)
    rows = selectors.training_table()["rows"]
    assert [(r["fiscal_year"], r["department"]) for r in rows] == [(2023, "デジタル戦略課")]
