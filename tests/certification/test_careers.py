"""Issue #14 on the certification side: a 認定証 re-issued in a new name (the old one
stays verifiable and says so; the verify page shows the current name), the name each
certificate carries, and the dashboard by the department at the time."""

import datetime

import jwt
import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from accounts.services.careers import name_change_record, transfer
from certification.credentials.models import CertificateReissue
from certification.credentials.reissue import certificate_holder_name, certificate_reissue
from certification.exceptions import CertificationError
from certification.models import Certification
from tests import factories
from tests.certification.credential_support import key_dir  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

D = datetime.date
MARRIED_ON = D(2025, 6, 1)


@pytest.fixture
def holder():
    return factories.UserFactory(last_name="高橋", last_name_kana="タカハシ", first_name="由紀")


@pytest.fixture
def cert(holder):
    return factories.CertificationFactory(user=holder, fiscal_year=2023, decided_on=D(2024, 5, 20))


def _marry(user, on=MARRIED_ON, maiden=False):
    name_change_record(
        user=user,
        changed_on=on,
        uses_maiden_name_at_work=maiden,
        last_name="小林",
        first_name=user.first_name,
        last_name_kana="コバヤシ",
        first_name_kana=user.first_name_kana,
    )


def _reissued(cert, holder, hr=None):
    _marry(holder)
    old = cert.public_id
    certificate_reissue(certification=cert, by=hr)
    return old


# --- the name on a certificate ----------------------------------------------------------


def test_a_certificate_carries_the_name_of_its_decision_day(cert, holder):
    _marry(holder)
    cert.refresh_from_db()

    assert certificate_holder_name(cert) == "高橋 由紀"


def test_a_name_changed_on_or_before_the_decision_day_is_on_the_certificate(cert, holder):
    _marry(holder, on=D(2024, 5, 20))
    cert.refresh_from_db()

    assert certificate_holder_name(cert) == "小林 由紀"


def test_a_reissued_certificate_carries_the_new_name(cert, holder):
    _reissued(cert, holder)
    cert.refresh_from_db()

    assert certificate_holder_name(cert) == "小林 由紀"


# --- re-issue ----------------------------------------------------------------------------


def test_reissuing_gives_the_certification_a_new_number(cert, holder):
    old = _reissued(cert, holder)

    assert Certification.objects.get(pk=cert.pk).public_id != old
    assert CertificateReissue.objects.get(public_id=old).holder_name == "高橋 由紀"


def test_reissuing_is_in_the_audit_log(cert, holder, hr_admin):
    _reissued(cert, holder, hr=hr_admin)

    assert AuditEntry.objects.filter(
        action=AuditAction.CERTIFICATE_REISSUE, actor=hr_admin
    ).exists()


def test_reissuing_a_certificate_already_in_the_current_name_is_refused(cert):
    with pytest.raises(CertificationError, match="既に現在の氏名"):
        certificate_reissue(certification=cert, by=None)
    assert not CertificateReissue.objects.exists()


def test_reissuing_when_the_maiden_name_stays_in_use_is_refused(cert, holder):
    _marry(holder, maiden=True)

    with pytest.raises(CertificationError, match="既に現在の氏名"):
        certificate_reissue(certification=cert, by=None)


def test_reissuing_a_revoked_certification_is_refused(cert, holder):
    _marry(holder)
    Certification.objects.filter(pk=cert.pk).update(
        status="revoked", revoked_at="2025-01-01T00:00Z"
    )
    cert.refresh_from_db()

    with pytest.raises(CertificationError, match="取り消された"):
        certificate_reissue(certification=cert, by=None)


def test_hr_reissues_with_the_admin_action(client, hr_admin, cert, holder):
    _marry(holder)
    old = cert.public_id
    client.force_login(hr_admin)

    client.post(
        reverse("admin:certification_certification_changelist"),
        {"action": "reissue_action", "_selected_action": [str(cert.pk)]},
    )

    assert CertificateReissue.objects.filter(public_id=old).exists()


def test_organisers_have_no_reissue_action(client, organiser, cert, holder):
    _marry(holder)
    client.force_login(organiser)

    client.post(
        reverse("admin:certification_certification_changelist"),
        {"action": "reissue_action", "_selected_action": [str(cert.pk)]},
    )

    assert not CertificateReissue.objects.exists()


# --- verify and credentials -------------------------------------------------------------


def test_the_old_certificate_still_verifies_and_says_it_was_reissued(client, cert, holder):
    old = _reissued(cert, holder)

    html = client.get(reverse("certification:verify", args=[old])).content.decode()

    assert "再発行済み（新しい認定証あり）" in html
    assert "小林 由紀" in html and "高橋 由紀" not in html


def test_the_old_certificate_links_the_new_one(client, cert, holder):
    old = _reissued(cert, holder)
    new = Certification.objects.get(pk=cert.pk).public_id

    html = client.get(reverse("certification:verify", args=[old])).content.decode()

    assert reverse("certification:verify", args=[new]) in html


def test_the_new_certificate_verifies_without_the_reissue_notice(client, cert, holder):
    _reissued(cert, holder)
    new = Certification.objects.get(pk=cert.pk).public_id

    html = client.get(reverse("certification:verify", args=[new])).content.decode()

    assert "小林 由紀" in html and "再発行済み" not in html


def test_the_verify_page_shows_the_current_name_before_any_reissue(client, cert, holder):
    _marry(holder)

    html = client.get(reverse("certification:verify", args=[cert.public_id])).content.decode()

    assert "小林 由紀" in html


def _subject_name(client, public_id) -> tuple[str, str]:
    token = client.get(reverse("certification:credential_jwt", args=[public_id])).content
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["jti"], claims["credentialSubject"]["identifier"][0]["identityHash"]


def test_the_old_credential_is_served_as_it_was_issued(client, cert, holder):
    old = _reissued(cert, holder)

    assert _subject_name(client, old) == (f"urn:uuid:{old}", "高橋 由紀")


def test_the_new_credential_carries_the_new_name(client, cert, holder):
    _reissued(cert, holder)
    new = Certification.objects.get(pk=cert.pk).public_id

    assert _subject_name(client, new) == (f"urn:uuid:{new}", "小林 由紀")


def test_a_credential_before_the_reissue_keeps_the_name_it_was_issued_in(client, cert, holder):
    before = _subject_name(client, cert.public_id)
    _marry(holder)

    assert _subject_name(client, cert.public_id) == before


# --- the dashboard -----------------------------------------------------------------------


@pytest.fixture
def moved(db):
    city_planning = factories.DepartmentFactory(code="420", name="都市計画課")
    digital = factories.DepartmentFactory(code="120", name="デジタル戦略課")
    person = factories.UserFactory(department=city_planning)
    factories.CertificationFactory(user=person, fiscal_year=2023)
    transfer(user=person, department=digital, on=D(2024, 4, 1))
    return person


def _departments(client, query=""):
    response = client.get(reverse("certification:dashboard") + query)
    return [(r["fiscal_year"], r["department"]) for r in response.context["table_rows"]]


def test_the_dashboard_counts_by_the_department_at_the_time(client, organiser, moved):
    client.force_login(organiser)

    assert _departments(client) == [(2023, "都市計画課")]


def test_the_dashboard_counts_by_the_current_department_when_asked(client, organiser, moved):
    client.force_login(organiser)

    assert _departments(client, "?by=current") == [(2023, "デジタル戦略課")]


def test_a_transfer_on_the_last_day_of_the_year_counts_in_the_new_department(
    client, organiser, moved
):
    late = factories.UserFactory(department=factories.DepartmentFactory(code="510", name="農政課"))
    factories.CertificationFactory(user=late, fiscal_year=2022)
    transfer(user=late, department=moved.department, on=D(2023, 3, 31))
    client.force_login(organiser)

    assert (2022, "デジタル戦略課") in _departments(client)


def test_a_transfer_on_april_first_counts_in_the_old_department(client, organiser, moved):
    late = factories.UserFactory(department=factories.DepartmentFactory(code="510", name="農政課"))
    factories.CertificationFactory(user=late, fiscal_year=2022)
    transfer(user=late, department=moved.department, on=D(2023, 4, 1))
    client.force_login(organiser)

    assert (2022, "農政課") in _departments(client)


def test_hrs_certification_page_shows_the_department_at_the_time(client, hr_admin, moved):
    cert = Certification.objects.get(user=moved)
    client.force_login(hr_admin)

    html = client.get(
        reverse("admin:certification_certification_change", args=[cert.pk])
    ).content.decode()

    assert "当時の所属（認定年度末）" in html and "都市計画課" in html


def test_the_demo_shows_an_april_transfer_and_a_reissued_certificate(
    django_capture_on_commit_callbacks,
):
    import io

    from django.core.management import call_command

    from accounts.fiscal import fiscal_year_of
    from accounts.models import DepartmentAssignment, User

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())

    moved = DepartmentAssignment.objects.get(user__employee_number="20009", ends_on=None)
    assert moved.starts_on == D(fiscal_year_of(), 4, 1)
    reissue = CertificateReissue.objects.get(certification__user__employee_number="20007")
    assert (reissue.holder_name, reissue.new_holder_name) == ("高橋 由紀", "小林 由紀")
    assert User.objects.get(employee_number="20007").full_name == "小林 由紀"
