"""Reads of the evaluations app. Each function runs a fixed number of queries whatever
the number of presentations, raters or evaluations (pinned by tests).

Privacy: the functions that serve the evaluated (`team_results`) return aggregates
only; per-rater rows (`meeting_evaluation_rows`) are for the organiser and HR.

A package split by what a reader looks for: `raters` (rater pages), `results`
(aggregates, team results), `leadership`, `organiser` (board and per-rater rows),
`severity` (judge severity at a meeting, organiser and HR only).
Callers import from `evaluations.selectors`.
"""

from __future__ import annotations

from .leadership import (
    LeadershipTarget,
    invitation_candidates,
    invitation_candidates_for_team,
    leadership_pending_raters,
    leadership_target,
    leadership_targets,
    team_leader,
    window_overview,
)
from .organiser import (
    BoardRow,
    meeting_criteria,
    meeting_evaluation_rows,
    meeting_pending_raters,
    meeting_results,
    projects_that_may_hold_meetings,
    submission_board,
    teams_that_may_present,
)
from .raters import (
    CONFLICT,
    DONE,
    NOT_YET,
    PresentationRow,
    ScoringForm,
    meeting_for_rater,
    meetings_for_rater,
    my_evaluation,
    presentation_rows_for,
    rater_perspectives,
)
from .results import (
    CriterionMean,
    PerspectiveAggregate,
    TeamResult,
    closed_score_means,
    leadership_aggregates,
    my_teams_with_results,
    presentation_aggregates,
    team_results,
)
from .severity import MeetingSeverity, RaterRow, meeting_severity

__all__ = [
    "BoardRow",
    "CONFLICT",
    "CriterionMean",
    "DONE",
    "LeadershipTarget",
    "MeetingSeverity",
    "NOT_YET",
    "PerspectiveAggregate",
    "PresentationRow",
    "RaterRow",
    "ScoringForm",
    "TeamResult",
    "closed_score_means",
    "invitation_candidates",
    "invitation_candidates_for_team",
    "leadership_aggregates",
    "leadership_pending_raters",
    "leadership_target",
    "leadership_targets",
    "meeting_criteria",
    "meeting_evaluation_rows",
    "meeting_for_rater",
    "meeting_pending_raters",
    "meeting_results",
    "meeting_severity",
    "meetings_for_rater",
    "my_evaluation",
    "my_teams_with_results",
    "presentation_aggregates",
    "presentation_rows_for",
    "projects_that_may_hold_meetings",
    "rater_perspectives",
    "submission_board",
    "team_leader",
    "team_results",
    "teams_that_may_present",
    "window_overview",
]
