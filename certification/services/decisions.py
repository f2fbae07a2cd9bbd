"""認定決裁: HR admins decide what the recompute (or another HR admin) proposed.

- `decision_batch_approve`: approve a pending batch with a 決裁日 and 決裁番号, optionally
  rejecting some lines (each with a reason) and leaving some for later. Approved lines are
  published (`publishing`): certifications with that 決裁日 / 決裁番号, flags, restores,
  revocations; award e-mails after commit.
- `decision_lines_reject`: reject pending lines with a reason (nothing is published).
- `certification_grant_propose` / `certification_revoke_propose`: HR's manual grant and
  revocation are proposals too, decided like any other batch.

Four eyes (docs/decisions/0016-certification-decisions.md): nobody decides a line about
themself (such lines stay pending, moved to a new batch, for another HR admin); with
`CERTIFICATION_TWO_PERSON_RULE` on, the HR admin who prepared a batch does not approve it
while another active HR admin exists.

Locking: the batch row, then the people concerned (their `User` rows, in pk order, as the
recompute does), then their certifications.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.history import change_reason
from accounts.models import User
from accounts.roles import Role

from .. import permissions
from ..enqueue import enqueue_recompute_users
from ..exceptions import (
    AlreadyHeld,
    DecidedOnInFuture,
    DecisionNumberRequired,
    DecisionNumberTaken,
    NotDecider,
    NotHeld,
    NotPending,
    ProposalPending,
    ReasonRequired,
    SelfDecision,
    TwoPersonRule,
)
from ..models import Certification, DecisionBatch, DecisionLine, Level
from . import audit, publishing

Kind = DecisionLine.Kind
LineStatus = DecisionLine.Status
_AUDIT_ACTIONS = {Kind.GRANT: "certification.granted", Kind.REVOKE: "certification.revoked"}


def clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason


def _require_decider(user: User) -> None:
    if not permissions.can_decide_certifications(user):
        raise NotDecider()


def other_decider_exists(user: User) -> bool:
    """Is there an active HR admin besides `user`? (one query)"""
    return (
        User.objects.filter(is_active=True, groups__name=Role.HR_ADMIN.value)
        .exclude(pk=user.pk)
        .exists()
    )


def _lock_people(user_ids: Iterable[int]) -> None:
    list(
        User.objects.select_for_update()
        .filter(pk__in=sorted(set(user_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _new_batch(*, prepared_by: User | None, rule_sets=None, reason: str) -> DecisionBatch:
    batch = DecisionBatch(prepared_by=prepared_by, rule_sets=rule_sets or {})
    batch._change_reason = change_reason(reason)
    if prepared_by is not None:
        batch._history_user = prepared_by
    batch.full_clean()
    batch.save()
    return batch


# --- proposals by HR -----------------------------------------------------------------------


def certification_grant_propose(
    *, user: User, level: int, fiscal_year: int, reason: str, by: User, request=None
) -> DecisionLine:
    """HR proposes to grant `level` by hand (reason required): a new pending batch
    prepared by `by` with one GRANT line. Nothing is published until another decision.
    Refused when the person already holds that level or a grant of it is pending."""
    reason = clean_reason(reason)
    level = Level(int(level))
    _require_decider(by)
    with transaction.atomic():
        _lock_people([user.pk])
        if Certification.objects.filter(
            user=user, level=level, status__in=Certification.HELD
        ).exists():
            raise AlreadyHeld()
        if DecisionLine.objects.filter(
            user=user, level=level, kind=Kind.GRANT, status=LineStatus.PENDING
        ).exists():
            raise ProposalPending()
        batch = _new_batch(prepared_by=by, reason=_("人事担当による付与の起案"))
        line = DecisionLine(
            batch=batch,
            user=user,
            kind=Kind.GRANT,
            level=level,
            fiscal_year=int(fiscal_year),
            reason=reason,
            evidence={
                "level": Level(level).name.lower(),
                "fiscal_year": int(fiscal_year),
                "manual": True,
                "reason": reason,
            },
        )
        line.full_clean()
        line._change_reason = change_reason(reason)
        line._history_user = by
        line.save()
        audit.record(actor=by, action="certification.grant_proposed", target=line, request=request)
    return line


def certification_revoke_propose(
    *, certification: Certification, reason: str, by: User, request=None
) -> DecisionLine:
    """HR proposes to revoke a held certification (reason required): a new pending batch
    prepared by `by` with one REVOKE line. Already proposed → that line is returned."""
    reason = clean_reason(reason)
    _require_decider(by)
    with transaction.atomic():
        _lock_people([certification.user_id])
        cert = Certification.objects.select_for_update().get(pk=certification.pk)
        if cert.status not in Certification.HELD:
            raise NotHeld()
        pending = DecisionLine.objects.filter(
            certification=cert, kind=Kind.REVOKE, status=LineStatus.PENDING
        ).first()
        if pending is not None:
            return pending
        if DecisionLine.objects.filter(
            user_id=cert.user_id, level=cert.level, kind=Kind.REVOKE, status=LineStatus.PENDING
        ).exists():
            raise ProposalPending()
        batch = _new_batch(prepared_by=by, reason=_("認定の取消の起案"))
        line = DecisionLine(
            batch=batch,
            user_id=cert.user_id,
            kind=Kind.REVOKE,
            level=cert.level,
            fiscal_year=cert.fiscal_year,
            certification=cert,
            reason=reason,
            evidence=cert.evidence,
        )
        line.full_clean()
        line._change_reason = change_reason(reason)
        line._history_user = by
        line.save()
        audit.record(actor=by, action="certification.revoke_proposed", target=line, request=request)
    return line


# --- decisions -----------------------------------------------------------------------------


def _apply_line(line: DecisionLine, *, batch: DecisionBatch, by: User, notify: bool):
    """Publish one approved line. Returns the new Certification (award, grant) or None;
    raises AlreadyHeld / NotHeld when the line no longer fits the person's state."""
    if line.kind in DecisionLine.PUBLISHING_KINDS:
        if Certification.objects.filter(
            user_id=line.user_id, level=line.level, status__in=Certification.HELD
        ).exists():
            raise AlreadyHeld()
        manual = line.kind == Kind.GRANT
        [cert] = publishing.publish(
            [
                publishing.NewCertification(
                    user_id=line.user_id,
                    level=line.level,
                    fiscal_year=line.fiscal_year,
                    evidence=line.evidence,
                    source=Certification.Source.MANUAL
                    if manual
                    else Certification.Source.AUTOMATIC,
                    reason=line.reason if manual else "",
                )
            ],
            decided_on=batch.decided_on,
            decision_number=batch.decision_number,
            by=by,
            notify=notify,
        )
        return cert
    cert = Certification.objects.select_for_update().get(pk=line.certification_id)
    if line.kind == Kind.REVOKE:
        if not publishing.revoke(
            cert, reason=line.reason, by=by, decision_number=batch.decision_number
        ):
            raise NotHeld()
        return None
    flags = {cert.pk: line.reason} if line.kind == Kind.FLAG else {}
    restores = {cert.pk} if line.kind == Kind.RESTORE else set()
    if publishing.set_flags(flags, restores, decision_number=batch.decision_number, by=by) == (
        0,
        0,
    ):
        raise NotHeld()
    return None


def decision_batch_approve(
    *,
    batch: DecisionBatch,
    by: User,
    decided_on: datetime.date,
    decision_number: str,
    reject: Mapping[int, str] | None = None,
    defer: Iterable[int] = (),
    notify: bool = True,
    request=None,
) -> dict[str, int]:
    """Approve a pending batch as 決裁 `decision_number` of `decided_on`.

    `reject` maps line ids to a reason: those lines are rejected (nothing published).
    Lines in `defer`, and lines about `by` (four eyes), stay pending: they move to a new
    pending batch with the same preparer and rule sets. Every other pending line is
    approved and published; a line that no longer fits (e.g. the level was granted by
    hand meanwhile) becomes SUPERSEDED. Award e-mails are queued after commit (unless
    `notify` is False). All or nothing: a refusal changes nothing.
    Returns counts: approved, rejected, deferred, superseded.
    """
    _require_decider(by)
    number = (decision_number or "").strip()
    if not number:
        raise DecisionNumberRequired()
    if decided_on is None or decided_on > timezone.localdate():
        raise DecidedOnInFuture()
    reject = {int(k): clean_reason(v) for k, v in (reject or {}).items()}
    defer = {int(i) for i in defer}
    counts = {"approved": 0, "rejected": 0, "deferred": 0, "superseded": 0}
    with translation.override("ja"), transaction.atomic():
        batch = DecisionBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != DecisionBatch.Status.PENDING:
            raise NotPending()
        if permissions.two_person_rule_blocks(
            by, prepared_by_id=batch.prepared_by_id, other_decider_exists=other_decider_exists(by)
        ):
            raise TwoPersonRule()
        if DecisionBatch.objects.filter(decision_number=number).exists():
            raise DecisionNumberTaken()
        lines = list(
            batch.lines.filter(status=LineStatus.PENDING).select_related("user").order_by("pk")
        )
        for line_id in reject:
            line = next((ln for ln in lines if ln.pk == line_id), None)
            if line is None:
                raise NotPending()
            if permissions.concerns(by, line.user_id):
                raise SelfDecision()
        later = [
            ln
            for ln in lines
            if ln.pk not in reject and (ln.pk in defer or permissions.concerns(by, ln.user_id))
        ]
        now_lines = [ln for ln in lines if ln not in later]
        if not now_lines:
            if any(permissions.concerns(by, ln.user_id) for ln in later):
                raise SelfDecision()
            raise NotPending()
        _lock_people(ln.user_id for ln in lines)
        if later:
            rest = _new_batch(
                prepared_by=batch.prepared_by,
                rule_sets=batch.rule_sets,
                reason=_("決裁 %(number)s で保留された明細") % {"number": number},
            )
            for line in later:
                line.batch = rest
                line._change_reason = change_reason(
                    _("決裁 %(number)s で保留") % {"number": number}
                )
            bulk_update_with_history(later, DecisionLine, ["batch"], default_user=by)
            counts["deferred"] = len(later)
        batch.status = DecisionBatch.Status.APPROVED
        batch.decided_by = by
        batch.decided_on = decided_on
        batch.decision_number = number
        batch.decided_at = timezone.now()
        batch._change_reason = change_reason(_("決裁 %(number)s") % {"number": number})
        batch._history_user = by
        batch.full_clean()
        try:
            with transaction.atomic():
                batch.save()
        except IntegrityError:
            raise DecisionNumberTaken() from None
        now = batch.decided_at
        decided, regrant = [], set()
        for line in now_lines:
            line.decided_by = by
            line.decided_at = now
            if line.pk in reject:
                line.status = LineStatus.REJECTED
                line.reject_reason = reject[line.pk]
                line._change_reason = change_reason(reject[line.pk])
                counts["rejected"] += 1
            else:
                try:
                    with transaction.atomic():
                        line.published = _apply_line(line, batch=batch, by=by, notify=notify)
                except (AlreadyHeld, NotHeld):
                    line.status = LineStatus.SUPERSEDED
                    line.decided_by = line.decided_at = None
                    line._change_reason = change_reason(
                        _("決裁時点で既に反映済み、または対象の認定が有効でない")
                    )
                    counts["superseded"] += 1
                else:
                    line.status = LineStatus.APPROVED
                    line._change_reason = change_reason(_("決裁 %(number)s") % {"number": number})
                    counts["approved"] += 1
                    if line.kind == Kind.GRANT:
                        regrant.add(line.user_id)
            decided.append(line)
        bulk_update_with_history(
            decided,
            DecisionLine,
            ["status", "reject_reason", "decided_by", "decided_at", "published"],
            default_user=by,
        )
        audit.record(
            actor=by,
            request=request,
            action="certification.batch_approved",
            target=batch,
            detail={"decision_number": number, "decided_on": decided_on.isoformat(), **counts},
        )
        for line in decided:
            if line.status == LineStatus.REJECTED:
                audit.record(
                    actor=by,
                    request=request,
                    action="certification.line_rejected",
                    target=line,
                    detail={"reason": line.reject_reason},
                )
            elif line.status == LineStatus.APPROVED and line.kind in (Kind.GRANT, Kind.REVOKE):
                audit.record(
                    actor=by,
                    request=request,
                    action=_AUDIT_ACTIONS[line.kind],
                    target=line,
                    detail={"decision_number": number},
                )
        if regrant:
            # A manual Advisor can make an automatic Expert possible.
            ids = sorted(regrant)
            transaction.on_commit(lambda: enqueue_recompute_users(ids), robust=True)
    return counts


def decision_lines_reject(
    *, lines: Iterable[DecisionLine], reason: str, by: User, request=None
) -> int:
    """Reject pending lines with `reason` (required): nothing of them is published. Lines
    about `by` are refused (four eyes); lines no longer pending are skipped (already
    decided). A batch left with nothing pending is closed. Returns how many changed."""
    reason = clean_reason(reason)
    _require_decider(by)
    ids = sorted({line.pk for line in lines})
    with translation.override("ja"), transaction.atomic():
        rows = list(
            DecisionLine.objects.select_for_update()
            .filter(pk__in=ids, status=LineStatus.PENDING)
            .order_by("pk")
        )
        if any(permissions.concerns(by, line.user_id) for line in rows):
            raise SelfDecision()
        now = timezone.now()
        for line in rows:
            line.status = LineStatus.REJECTED
            line.reject_reason = reason
            line.decided_by = by
            line.decided_at = now
            line._change_reason = change_reason(reason)
        if rows:
            bulk_update_with_history(
                rows,
                DecisionLine,
                ["status", "reject_reason", "decided_by", "decided_at"],
                default_user=by,
            )
            publishing.close_finished_batches({line.batch_id for line in rows})
        for line in rows:
            audit.record(
                actor=by,
                request=request,
                action="certification.line_rejected",
                target=line,
                detail={"reason": reason},
            )
    return len(rows)
