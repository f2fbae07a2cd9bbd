"""Reads of the evaluations app. Each function runs a fixed number of queries whatever
the number of presentations, raters or evaluations (pinned by tests).

Privacy: the functions that serve the evaluated (`team_results`) return aggregates
only; per-rater rows (`meeting_evaluation_rows`) are for the organiser and HR.

A package split by what a reader looks for: `raters` (rater pages), `results`
(aggregates, team results), `leadership`, `organiser` (board and per-rater rows).
Callers import from `evaluations.selectors`.
"""

from __future__ import annotations

from .leadership import (
    LeadershipTarget,
    invitation_candidates,
    leadership_pending_raters,
    leadership_target,
    leadership_targets,
    window_overview,
)
from .organiser import (
    BoardRow,
    meeting_criteria,
    meeting_evaluation_rows,
    meeting_pending_raters,
    submission_board,
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
    leadership_aggregates,
    leadership_scores_for_teams,
    my_teams_with_results,
    presentation_aggregates,
    report_scores_for_teams,
    team_results,
)

__all__ = [
    "BoardRow",
    "CONFLICT",
    "CriterionMean",
    "DONE",
    "LeadershipTarget",
    "NOT_YET",
    "PerspectiveAggregate",
    "PresentationRow",
    "ScoringForm",
    "TeamResult",
    "invitation_candidates",
    "leadership_aggregates",
    "leadership_pending_raters",
    "leadership_scores_for_teams",
    "leadership_target",
    "leadership_targets",
    "meeting_criteria",
    "meeting_evaluation_rows",
    "meeting_for_rater",
    "meeting_pending_raters",
    "meetings_for_rater",
    "my_evaluation",
    "my_teams_with_results",
    "presentation_aggregates",
    "presentation_rows_for",
    "rater_perspectives",
    "report_scores_for_teams",
    "submission_board",
    "team_results",
    "window_overview",
]
