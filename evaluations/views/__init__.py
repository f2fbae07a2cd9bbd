"""Pages of the evaluations app. Views check the role, call one selector or service,
and turn refusals (EvaluationError) into messages. Organiser pages live under
/organiser/ (protected by the MFA middleware).

A package split by reader: `raters`, `staff`, `organiser`, `exports` (HR's results
and downloads). `urls.py` refers to the views through this package.
"""

from __future__ import annotations

from ._common import role_required
from .exports import (
    organiser_meeting_export_csv,
    organiser_meeting_export_xlsx,
    organiser_meeting_results,
)
from .organiser import (
    organiser_criterion_add,
    organiser_criterion_edit,
    organiser_invitation_add,
    organiser_invitation_remove,
    organiser_meeting_board,
    organiser_meeting_close,
    organiser_meeting_create,
    organiser_meeting_detail,
    organiser_meeting_list,
    organiser_meeting_open,
    organiser_presentation_add,
    organiser_presentation_materials,
    organiser_presentation_move,
    organiser_rubric_copy,
    organiser_rubric_defaults,
    organiser_rubric_detail,
    organiser_rubric_list,
    organiser_window_close,
    organiser_window_detail,
    organiser_window_open,
)
from .raters import meeting_detail, meeting_list, presentation_evaluate, presentation_materials
from .staff import leadership_evaluate, leadership_list, my_results, team_results

__all__ = [
    "leadership_evaluate",
    "leadership_list",
    "meeting_detail",
    "meeting_list",
    "my_results",
    "organiser_criterion_add",
    "organiser_criterion_edit",
    "organiser_invitation_add",
    "organiser_invitation_remove",
    "organiser_meeting_board",
    "organiser_meeting_close",
    "organiser_meeting_create",
    "organiser_meeting_detail",
    "organiser_meeting_export_csv",
    "organiser_meeting_export_xlsx",
    "organiser_meeting_list",
    "organiser_meeting_open",
    "organiser_meeting_results",
    "organiser_presentation_add",
    "organiser_presentation_materials",
    "organiser_presentation_move",
    "organiser_rubric_copy",
    "organiser_rubric_defaults",
    "organiser_rubric_detail",
    "organiser_rubric_list",
    "organiser_window_close",
    "organiser_window_detail",
    "organiser_window_open",
    "presentation_evaluate",
    "presentation_materials",
    "role_required",
    "team_results",
]
