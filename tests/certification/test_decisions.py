"""認定決裁: the recompute proposes, an HR admin decides (approval mode, the default)."""

import datetime

import pytest
from django.urls import reverse

from certification.exceptions import SelfDecision, TwoPersonRule
from certification.models import Certification, DecisionBatch, DecisionLine, RecomputeRun
from certification.services import (
    certification_grant_propose,
    certifications_recompute,
    decision_batch_approve,
    decision_lines_reject,
)
from tests import factories
from tests.certification.helpers import Raters, approve, scored_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("approval_mode")]


@pytest.fixture
def raters():
    return Raters()


def _hr(**kwargs):
    return factories.UserFactory(roles=["staff", "hr_admin"], **kwargs)


def test_approval_is_the_default_publish_mode():
    from django.conf import settings

    assert settings.CERTIFICATION_PUBLISH_MODE == "approval"


def test_a_recompute_proposes_and_publishes_nothing(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    result = certifications_recompute(user_ids=[member.pk])
    assert (result["created"], result["proposed"]) == (0, 1)
    assert not Certification.objects.exists()
    line = DecisionLine.objects.get(user=member)
    assert (line.kind, line.level, line.fiscal_year, line.status) == ("award", 1, 2024, "pending")
    assert line.evidence["teams"][0]["report_score"] == 70.0
    assert line.batch.prepared_by is None
    assert line.batch.rule_sets["2024"]["report_threshold"] == 60.0


def test_a_second_recompute_with_the_same_data_writes_nothing(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    certifications_recompute()
    lines, batches = DecisionLine.history.count(), DecisionBatch.history.count()
    assert certifications_recompute(user_ids=[member.pk])["proposed"] == 0
    assert certifications_recompute()["proposed"] == 0
    assert (DecisionLine.history.count(), DecisionBatch.history.count()) == (lines, batches)
    assert DecisionBatch.objects.count() == 1


def test_a_pending_line_the_data_no_longer_supports_is_superseded(raters):
    member = factories.UserFactory()
    team = scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    team.presentations.get().evaluations.update(score=10)
    result = certifications_recompute(user_ids=[member.pk])
    assert result["superseded"] == 1
    line = DecisionLine.objects.get(user=member)
    assert line.status == "superseded"
    assert line.batch.status == "closed"


def test_approval_publishes_with_the_decision_date_and_number(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    batch = DecisionBatch.objects.get()
    decider = _hr()
    counts = approve(batch, by=decider, decided_on=datetime.date(2025, 6, 2), number="真DX第7号")
    assert counts["approved"] == 1
    cert = Certification.objects.get(user=member)
    assert (cert.decided_on, cert.decision_number, cert.status) == (
        datetime.date(2025, 6, 2),
        "真DX第7号",
        "active",
    )
    batch.refresh_from_db()
    assert (batch.status, batch.decided_by, batch.decision_number) == (
        "approved",
        decider,
        "真DX第7号",
    )
    assert DecisionLine.objects.get(user=member).published == cert
    assert certifications_recompute(user_ids=[member.pk])["proposed"] == 0


def test_a_rejected_line_never_publishes_and_is_not_proposed_again(raters):
    member, other = factories.UserFactory(), factories.UserFactory()
    scored_team(raters, members=[member, other])
    certifications_recompute(user_ids=[member.pk, other.pk])
    batch = DecisionBatch.objects.get()
    rejected = batch.lines.get(user=member)
    approve(batch, reject={rejected.pk: "評価票に記入漏れがあり確認中"})
    assert not Certification.objects.filter(user=member).exists()
    assert Certification.objects.filter(user=other).exists()
    rejected.refresh_from_db()
    assert (rejected.status, rejected.reject_reason) == ("rejected", "評価票に記入漏れがあり確認中")
    assert certifications_recompute(user_ids=[member.pk])["proposed"] == 0


def test_rejecting_lines_needs_a_reason_and_closes_an_empty_batch(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    line = DecisionLine.objects.get(user=member)
    from certification.exceptions import ReasonRequired

    with pytest.raises(ReasonRequired):
        decision_lines_reject(lines=[line], reason=" ", by=_hr())
    assert decision_lines_reject(lines=[line], reason="重複", by=_hr()) == 1
    line.refresh_from_db()
    assert line.status == "rejected" and line.batch.status == "closed"


def test_a_line_about_the_approver_stays_pending_for_another_hr_admin(raters):
    decider = _hr()
    other = factories.UserFactory()
    scored_team(raters, members=[decider, other])
    certifications_recompute(user_ids=[decider.pk, other.pk])
    counts = approve(DecisionBatch.objects.get(), by=decider)
    assert (counts["approved"], counts["deferred"]) == (1, 1)
    assert not Certification.objects.filter(user=decider).exists()
    mine = DecisionLine.objects.get(user=decider)
    assert mine.status == "pending" and mine.batch.status == "pending"
    with pytest.raises(SelfDecision):
        approve(mine, by=decider)
    approve(mine)  # someone else
    assert Certification.objects.filter(user=decider, level=1).exists()


def test_the_two_person_rule_keeps_the_preparer_from_approving(two_person_rule):
    preparer, second = _hr(), _hr()
    line = certification_grant_propose(
        user=factories.UserFactory(), level=1, fiscal_year=2024, reason="研修修了", by=preparer
    )
    with pytest.raises(TwoPersonRule):
        approve(line, by=preparer)
    assert not Certification.objects.exists()
    approve(line, by=second)
    assert Certification.objects.get().source == "manual"


def test_without_a_second_hr_admin_the_preparer_may_approve(two_person_rule):
    preparer = _hr()
    line = certification_grant_propose(
        user=factories.UserFactory(), level=1, fiscal_year=2024, reason="研修修了", by=preparer
    )
    decision_batch_approve(
        batch=line.batch, by=preparer, decided_on=datetime.date(2025, 4, 1), decision_number="1"
    )
    assert Certification.objects.exists()


def test_a_decision_number_is_used_once_and_the_date_is_not_in_the_future(raters):
    from certification.exceptions import DecidedOnInFuture, DecisionNumberTaken

    people = [factories.UserFactory(), factories.UserFactory()]
    lines = [
        certification_grant_propose(user=p, level=1, fiscal_year=2024, reason="r", by=_hr())
        for p in people
    ]
    approve(lines[0], number="真DX第1号")
    with pytest.raises(DecisionNumberTaken):
        approve(lines[1], number="真DX第1号")
    with pytest.raises(DecidedOnInFuture):
        approve(lines[1], decided_on=datetime.date.today() + datetime.timedelta(days=2))
    assert Certification.objects.count() == 1


def test_finding_6_hr_cannot_grant_a_certification_to_itself_in_the_admin(client):
    """Finding 6: HR granted a certification to itself at
    /admin/certification/certification/grant/. Now the grant is a proposal, and its
    author cannot decide it."""
    hr = _hr(employee_number="10003")
    client.force_login(hr)
    response = client.post(
        reverse("admin:certification_certification_grant"),
        {"employee_number": "10003", "level": 1, "fiscal_year": 2024, "reason": "自分で付与"},
    )
    assert response.status_code == 302
    assert not Certification.objects.filter(user=hr).exists()
    batch = DecisionBatch.objects.get()
    page = client.post(
        reverse("admin:certification_decisionbatch_change", args=[batch.pk]),
        {"decided_on": "2025-04-01", "decision_number": "真DX第9号"},
        follow=True,
    )
    assert "ご自身に関する認定は決裁できません" in page.content.decode()
    assert not Certification.objects.filter(user=hr).exists()
    batch.refresh_from_db()
    assert batch.status == "pending"


def test_hr_approves_a_batch_in_the_admin_with_date_and_number(client, raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    batch = DecisionBatch.objects.get()
    client.force_login(_hr())
    page = client.get(reverse("admin:certification_decisionbatch_change", args=[batch.pk]))
    html = page.content.decode()
    assert member.full_name in html and "certification-evidence" in html
    response = client.post(
        reverse("admin:certification_decisionbatch_change", args=[batch.pk]),
        {"decided_on": "2025-05-20", "decision_number": "真DX第3号"},
    )
    assert response.status_code == 302
    cert = Certification.objects.get(user=member)
    assert (str(cert.decided_on), cert.decision_number) == ("2025-05-20", "真DX第3号")


def test_organisers_cannot_see_or_decide_batches(client, organiser):
    certification_grant_propose(
        user=factories.UserFactory(), level=1, fiscal_year=2024, reason="r", by=_hr()
    )
    client.force_login(organiser)
    batch = DecisionBatch.objects.get()
    url = reverse("admin:certification_decisionbatch_change", args=[batch.pk])
    assert client.get(url).status_code == 403
    client.post(url, {"decided_on": "2025-05-20", "decision_number": "x"})
    assert not Certification.objects.exists()


def test_the_staff_page_shows_a_pending_level_as_pending_never_as_held(client, raters):
    member = factories.UserFactory(roles=["staff"])
    scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    client.force_login(member)
    html = client.get(reverse("certification:my_certification")).content.decode()
    assert "認定予定（決裁待ち）" in html
    assert "まだ認定はありません。" in html
    assert "certificate.pdf" not in html


def test_the_pdf_and_verify_page_show_the_decision_date_and_year(client, raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    certifications_recompute(user_ids=[member.pk])
    approve(DecisionBatch.objects.get(), decided_on=datetime.date(2025, 6, 2))
    cert = Certification.objects.get(user=member)
    html = client.get(reverse("certification:verify", args=[cert.public_id])).content.decode()
    assert "令和7年6月2日" in html and "令和6年度" in html


def test_a_second_run_with_a_flagged_certification_writes_nothing(raters, automatic_mode):
    """Mutant from #10: re-flagging an already flagged certification on every run."""
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    cert = factories.CertificationFactory(user=member, level=2)  # unsupported
    certifications_recompute(user_ids=[member.pk])
    cert.refresh_from_db()
    assert cert.status == "flagged"
    history = Certification.history.count()
    result = certifications_recompute(user_ids=[member.pk])
    assert (result["flagged"], result["restored"], result["created"]) == (0, 0, 0)
    assert Certification.history.count() == history


def test_a_run_counts_restored_certifications(raters, automatic_mode):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    factories.CertificationFactory(user=member, level=1, status="flagged", flag_reason="x")
    run = RecomputeRun.objects.create()
    certifications_recompute(run=run, user_ids=[member.pk])
    run.refresh_from_db()
    assert run.restored == 1


def test_approvals_rejections_grants_and_revocations_are_in_the_audit_log(raters):
    from accounts.models import AuditEntry

    preparer, decider = _hr(), _hr()
    person = factories.UserFactory()
    line = certification_grant_propose(
        user=person, level=1, fiscal_year=2024, reason="研修修了", by=preparer
    )
    approve(line, by=decider, number="真DX第5号")
    cert = Certification.objects.get(user=person)
    from certification.services import certification_revoke_propose

    revoke = certification_revoke_propose(certification=cert, reason="誤り", by=preparer)
    decision_lines_reject(lines=[revoke], reason="再確認の結果、維持", by=decider)
    steps = list(AuditEntry.objects.order_by("pk").values_list("action", "detail__step", "actor"))
    assert steps == [
        ("certification_grant", "grant_proposed", preparer.pk),
        ("certification_approve", "batch_approved", decider.pk),
        ("certification_grant", "granted", decider.pk),
        ("certification_revoke", "revoke_proposed", preparer.pk),
        ("certification_reject", "line_rejected", decider.pk),
    ]


@pytest.mark.parametrize(
    ("year", "prefix"), [(2018, "H30"), (2019, "R1"), (2024, "R6"), (1988, "S63")]
)
def test_the_certificate_number_uses_the_era_table(year, prefix):
    from certification.pdf import certificate_number

    cert = factories.CertificationFactory.build(fiscal_year=year)
    assert certificate_number(cert).split("-")[0] == prefix


def test_an_unsupported_active_certification_is_proposed_for_flagging(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    cert = factories.CertificationFactory(user=member, level=2)  # unsupported
    certifications_recompute(user_ids=[member.pk])
    line = DecisionLine.objects.get(user=member, kind="flag")
    assert (line.certification, line.status) == (cert, "pending")
    cert.refresh_from_db()
    assert cert.status == "active"  # flagged only once decided


def test_an_already_flagged_certification_is_never_proposed_for_flagging_again(raters):
    """Mutant from #10 (re-flagging a flagged certification), in approval mode."""
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    factories.CertificationFactory(user=member, level=2, status="flagged", flag_reason="x")
    certifications_recompute(user_ids=[member.pk])
    assert not DecisionLine.objects.filter(user=member, kind="flag").exists()


def test_an_approval_in_the_admin_records_the_approver_s_address(client, db):
    import datetime

    from accounts.models import AuditAction, AuditEntry
    from accounts.roles import Role
    from certification.models import DecisionBatch
    from certification.services import certification_grant_propose

    preparer = factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN], is_staff=True)
    approver = factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN], is_staff=True)
    line = certification_grant_propose(
        user=factories.UserFactory(), level=1, fiscal_year=2024, reason="特例", by=preparer
    )
    client.force_login(approver)

    client.post(
        reverse("admin:certification_decisionbatch_change", args=[line.batch_id]),
        {"decided_on": datetime.date(2025, 5, 20).isoformat(), "decision_number": "真DX認第99号"},
        REMOTE_ADDR="10.1.2.3",
    )

    assert DecisionBatch.objects.get(pk=line.batch_id).decision_number == "真DX認第99号"
    entry = AuditEntry.objects.get(action=AuditAction.CERTIFICATION_APPROVE)
    assert entry.ip_address == "10.1.2.3"
