"""Permission matrix rows for the certification app (pages and its admin views)."""

import datetime

from certification.credentials import keys
from certification.models import DecisionLine, RecomputeRun
from tests import factories
from tests.matrix import NO_ACCESS, VIEW, VIEW_ADD, Row, expect


def extend(world):
    world.certification = factories.CertificationFactory(user=world.member, fiscal_year=2024)
    world.recompute_run = RecomputeRun.objects.create(requested_by=world.hr_admin)
    keys.key_ensure()  # the credential endpoints sign with the city's key
    from certification.services import certification_grant_propose

    world.decision_line: DecisionLine = certification_grant_propose(
        user=world.staff, level=1, fiscal_year=2024, reason="研修修了", by=world.hr_admin
    )
    world.reissue = reissued_certificate(world)


def reissued_certificate(world):
    """A holder renamed after the 決裁 and their 認定証 re-issued (issue #14)."""
    from accounts.services.careers import name_change_record
    from certification.credentials.reissue import certificate_reissue

    holder = factories.UserFactory()
    certification = factories.CertificationFactory(
        user=holder, fiscal_year=2023, decided_on=datetime.date(2024, 5, 20)
    )
    name_change_record(
        user=holder,
        changed_on=datetime.date(2025, 6, 1),
        uses_maiden_name_at_work=False,
        by=world.hr_admin,
        last_name="新姓",
        first_name=holder.first_name,
        last_name_kana="シンセイ",
        first_name_kana=holder.first_name_kana,
    )
    return certificate_reissue(certification=certification, by=world.hr_admin)


def _cert(w):
    return {"public_id": w.certification.public_id}


# The admin answers 302 (to its login page) to anyone who is not HR or an organiser.
_ADMIN_ONLY = {
    "anonymous": 302,
    "staff": 302,
    "member": 302,
    "leader": 302,
    "executive": 302,
    "external_expert": 302,
}

ROWS: list[Row] = [
    Row("certification:my_certification", expect(200, anonymous=302, external_expert=403)),
    Row(
        "certification:certificate_pdf",
        expect(404, anonymous=302, member=200, organiser=200, hr_admin=200),
        kwargs=_cert,
        note="only the holder (while held), HR and organisers; others 404",
    ),
    Row("certification:verify", expect(200), kwargs=_cert, note="public, four facts only"),
    # The portable credential is public like the verify page it extends (a verifier
    # anywhere must reach it); so are the issuer's keys, profile and status list.
    Row("certification:credential_jwt", expect(200), kwargs=_cert, note="public, signed"),
    Row("certification:credential_json", expect(200), kwargs=_cert, note="public, decoded"),
    Row("certification:credential_jwks", expect(200), note="public keys only"),
    Row("certification:credential_issuer", expect(200), note="the city's profile"),
    Row(
        "certification:credential_status_list",
        expect(200),
        kwargs=lambda w: {"list_id": 1},
        note="revocation bits only",
    ),
    Row("certification:dashboard", expect(403, anonymous=302, organiser=200, hr_admin=200)),
    # Admin views of this app.
    Row("admin:certification_certification_changelist", expect(200, **_ADMIN_ONLY)),
    Row(
        "admin:certification_certification_change",
        expect(200, **_ADMIN_ONLY),
        kwargs=lambda w: {"object_id": w.certification.pk},
    ),
    Row(
        "admin:certification_certification_history",
        expect(200, **_ADMIN_ONLY),
        kwargs=lambda w: {"object_id": w.certification.pk},
    ),
    Row("admin:certification_certification_grant", expect(403, **_ADMIN_ONLY, hr_admin=200)),
    Row("admin:certification_certification_add", expect(403, **_ADMIN_ONLY, hr_admin=200)),
    Row("admin:certification_certification_export_csv", expect(200, **_ADMIN_ONLY)),
    Row("admin:certification_certification_export_xlsx", expect(200, **_ADMIN_ONLY)),
    Row("admin:certification_ruleset_changelist", expect(200, **_ADMIN_ONLY)),
    Row("admin:certification_ruleset_add", expect(403, **_ADMIN_ONLY, hr_admin=200)),
    Row("admin:certification_recomputerun_changelist", expect(200, **_ADMIN_ONLY)),
    Row("admin:certification_recomputerun_start", expect(403, **_ADMIN_ONLY, hr_admin=200)),
    Row(
        "admin:certification_recomputerun_progress",
        expect(200, **_ADMIN_ONLY),
        kwargs=lambda w: {"pk": w.recompute_run.pk},
    ),
    Row(
        "admin:certification_recomputerun_progress_json",
        expect(200, **_ADMIN_ONLY),
        kwargs=lambda w: {"pk": w.recompute_run.pk},
    ),
    # 認定決裁: HR admins only (organisers neither see nor decide).
    Row("admin:certification_decisionbatch_changelist", expect(403, **_ADMIN_ONLY, hr_admin=200)),
    Row(
        "admin:certification_decisionbatch_change",
        expect(403, **_ADMIN_ONLY, hr_admin=200),
        kwargs=lambda w: {"object_id": w.decision_line.batch_id},
    ),
    Row(
        "admin:certification_decisionbatch_history",
        expect(403, **_ADMIN_ONLY, hr_admin=200),
        kwargs=lambda w: {"object_id": w.decision_line.batch_id},
    ),
    Row("admin:certification_decisionline_changelist", expect(403, **_ADMIN_ONLY, hr_admin=200)),
    Row(
        "admin:certification_decisionline_change",
        expect(403, **_ADMIN_ONLY, hr_admin=200),
        kwargs=lambda w: {"object_id": w.decision_line.pk},
    ),
    Row(
        "admin:certification_decisionline_history",
        expect(403, **_ADMIN_ONLY, hr_admin=200),
        kwargs=lambda w: {"object_id": w.decision_line.pk},
    ),
]

ADMIN_MODELS = {
    "certification.certification": (VIEW, VIEW_ADD),
    "certification.ruleset": (VIEW, VIEW_ADD),
    "certification.recomputerun": (VIEW, VIEW),
    # 認定決裁: HR's by role (certification.permissions), no model permission involved.
    "certification.decisionbatch": (NO_ACCESS, VIEW),
    "certification.decisionline": (NO_ACCESS, VIEW),
    # 認定証の再発行: HR's read-only list (the re-issue is an action on the certifications).
    "certification.certificatereissue": (NO_ACCESS, VIEW),
}
