import subprocess
import tempfile
import uuid

import pytest
from django.urls import reverse

from certification.services import certifications_recompute
from projects.models import Membership
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("automatic_mode")]


@pytest.fixture
def raters():
    return Raters()


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", handle.name, "-"],
            check=True,
            capture_output=True,
        ).stdout.decode()


def test_my_certification_shows_the_checklist_with_the_numbers(client, raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member], policy=(50, 50), technical=(50,))
    client.force_login(member)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "まだ認定はありません" in html
    assert "報告会で60点以上の評価を得る" in html
    assert 'data-state="unmet">未達' in html
    assert "50点" in html  # their team's report score


def test_after_advisor_the_checklist_is_the_experts(client, raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    client.force_login(member)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "DXエキスパートまでの条件" in html
    assert 'data-state="met">達成' in html  # holds Advisor
    assert 'data-state="unmet">未達' in html  # has not led yet
    assert "令和6年度" in html


def test_pending_scores_show_as_waiting(client, raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member], policy=(90,))
    client.force_login(member)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert 'data-state="pending">評価待ち' in html


def test_a_leader_sees_the_leadership_mean_only_with_enough_raters(client, raters):
    leader = factories.UserFactory()
    scored_team(raters, leader=leader, leadership=(71, 73))  # 2 raters < threshold 3
    client.force_login(leader)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "72点" not in html


def test_my_certification_runs_a_constant_number_of_queries(
    client, raters, django_assert_max_num_queries
):
    person = factories.UserFactory()
    for year in (2022, 2023, 2024):
        scored_team(raters, year=year, leader=person, leadership=(70, 70, 70))
    certifications_recompute(user_ids=[person.pk])
    client.force_login(person)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("certification:my_certification"))
    assert "DXスペシャリスト" in response.content.decode()


def test_the_certificate_pdf_is_japanese_with_the_name_and_number(client, raters):
    member = factories.UserFactory(last_name="荒井", first_name="美咲")
    scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    cert = member.certifications.get()
    client.force_login(member)
    response = client.get(reverse("certification:certificate_pdf", args=[cert.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "認定証" in "".join(text.split())  # the title is letter-spaced
    assert "荒井 美咲" in text
    assert "DXアドバイザー" in text
    assert cert.public_id.hex[:8].upper() in text
    assert "令和" in text
    assert "真岡市長" in text


def test_nobody_else_downloads_someone_elses_certificate(client):
    cert = factories.CertificationFactory()
    client.force_login(factories.UserFactory())
    url = reverse("certification:certificate_pdf", args=[cert.public_id])
    assert client.get(url).status_code == 404


def test_the_holder_cannot_download_a_revoked_certificate(client):
    cert = factories.CertificationFactory(status="revoked", revoked_at="2025-01-01T00:00:00Z")
    client.force_login(cert.user)
    url = reverse("certification:certificate_pdf", args=[cert.public_id])
    assert client.get(url).status_code == 404


def test_verify_shows_four_facts_and_nothing_else_personal(client):
    user = factories.UserFactory(employee_number="20077", last_name="関", first_name="隆")
    cert = factories.CertificationFactory(user=user, level=2)
    html = client.get(reverse("certification:verify", args=[cert.public_id])).content.decode()
    assert "関 隆" in html and "DXエキスパート" in html and "有効" in html and "令和" in html
    assert "20077" not in html
    assert user.department.name not in html
    assert user.email not in html
    assert "報告会" not in html


def test_verify_says_revoked_instead_of_404(client):
    cert = factories.CertificationFactory(status="revoked", revoked_at="2025-01-01T00:00:00Z")
    response = client.get(reverse("certification:verify", args=[cert.public_id]))
    assert response.status_code == 200
    assert "取消" in response.content.decode()


def test_verify_answers_404_for_an_unknown_uuid(client):
    assert client.get(reverse("certification:verify", args=[uuid.uuid4()])).status_code == 404


def test_the_dashboard_counts_per_level_year_and_department(
    client, organiser, django_assert_max_num_queries
):
    department = factories.DepartmentFactory(name="税務課")
    for level in (1, 1, 2):
        factories.CertificationFactory(
            level=level, fiscal_year=2023, user=factories.UserFactory(department=department)
        )
    factories.CertificationFactory(status="revoked", revoked_at="2025-01-01T00:00:00Z")
    effect = factories.MeasuredEffectFactory(before=1200, after=300)
    effect.worksheet.team.project.fiscal_year  # noqa: B018
    client.force_login(organiser)
    # session, user, groups; certifications; department at the time (people, their
    # dated assignments, departments); effects; training (qualifications, courses)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("certification:dashboard"))
    html = response.content.decode()
    row = response.context["table_rows"][0]
    assert (row["department"], row["counts"], row["total"]) == ("税務課", [2, 1, 0], 3)
    assert (response.context["totals"], response.context["grand_total"]) == ([2, 1, 0], 3)
    assert response.context["chart"]["labels"] == ["令和5年度"]
    assert "certification-chart-data" in html and "certification-dashboard.js" in html
    [effects] = response.context["effects"]
    assert (effects["fiscal_year"], effects["unit"], effects["total"]) == (2024, "時間", 900)


def test_staff_and_experts_may_not_see_the_dashboard(client, staff, expert):
    client.force_login(staff)
    assert client.get(reverse("certification:dashboard")).status_code == 403
    client.force_login(expert)
    assert client.get(reverse("certification:my_certification")).status_code == 403


def test_a_withdrawn_membership_is_not_on_my_page(client, raters):
    person = factories.UserFactory()
    team = scored_team(raters)
    factories.MembershipFactory(team=team, user=person, status=Membership.Status.WITHDRAWN)
    client.force_login(person)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "まだチームに参加していません" in html


def test_before_the_recompute_the_heading_names_the_level_its_checklist_is_for(client, raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])  # qualifies for Advisor; no recompute has run
    client.force_login(member)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "まもなく認定が登録されます" in html
    assert "DXエキスパートまでの条件" in html  # the checklist lists the Expert's conditions
    assert "DXアドバイザーまでの条件" not in html


def test_after_hr_revoked_a_level_the_page_promises_no_automatic_award(client, db):
    from tests.certification.helpers import Raters, scored_team

    person = factories.UserFactory()
    scored_team(Raters(), year=2022, members=[person])
    factories.CertificationFactory(
        user=person,
        level=1,
        fiscal_year=2022,
        status="revoked",
        revoked_at="2025-01-01T00:00:00Z",
        reason="評価の誤り",
    )
    client.force_login(person)

    html = client.get(reverse("certification:my_certification")).content.decode()

    assert "まもなく認定が登録されます" not in html
    assert "人事担当の判断で付与されます" in html


def test_the_public_verify_page_does_not_reveal_an_internal_review(client, db):
    cert = factories.CertificationFactory(status="flagged", flag_reason="再計算で条件を満たさず")

    html = client.get(reverse("certification:verify", args=[cert.public_id])).content.decode()

    assert "有効" in html
    assert "要確認" not in html
    assert "再計算" not in html
