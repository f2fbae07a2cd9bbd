"""Certification's decisions in the 操作ログ (`accounts.audit`), written in the caller's
transaction so an entry exists exactly when the decision does."""

from __future__ import annotations

from accounts.audit import audit_record
from accounts.models import AuditAction

#: Our steps → the log's operations (the step itself is kept in `detail`).
ACTIONS = {
    "certification.grant_proposed": AuditAction.CERTIFICATION_GRANT,
    "certification.revoke_proposed": AuditAction.CERTIFICATION_REVOKE,
    "certification.batch_approved": AuditAction.CERTIFICATION_APPROVE,
    "certification.line_rejected": AuditAction.CERTIFICATION_REJECT,
    "certification.granted": AuditAction.CERTIFICATION_GRANT,
    "certification.revoked": AuditAction.CERTIFICATION_REVOKE,
    "certification.flag_kept": AuditAction.CERTIFICATION_APPROVE,
}


def record(*, actor, action: str, target=None, detail=None, request=None) -> None:
    """One 操作ログ entry: who decided what, on which batch, line or certification."""
    audit_record(
        actor=actor,
        action=ACTIONS[action],
        target=target,
        request=request,
        detail={"step": action.removeprefix("certification."), **(detail or {})},
    )
