"""Certification's decisions in the 操作ログ (accounts' append-only audit log)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def record(*, actor, action: str, target=None, detail=None, request=None) -> None:
    """One audit row: who decided what. Written in the caller's transaction, so it
    exists exactly when the decision does."""
    try:
        from accounts.audit import audit_record
    except ImportError:  # the audit log lands from another branch (issue #9)
        logger.info(
            "audit %s by #%s on #%s",
            action,
            getattr(actor, "pk", None),
            getattr(target, "pk", None),
        )
        return
    audit_record(actor=actor, action=action, target=target, request=request, detail=detail)
