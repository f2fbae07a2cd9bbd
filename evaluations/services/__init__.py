"""Writes of the evaluations app: rubrics, report meetings, presentations, leadership
windows, invitations, evaluations and reminders.

Every function owns its transaction and locks the row it changes. Scoring and closing
lock the same row (the meeting, or the leadership window), so a submission and a close
serialize: a score is either stored before the close or refused.

A package split by what a reader looks for: `scoring` (submitting an evaluation),
`rubrics`, `meetings` (report meetings and presentations), `leadership` (windows and
invitations), `reminders`. Callers import from `evaluations.services`.
"""

from __future__ import annotations

from .leadership import invitation_add, invitation_remove, team_leader, window_close, window_open
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
from .scoring import COMMENT_MAX, evaluation_score, evaluation_submit

__all__ = [
    "COMMENT_MAX",
    "MATERIALS_EXTENSIONS",
    "criterion_add",
    "criterion_delete",
    "criterion_update",
    "evaluation_score",
    "evaluation_submit",
    "invitation_add",
    "invitation_remove",
    "materials_check",
    "meeting_close",
    "meeting_open",
    "meeting_schedule",
    "presentation_add",
    "presentation_attach_materials",
    "presentation_move",
    "presentation_reorder",
    "reminders_send",
    "rubric_copy",
    "rubric_ensure_defaults",
    "rubric_is_locked",
    "team_leader",
    "window_close",
    "window_open",
]
