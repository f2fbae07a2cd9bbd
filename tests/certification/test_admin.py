import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certification.exceptions import ReasonRequired
from certification.models import Certification, DecisionLine, RecomputeRun
from certification.services import certification_grant_propose, certification_revoke_propose
from tests import factories
from tests.certification.helpers import Raters, approve, scored_team

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:certification_certification_changelist"


@pytest.fixture
def hr(client, hr_admin):
    client.force_login(hr_admin)
    return client


def _member(**kwargs):
    return factories.UserFactory(
        last_name="荒井",
        first_name="美咲",
        last_name_kana="アライ",
        first_name_kana="ミサキ",
        **kwargs,
    )


def test_hr_finds_a_certification_by_reading_and_employee_number(hr):
    cert = factories.CertificationFactory(user=_member(employee_number="20042"))
    factories.CertificationFactory()
    for query in ("アライ", "ミサキ", "20042", "荒井"):
        response = hr.get(reverse(CHANGELIST), {"q": query})
        assert list(response.context["cl"].result_list) == [cert], query


def test_the_changelist_runs_a_constant_number_of_queries(hr, django_assert_max_num_queries):
    factories.CertificationFactory.create_batch(3)
    with django_assert_max_num_queries(12):
        hr.get(reverse(CHANGELIST))
    factories.CertificationFactory.create_batch(20)
    with django_assert_max_num_queries(12):
        response = hr.get(reverse(CHANGELIST))
    assert response.status_code == 200


def test_revoke_needs_a_reason(hr):
    cert = factories.CertificationFactory()
    response = hr.post(
        reverse(CHANGELIST),
        {"action": "revoke_action", "_selected_action": [cert.pk], "confirm": "1", "reason": " "},
    )
    assert response.status_code == 200  # the intermediate page again, with the error
    assert "このフィールドは必須です" in response.content.decode()
    cert.refresh_from_db()
    assert cert.status == "active"


def test_revoke_through_the_action_records_reason_and_who(hr, hr_admin):
    cert = factories.CertificationFactory()
    page = hr.post(reverse(CHANGELIST), {"action": "revoke_action", "_selected_action": [cert.pk]})
    assert "理由" in page.content.decode()
    response = hr.post(
        reverse(CHANGELIST),
        {
            "action": "revoke_action",
            "_selected_action": [cert.pk],
            "confirm": "1",
            "reason": "評価の誤入力が判明",
        },
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.status == "active"  # proposed, not yet decided
    line = DecisionLine.objects.get(certification=cert, kind="revoke", status="pending")
    assert line.batch.prepared_by == hr_admin
    decider = factories.UserFactory(roles=["staff", "hr_admin"])
    approve(line, by=decider)
    cert.refresh_from_db()
    assert cert.status == "revoked" and cert.revoked_at is not None
    record = cert.history.first()
    assert record.history_change_reason == "評価の誤入力が判明"
    assert record.history_user == decider


def test_the_service_refuses_a_revoke_without_reason(hr_admin):
    cert = factories.CertificationFactory()
    with pytest.raises(ReasonRequired):
        certification_revoke_propose(certification=cert, reason="", by=hr_admin)


def test_grant_needs_a_reason(hr):
    person = factories.UserFactory()
    url = reverse("admin:certification_certification_grant")
    data = {"employee_number": person.employee_number, "level": 1, "fiscal_year": 2024}
    response = hr.post(url, {**data, "reason": ""})
    assert response.status_code == 200
    assert not Certification.objects.filter(user=person).exists()
    response = hr.post(url, {**data, "reason": "前年度の県研修での実績"})
    assert response.status_code == 302
    assert not Certification.objects.filter(user=person).exists()  # a proposal only
    approve(DecisionLine.objects.get(user=person, kind="grant"))
    cert = Certification.objects.get(user=person)
    assert (cert.source, cert.reason) == ("manual", "前年度の県研修での実績")
    assert cert.history.get().history_change_reason == "前年度の県研修での実績"


def test_grant_refuses_a_level_already_held(hr):
    cert = factories.CertificationFactory()
    response = hr.post(
        reverse("admin:certification_certification_grant"),
        {
            "employee_number": cert.user.employee_number,
            "level": 1,
            "fiscal_year": 2024,
            "reason": "重複",
        },
        follow=True,
    )
    assert "既にこのレベルの認定" in response.content.decode()
    assert Certification.objects.filter(user=cert.user).count() == 1


def test_resolving_a_flag_by_keeping_makes_it_manual(hr):
    cert = factories.CertificationFactory(status="flagged", flag_reason="根拠なし")
    hr.post(
        reverse(CHANGELIST),
        {
            "action": "resolve_flag_action",
            "_selected_action": [cert.pk],
            "confirm": "1",
            "decision": "keep",
            "reason": "紙の評価票で確認済み",
        },
    )
    cert.refresh_from_db()
    assert (cert.status, cert.source, cert.flag_reason) == ("active", "manual", "")


def test_resolving_a_flag_by_revoking(hr):
    cert = factories.CertificationFactory(status="flagged", flag_reason="根拠なし")
    hr.post(
        reverse(CHANGELIST),
        {
            "action": "resolve_flag_action",
            "_selected_action": [cert.pk],
            "confirm": "1",
            "decision": "revoke",
            "reason": "根拠の評価が取り消された",
        },
    )
    cert.refresh_from_db()
    assert cert.status == "flagged"  # the revocation is a proposal until decided
    approve(DecisionLine.objects.get(certification=cert, kind="revoke"))
    cert.refresh_from_db()
    assert cert.status == "revoked"


def test_recompute_action_awards_the_selected_people(
    hr, automatic_mode, django_capture_on_commit_callbacks
):
    raters = Raters()
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    cert = factories.CertificationFactory(user=member, level=2)  # unsupported
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = hr.post(
            reverse(CHANGELIST), {"action": "recompute_action", "_selected_action": [cert.pk]}
        )
    assert callbacks, "queued after commit, not run in the request"
    run = RecomputeRun.objects.get()
    assert response.url == reverse("admin:certification_recomputerun_progress", args=[run.pk])
    cert.refresh_from_db()
    assert cert.status == "flagged"
    assert Certification.objects.filter(user=member, level=1, status="active").exists()


def test_the_change_page_shows_the_evidence_table_escaped(hr, automatic_mode):
    raters = Raters()
    member = factories.UserFactory()
    team = scored_team(raters, members=[member])
    team.name = "<b>チーム</b>"
    team.save()
    from certification.services import certifications_recompute

    certifications_recompute(user_ids=[member.pk])
    cert = Certification.objects.get(user=member)
    page = hr.get(reverse("admin:certification_certification_change", args=[cert.pk]))
    html = page.content.decode()
    assert "&lt;b&gt;チーム&lt;/b&gt;" in html
    assert "<b>チーム</b>" not in html
    assert "certification-evidence" in html


def test_history_page_lists_who_and_why(hr, hr_admin):
    line = certification_grant_propose(
        user=factories.UserFactory(), level=1, fiscal_year=2023, reason="特例", by=hr_admin
    )
    approve(line)
    cert = Certification.objects.get(user=line.user)
    page = hr.get(reverse("admin:certification_certification_history", args=[cert.pk]))
    assert "特例" in page.content.decode()


LONG_REASON = ("人事異動に伴う特例😀<b>" * 200)[:2000]  # the form's limit, exactly


@pytest.mark.parametrize(
    "action", ["grant", "revoke", "keep a flagged one", "revoke a flagged one"]
)
def test_a_reason_of_the_full_2000_characters_is_kept_and_its_history_row_written(hr_admin, action):
    # simple-history keeps a change reason in 100 characters: a longer one was a 500.
    from certification.services import certification_resolve_flag

    if action == "grant":
        line = certification_grant_propose(
            user=factories.UserFactory(), level=1, fiscal_year=2023, reason=LONG_REASON, by=hr_admin
        )
        approve(line)
        cert = Certification.objects.get(user=line.user)
    elif action == "revoke":
        cert = factories.CertificationFactory()
        approve(certification_revoke_propose(certification=cert, reason=LONG_REASON, by=hr_admin))
    else:
        cert = factories.CertificationFactory(status="flagged", flag_reason="再確認")
        decided = certification_resolve_flag(
            certification=cert, by=hr_admin, keep=action.startswith("keep"), reason=LONG_REASON
        )
        if isinstance(decided, DecisionLine):
            assert LONG_REASON[:20] in decided.history.first().history_change_reason
            approve(decided)
    cert.refresh_from_db()
    latest = cert.history.first()
    assert latest.history_change_reason  # shortened where needed, never lost
    assert LONG_REASON[:20] in latest.history_change_reason
    assert len(latest.history_change_reason) <= 100
    if action in ("grant", "revoke"):
        assert cert.reason == LONG_REASON


def test_csv_export_has_a_bom_and_the_columns(hr):
    cert = factories.CertificationFactory(user=_member(employee_number="20042"))
    factories.CertificationFactory(status="revoked", revoked_at="2025-01-01T00:00:00Z")
    response = hr.get(reverse("admin:certification_certification_export_csv"))
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["所属コード", "所属", "職員番号", "氏名"]
    assert len(rows) == 2  # header + the held one only
    assert rows[1][2:5] == ["20042", "荒井 美咲", "アライ ミサキ"]
    assert rows[1][1] == cert.user.department.name


def test_xlsx_export_has_a_sheet_per_department(hr):
    a = factories.CertificationFactory()
    b = factories.CertificationFactory()
    response = hr.get(reverse("admin:certification_certification_export_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "全体"
    assert {a.user.department.name, b.user.department.name} <= set(book.sheetnames)
    assert book["全体"].max_row == 3


def test_recompute_everyone_creates_a_run_and_its_progress_is_polled(
    hr, automatic_mode, django_capture_on_commit_callbacks
):
    raters = Raters()
    scored_team(raters, members=[factories.UserFactory()])
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(reverse("admin:certification_recomputerun_start"))
    run = RecomputeRun.objects.get()
    assert response.url == reverse("admin:certification_recomputerun_progress", args=[run.pk])
    page = hr.get(response.url)
    assert "certification-progress.js" in page.content.decode()
    data = hr.get(reverse("admin:certification_recomputerun_progress_json", args=[run.pk])).json()
    assert data["status"] == "done" and data["percent"] == 100 and data["created"] == 2


def test_organisers_may_look_but_not_revoke(client, organiser):
    client.force_login(organiser)
    cert = factories.CertificationFactory()
    assert client.get(reverse(CHANGELIST)).status_code == 200
    client.post(
        reverse(CHANGELIST),
        {"action": "revoke_action", "_selected_action": [cert.pk], "confirm": "1", "reason": "x"},
    )
    cert.refresh_from_db()
    assert cert.status == "active"
    assert client.post(reverse("admin:certification_recomputerun_start")).status_code == 403


def test_rule_sets_are_edited_with_history(hr):
    response = hr.post(
        reverse("admin:certification_ruleset_add"),
        {
            "fiscal_year": 2025,
            "report_threshold": "65",
            "leadership_threshold": "60",
            "policy_weight": "0.6",
            "technical_weight": "0.4",
            "min_policy_raters": 2,
            "min_technical_raters": 1,
            "min_leadership_raters": 2,
            "score_basis": "raw",
        },
    )
    assert response.status_code == 302
    from certification.models import RuleSet

    assert RuleSet.objects.get(fiscal_year=2025).history.count() == 1


def test_the_year_filter_speaks_wareki(hr):
    factories.CertificationFactory(fiscal_year=2023)
    other = factories.CertificationFactory(fiscal_year=2024)
    response = hr.get(reverse(CHANGELIST), {"fiscal_year": "2024"})
    assert list(response.context["cl"].result_list) == [other]
    assert "令和5年度" in response.content.decode()


def test_a_rule_set_that_certified_someone_cannot_be_deleted(db):
    from certification.exceptions import RuleSetInUse
    from certification.models import RuleSet
    from certification.services import ruleset_delete

    ruleset = RuleSet.objects.create(fiscal_year=2023)
    factories.CertificationFactory(fiscal_year=2023)
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)

    with pytest.raises(RuleSetInUse):
        ruleset_delete(ruleset=ruleset, by=superuser)

    assert RuleSet.objects.filter(pk=ruleset.pk).exists()


def test_the_admin_offers_no_delete_for_a_rule_set_in_use(client, db):
    from certification.models import RuleSet

    ruleset = RuleSet.objects.create(fiscal_year=2023)
    factories.CertificationFactory(fiscal_year=2023)
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:certification_ruleset_delete", args=[ruleset.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert RuleSet.objects.filter(pk=ruleset.pk).exists()


def test_an_unused_rule_set_can_be_deleted(client, db):
    from certification.models import RuleSet

    ruleset = RuleSet.objects.create(fiscal_year=2031)
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))

    client.post(reverse("admin:certification_ruleset_delete", args=[ruleset.pk]), {"post": "yes"})

    assert not RuleSet.objects.filter(pk=ruleset.pk).exists()


def test_hr_saves_a_rule_set_with_its_history(hr, hr_admin):
    from certification.models import RuleSet

    hr.post(
        reverse("admin:certification_ruleset_add"),
        {
            "fiscal_year": "2030",
            "report_threshold": "65",
            "leadership_threshold": "60",
            "policy_weight": "0.6",
            "technical_weight": "0.4",
            "min_policy_raters": "2",
            "min_technical_raters": "1",
            "min_leadership_raters": "2",
            "score_basis": "raw",
        },
    )

    ruleset = RuleSet.objects.get(fiscal_year=2030)
    assert ruleset.history.first().history_user == hr_admin
