"""The writes that publish a decision: new certifications, flags, restores, revocations.

Used by the recompute in automatic mode (決裁日 = the day, no 決裁番号) and by the approval
of a `DecisionBatch` (its 決裁日 and 決裁番号). Callers own the transaction and hold the
lock on the people concerned. Every change leaves a history row with who and why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.history import change_reason

from ..enqueue import enqueue_award_emails
from ..models import Certification, DecisionBatch, DecisionLine, Level
from . import copy_rows

Status = Certification.Status
Source = Certification.Source


@dataclass(frozen=True)
class NewCertification:
    user_id: int
    level: int
    fiscal_year: int
    evidence: dict
    source: str = Source.AUTOMATIC
    reason: str = ""


def enrich(evidence, teams: dict):
    """Add each team's name and project title beside its id, so HR reads names."""
    if isinstance(evidence, dict):
        out = {key: enrich(value, teams) for key, value in evidence.items()}
        info = teams.get(evidence.get("team")) if "team" in evidence else None
        if info is not None:
            out["team_name"] = info.name
            out["project_title"] = info.project_title
        return out
    if isinstance(evidence, list):
        return [enrich(item, teams) for item in evidence]
    return evidence


def flag_reason(level: int) -> str:
    return _(
        "再計算の結果、現在の評価データでは%(level)sの認定条件を満たしていません。"
        "人事担当が確認してください。"
    ) % {"level": Level(level).label}


def _decision_note(text: str, decision_number: str) -> str:
    """The history reason of a published change: the reason itself (the 決裁番号 is on
    the certification, and the decision's own history and audit row say who decided)."""
    return text


def publish(
    new: list[NewCertification],
    *,
    decided_on: datetime.date,
    decision_number: str = "",
    by=None,
    notify: bool = True,
) -> list[Certification]:
    """Create the certifications of `new` (bulk, with history) and, after commit, queue
    their award e-mails (at-least-once: `announced_at` stays None until sent). With
    `notify=False` nothing is owed: `announced_at` is set now (e.g. the demo's history)."""
    if not new:
        return []
    now = timezone.now()
    rows = []
    for item in new:
        manual = item.source == Source.MANUAL
        cert = Certification(
            user_id=item.user_id,
            level=int(item.level),
            fiscal_year=int(item.fiscal_year),
            status=Status.ACTIVE,
            source=item.source,
            evidence=item.evidence,
            reason=item.reason,
            changed_by=by,
            decided_on=decided_on,
            decision_number=decision_number,
            announced_at=None if notify else now,
        )
        text = item.reason if manual else _("自動判定により認定")
        cert._change_reason = change_reason(_decision_note(text, decision_number))
        if by is not None:
            cert._history_user = by
        rows.append(cert)
    created = bulk_create_with_history(rows, Certification, default_user=by)
    if notify:
        ids = [c.pk for c in created]
        transaction.on_commit(lambda: enqueue_award_emails(ids), robust=True)
    return created


def publish_many(
    new: list[NewCertification], *, decided_on: datetime.date, notify: bool = True
) -> int:
    """The machine's new certifications (the recompute in automatic mode), as `publish`
    writes them; many rows on PostgreSQL go in with COPY (`copy_rows`: the same rows and
    history rows, a fraction of the time). Returns how many were created."""
    if not copy_rows.available(len(new)):
        return len(publish(new, decided_on=decided_on, notify=notify))
    now = timezone.now()
    ids = copy_rows.create_with_history(
        Certification,
        [
            {
                "user_id": item.user_id,
                "level": int(item.level),
                "fiscal_year": int(item.fiscal_year),
                "status": Status.ACTIVE,
                "source": Source.AUTOMATIC,
                "evidence": item.evidence,
                "reason": "",
                "decided_on": decided_on,
                "decision_number": "",
                "announced_at": None if notify else now,
            }
            for item in new
        ],
        reason=change_reason(_("自動判定により認定")),
    )
    if notify:
        transaction.on_commit(lambda: enqueue_award_emails(ids), robust=True)
    return len(ids)


def set_flags(
    flags: dict[int, str], restores: set[int], *, decision_number: str = "", by=None
) -> tuple[int, int]:
    """Flag the certifications of `flags` (pk → reason) that are ACTIVE and restore those
    of `restores` that are FLAGGED; anything else is left alone. Returns (flagged,
    restored), the numbers actually changed."""
    if not flags and not restores:
        return 0, 0
    now = timezone.now()
    changed = []
    flagged = restored = 0
    for cert in Certification.objects.filter(pk__in=[*flags, *restores]):
        if cert.pk in flags and cert.status == Status.ACTIVE:
            cert.status = Status.FLAGGED
            cert.flag_reason = flags[cert.pk]
            cert._change_reason = change_reason(_decision_note(cert.flag_reason, decision_number))
            flagged += 1
        elif cert.pk in restores and cert.status == Status.FLAGGED:
            cert.status = Status.ACTIVE
            cert.flag_reason = ""
            cert._change_reason = change_reason(
                _decision_note(
                    _("再計算で認定条件を満たすことを確認したため有効に戻しました"), decision_number
                )
            )
            restored += 1
        else:
            continue
        cert.updated_at = now
        if by is not None:
            cert.changed_by = by
        changed.append(cert)
    if changed:
        bulk_update_with_history(
            changed,
            Certification,
            ["status", "flag_reason", "updated_at", "changed_by"],
            default_user=by,
        )
    return flagged, restored


def revoke(cert: Certification, *, reason: str, by, decision_number: str = "") -> bool:
    """Revoke a held certification (the caller has locked it). False if not held."""
    if cert.status not in Certification.HELD:
        return False
    cert.status = Status.REVOKED
    cert.revoked_at = timezone.now()
    cert.reason = reason
    cert.flag_reason = ""
    cert.changed_by = by
    cert._change_reason = change_reason(_decision_note(reason, decision_number))
    cert._history_user = by
    cert.full_clean()
    cert.save()
    return True


def supersede_lines(line_ids, *, reason: str) -> int:
    """Mark pending `DecisionLine`s SUPERSEDED (with history) and close the batches left
    with nothing pending. Returns how many lines changed."""
    lines = list(
        DecisionLine.objects.filter(pk__in=list(line_ids), status=DecisionLine.Status.PENDING)
    )
    if not lines:
        return 0
    for line in lines:
        line.status = DecisionLine.Status.SUPERSEDED
        line._change_reason = change_reason(reason)
    bulk_update_with_history(lines, DecisionLine, ["status"])
    close_finished_batches({line.batch_id for line in lines})
    return len(lines)


def close_finished_batches(batch_ids) -> int:
    """A pending batch with no pending line left (all rejected or superseded) is CLOSED."""
    done = list(
        DecisionBatch.objects.filter(pk__in=list(batch_ids), status=DecisionBatch.Status.PENDING)
        .exclude(lines__status=DecisionLine.Status.PENDING)
        .distinct()
    )
    for batch in done:
        batch.status = DecisionBatch.Status.CLOSED
        batch._change_reason = change_reason(_("決裁待ちの明細がなくなったため終了"))
        batch.save()
    return len(done)
