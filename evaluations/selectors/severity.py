"""Judge severity at one report meeting, for the organiser's results page (organiser and
HR only: it names the raters). The math is `evaluations.normalisation` (pure); this
module reads the meeting's scores in one query and the raters in one more."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import User

from ..models import REPORT_PERSPECTIVES, Evaluation, Perspective, ReportMeeting
from ..normalisation import MIN_TEAMS, NO_SPREAD, TOO_FEW, normalise_groups


@dataclass
class RaterRow:
    """One rater × perspective at the meeting."""

    rater: User
    perspective: str
    mean: float
    spread: float
    teams: int
    treatment: str  # normalisation.NORMALISED / TOO_FEW / NO_SPREAD

    @property
    def perspective_label(self) -> str:
        return Perspective(self.perspective).label

    @property
    def too_few(self) -> bool:
        return self.treatment == TOO_FEW

    @property
    def no_spread(self) -> bool:
        return self.treatment == NO_SPREAD


@dataclass
class PerspectiveMeans:
    raw: float | None = None
    normalised: float | None = None
    raters: int = 0


@dataclass
class MeetingSeverity:
    """Per rater their mean and spread, per presentation its raw and normalised
    perspective means, and each perspective's overall mean and spread (the target)."""

    raters: list[RaterRow] = field(default_factory=list)
    means: dict[int, list[PerspectiveMeans]] = field(default_factory=dict)  # by presentation
    # (perspective label, overall mean, overall spread) per report perspective
    overall: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    min_teams: int = MIN_TEAMS

    def means_of(self, presentation_id: int) -> list[PerspectiveMeans]:
        """In REPORT_PERSPECTIVES order; empty means for a presentation nobody scored."""
        return self.means.get(presentation_id) or [PerspectiveMeans() for _ in REPORT_PERSPECTIVES]


def meeting_severity(*, meeting: ReportMeeting) -> MeetingSeverity:
    """Judge severity at `meeting` (decision record 0022). Two queries whatever the
    number of raters and presentations: the scores, then the raters (one query for all)."""
    rows = (
        Evaluation.objects.filter(
            presentation__meeting=meeting, perspective__in=REPORT_PERSPECTIVES
        )
        .values_list("perspective", "evaluator_id", "presentation_id", "score")
        .order_by()
    )
    groups = normalise_groups((meeting.pk, p, r, s, score) for p, r, s, score in rows)
    result = MeetingSeverity()
    rater_ids = {r for result_ in groups.values() for r in result_.raters}
    users = (
        {u.pk: u for u in User.objects.filter(pk__in=rater_ids).select_related("department")}
        if rater_ids
        else {}
    )
    empty = PerspectiveMeans()
    per_presentation: dict[int, dict[str, PerspectiveMeans]] = {}
    for perspective in REPORT_PERSPECTIVES:
        normalised = groups.get((meeting.pk, perspective))
        if normalised is None:
            result.overall.append((Perspective(perspective).label, None, None))
            continue
        result.overall.append((Perspective(perspective).label, normalised.mean, normalised.spread))
        for severity in normalised.raters.values():
            result.raters.append(
                RaterRow(
                    rater=users[severity.rater],
                    perspective=perspective,
                    mean=severity.mean,
                    spread=severity.spread,
                    teams=severity.teams,
                    treatment=severity.treatment,
                )
            )
        for presentation_id, means in normalised.subjects.items():
            per_presentation.setdefault(presentation_id, {})[perspective] = PerspectiveMeans(
                raw=means.raw, normalised=means.normalised, raters=means.raters
            )
    result.means = {
        pk: [by.get(p, empty) for p in REPORT_PERSPECTIVES] for pk, by in per_presentation.items()
    }
    # Policy first, then harshest first; ties by reading of the name (stable for tests).
    order = {p: i for i, p in enumerate(REPORT_PERSPECTIVES)}
    result.raters.sort(
        key=lambda row: (
            order[row.perspective],
            row.mean,
            row.rater.last_name_kana,
            row.rater.first_name_kana,
            row.rater.pk,
        )
    )
    return result
