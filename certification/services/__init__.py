"""Writes for certification, by what a reader looks for:

- `recompute`: the recompute (publish or propose), recompute runs, stale markers;
- `recompute_ranges`: everyone streamed by ranges of user ids, one Celery task per range;
- `decisions`: 認定決裁 — approve / reject proposals, HR's grant and revoke proposals;
- `flags`: HR settles a flagged certification;
- `publishing`: the writes a decision makes (shared by automatic mode and approvals);
- `mail`: award e-mails, at-least-once;
- `rulesets`: HR's 認定基準 per 年度 (never deleted once used).
"""

from .decisions import (
    certification_grant_propose,
    certification_revoke_propose,
    decision_batch_approve,
    decision_lines_reject,
    other_decider_exists,
)
from .flags import certification_resolve_flag
from .mail import AwardEmailsFailed, send_award_emails
from .recompute import (
    approval_mode,
    mark_stale,
    recompute_run_start,
)
from .recompute_ranges import certifications_recompute, recompute_range, run_plan
from .rulesets import ruleset_delete, ruleset_in_use, ruleset_save

__all__ = [
    "AwardEmailsFailed",
    "approval_mode",
    "certification_grant_propose",
    "certification_resolve_flag",
    "certification_revoke_propose",
    "certifications_recompute",
    "decision_batch_approve",
    "decision_lines_reject",
    "mark_stale",
    "other_decider_exists",
    "recompute_range",
    "recompute_run_start",
    "run_plan",
    "ruleset_delete",
    "ruleset_in_use",
    "ruleset_save",
    "send_award_emails",
]
