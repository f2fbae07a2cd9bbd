"""Demo certifications: the demo city's past years decided, and one proposal left for HR.

1. Recompute everyone from the demo projects and evaluations. In approval mode that is a
   machine proposal; each 年度's lines are then approved as that year's 決裁 (決裁日 in
   May after the year, 決裁番号 真DX認第<year>-1号) by the demo's first HR admin, so the
   demo city holds exactly the certifications of docs/demo-certifications.md.
2. A manual grant proposed by the first HR admin (10003) is left pending: the second HR
   admin (10004) decides it (two-person rule).
3. Careers (`demo_careers`): 20009 transferred in April, 20007 renamed with her 認定証
   re-issued in the new name.

Deterministic and idempotent: a second run changes nothing. No e-mails (history, not news).
"""

import datetime

from django.utils import timezone

from accounts.models import User

from . import demo_careers
from .exceptions import CertificationError
from .models import Certification, DecisionBatch, DecisionLine
from .services import (
    certification_grant_propose,
    certifications_recompute,
    decision_batch_approve,
)

HR_PREPARER = "10003"
GRANT_TO = "20010"
GRANT_REASON = "県主催のDX推進リーダー研修（上級）を修了し、所属での業務改善を主導したため"


def _decided_on(year: int) -> datetime.date:
    return min(datetime.date(year + 1, 5, 20), timezone.localdate())


def _approve_past_years(hr: User) -> int:
    approved = 0
    while True:
        batch = (
            DecisionBatch.objects.filter(
                status=DecisionBatch.Status.PENDING, prepared_by__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if batch is None:
            return approved
        lines = list(batch.lines.filter(status=DecisionLine.Status.PENDING))
        year = min(line.fiscal_year for line in lines)
        try:
            result = decision_batch_approve(
                batch=batch,
                by=hr,
                decided_on=_decided_on(year),
                decision_number=f"真DX認第{year}-1号",
                defer=[line.pk for line in lines if line.fiscal_year != year],
                notify=False,
            )
        except CertificationError:  # e.g. only lines about `hr` left: HR decides them
            return approved
        approved += result["approved"]


def _pending_grant(hr: User) -> int:
    person = User.objects.filter(employee_number=GRANT_TO).first()
    if person is None or DecisionLine.objects.filter(user=person).exists():
        return 0
    if Certification.objects.filter(user=person).exists():
        return 0
    certification_grant_propose(user=person, level=1, fiscal_year=2024, reason=GRANT_REASON, by=hr)
    return 1


def seed() -> dict[str, int]:
    result = certifications_recompute(notify=False)
    hr = User.objects.filter(employee_number=HR_PREPARER).first()
    if hr is None:  # a test world without the demo people
        return result
    result = {**result, "approved": _approve_past_years(hr), "grant_proposed": _pending_grant(hr)}
    # Careers (issue #14): one April transfer, one renamed holder with a re-issued 認定証.
    return {**result, **demo_careers.seed(hr)}
