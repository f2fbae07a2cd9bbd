"""Writes of the evaluations app: rubrics, report meetings, presentations, leadership
windows, invitations, evaluations and reminders.

Every function owns its transaction and locks the row it changes. Scoring and closing
lock the same row (the meeting, or the leadership window), so a submission and a close
serialize: a score is either stored before the close or refused.

A package split by what a reader looks for: `scoring` (submitting an evaluation),
`rubrics`, `meetings` (report meetings and presentations), `leadership` (windows and
invitations), `corrections` (HR's reopening of closed ones), `reminders`. Callers import from `evaluations.services`.
"""

from __future__ import annotations

from .corrections import meeting_reopen, window_reopen
from .leadership import invitation_add, invitation_remove, window_close, window_open
from .meetings import (
    MATERIALS_EXTENSIONS,
    materials_check,
    meeting_close,
    meeting_open,
    meeting_schedule,
    presentation_add,
    presentation_attach_materials,
    presentation_move,
    presentation_reorder,
)
from .reminders import reminders_send
from .rubrics import (
    criterion_add,
    criterion_delete,
    criterion_update,
    rubric_copy,
    rubric_ensure_defaults,
    rubric_is_locked,
)
from .scoring import COMMENT_MAX, evaluation_submit

__all__ = [
    "COMMENT_MAX",
    "MATERIALS_EXTENSIONS",
    "criterion_add",
    "criterion_delete",
    "criterion_update",
    "evaluation_submit",
    "invitation_add",
    "invitation_remove",
    "materials_check",
    "meeting_close",
    "meeting_open",
    "meeting_reopen",
    "meeting_schedule",
    "presentation_add",
    "presentation_attach_materials",
    "presentation_move",
    "presentation_reorder",
    "reminders_send",
    "rubric_copy",
    "rubric_ensure_defaults",
    "rubric_is_locked",
    "window_reopen",
    "window_close",
    "window_open",
]
