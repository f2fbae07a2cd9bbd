"""Organiser and HR pages: the submission board, pending raters, per-rater rows."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from accounts.roles import Role
from projects.models import Membership

from ..models import (
    REPORT_PERSPECTIVES,
    Criterion,
    Evaluation,
    Presentation,
    ReportMeeting,
)
from .raters import CONFLICT, DONE, NOT_YET, rater_perspectives


def _raters() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, groups__name__in=[Role.EXECUTIVE.value, Role.EXTERNAL_EXPERT.value]
        )
        .distinct()
        .select_related("department")
        .prefetch_related("groups")
        .order_by("last_name_kana", "first_name_kana", "pk")
    )


@dataclass
class BoardRow:
    rater: User
    perspective: str
    cells: list[str]  # one per presentation: pending / done / conflict

    @property
    def done_count(self) -> int:
        return sum(1 for c in self.cells if c == DONE)


def submission_board(*, meeting: ReportMeeting) -> tuple[list[Presentation], list[BoardRow]]:
    """The organiser's rater × presentation board. Five queries."""
    presentations = list(meeting.presentations.select_related("team").order_by("order"))
    ids = [p.pk for p in presentations]
    raters = _raters()
    done = set(
        Evaluation.objects.filter(presentation_id__in=ids).values_list(
            "evaluator_id", "presentation_id", "perspective"
        )
    )
    conflicts = set(
        Membership.objects.filter(
            team_id__in=[p.team_id for p in presentations],
            status__in=Membership.LIVE,
            user__in=raters,
        ).values_list("user_id", "team_id")
    )
    rows = []
    for rater in raters:
        for perspective in rater_perspectives(rater):
            cells = []
            for p in presentations:
                if (rater.pk, p.team_id) in conflicts:
                    cells.append(CONFLICT)
                elif (rater.pk, p.pk, perspective) in done:
                    cells.append(DONE)
                else:
                    cells.append(NOT_YET)
            rows.append(BoardRow(rater=rater, perspective=perspective, cells=cells))
    return presentations, rows


def meeting_pending_raters(*, meeting: ReportMeeting) -> list[tuple[User, list[Presentation]]]:
    """Raters who have not scored every presentation they may score."""
    presentations, rows = submission_board(meeting=meeting)
    missing: dict[int, list[Presentation]] = {}
    users = {}
    for row in rows:
        for p, cell in zip(presentations, row.cells, strict=True):
            if cell == NOT_YET:
                missing.setdefault(row.rater.pk, []).append(p)
                users[row.rater.pk] = row.rater
    return [(users[pk], missing[pk]) for pk in missing]


def meeting_evaluation_rows(*, meeting: ReportMeeting) -> list[Evaluation]:
    """Every evaluation of the meeting with its rater and criterion scores, for the
    organiser and HR only. Two queries."""
    return list(
        Evaluation.objects.filter(presentation__meeting=meeting)
        .select_related("evaluator__department", "presentation__team")
        .prefetch_related("scores")
        .order_by("presentation__order", "perspective", "evaluator__last_name_kana", "pk")
    )


def meeting_criteria(*, meeting: ReportMeeting) -> dict[str, list[Criterion]]:
    """The report criteria of the meeting's fiscal year, per perspective. One query."""
    result: dict[str, list[Criterion]] = {p: [] for p in REPORT_PERSPECTIVES}
    for c in (
        Criterion.objects.filter(
            rubric__fiscal_year=meeting.project.fiscal_year,
            rubric__perspective__in=REPORT_PERSPECTIVES,
        )
        .select_related("rubric")
        .order_by("order")
    ):
        result[c.rubric.perspective].append(c)
    return result
