"""Reads for certification.

- `gather.py`: the rules engine's input (`gather`, `decide_for`, `report_results`), the
  one read path of the recompute; `scores.py`: the score lists per team it is built on.
- here: the pages' reads (a person's certifications and standing, the dashboard's
  counts, the exports).

Everything is importable from `certification.selectors`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Sum
from django.utils.translation import gettext

from accounts.models import User
from projects.models import MeasuredEffect, Team

from .. import rules
from ..models import Certification, DecisionLine, Level
from .gather import (
    Gathered,
    IdRange,
    ReportResult,
    TeamInfo,
    decide_for,
    gather,
    report_results,
    revocation_floor,
    rule_sets,
)

__all__ = [
    "Gathered",
    "IdRange",
    "ReportResult",
    "Standing",
    "TeamInfo",
    "certifications_of",
    "certified_counts",
    "certified_table",
    "decide_for",
    "gather",
    "held_certifications_for_export",
    "measured_effects_by_year",
    "pending_awards_of",
    "report_results",
    "revocation_floor",
    "rule_set_for",
    "rule_sets",
    "standing",
]


def certifications_of(*, user: User):
    """A person's certifications, newest level first (one query)."""
    return (
        Certification.objects.filter(user=user)
        .select_related("user")
        .order_by("-level", "-fiscal_year", "-created_at")
    )


def certified_counts():
    """Held certifications counted per level × 年度 × department (one query), the
    departments in the organisation's order (their code, as `Department` orders them)."""
    return list(
        Certification.objects.filter(status__in=Certification.HELD)
        .values(
            "level",
            "fiscal_year",
            department=F("user__department__name"),
            department_code=F("user__department__code"),
        )
        .annotate(count=Count("id"))
        .order_by("fiscal_year", "department_code", "level")
    )


def measured_effects_by_year():
    """The programme's measured BPR effects, totalled per 年度 and unit (one query):
    the sum of (before − after) of every measured effect of an approved team."""
    return list(
        MeasuredEffect.objects.filter(worksheet__team__status=Team.Status.APPROVED)
        .values("unit", fiscal_year=F("worksheet__team__project__fiscal_year"))
        .annotate(
            total=Sum(F("before") - F("after")), teams=Count("worksheet__team", distinct=True)
        )
        .order_by("fiscal_year", "unit")
    )


def held_certifications_for_export():
    """Current (held) certifications for personnel records, by department then reading."""
    return (
        Certification.objects.filter(status__in=Certification.HELD)
        .select_related("user", "user__department")
        .order_by(
            "user__department__code", "user__last_name_kana", "user__first_name_kana", "level"
        )
    )


def pending_awards_of(*, user: User):
    """A person's pending proposals that would give them a level (award or grant): shown
    as 「認定予定（決裁待ち）」, never as held (one query)."""
    return list(
        DecisionLine.objects.filter(
            user=user,
            status=DecisionLine.Status.PENDING,
            kind__in=DecisionLine.PUBLISHING_KINDS,
        ).order_by("level")
    )


def rule_set_for(data: Gathered, year: int) -> rules.RuleSet:
    """The 年度's rule set, or the defaults when the year has no row."""
    return data.rule_sets.get(year) or rules.RuleSet(fiscal_year=year)


@dataclass
class Standing:
    """Where a person stands: what they hold, what is pending, and what comes next."""

    current: Certification | None
    floor: int | None  # the lowest level HR revoked (rules: nothing above it by machine)
    next_level: Level | None
    upcoming: list  # levels the data supports that are neither held nor pending
    show_checklist: bool


def standing(*, certs: list[Certification], outcome: rules.Outcome, pending) -> Standing:
    """Pure reading of a person's certifications, live outcome and pending proposals."""
    held = [c for c in certs if c.status in Certification.HELD]
    current = max(held, key=lambda c: c.level, default=None)
    # A level HR revoked (and everything above it) is never awarded by the machine again.
    floor = revocation_floor((c.level, c.status) for c in certs)
    pending_levels = {line.level for line in pending}
    upcoming = [
        a
        for a in outcome.awards
        if (floor is None or int(a.level) < floor) and int(a.level) not in pending_levels
    ]
    # The checklist is for the level above everything held, pending AND about to be
    # proposed (`outcome.awards`), so the heading names that same level.
    top = max(
        [c.level for c in held] + [int(a.level) for a in outcome.awards] + list(pending_levels),
        default=None,
    )
    if top is None:
        next_level = Level.ADVISOR
    elif top < Level.SPECIALIST:
        next_level = Level(top + 1)
    else:
        next_level = None
    # Past a revoked level only HR can grant: no checklist would mean anything.
    show = not (floor is not None and (next_level is None or next_level >= floor))
    return Standing(current, floor, next_level, upcoming, show)


def certified_table(levels: list[int], counts: list[dict] | None = None) -> dict:
    """The dashboard's pivot: held certifications per 年度 × department (rows, with a
    count per level), per 年度 (for the chart) and in total (one query). `counts`: rows
    shaped like `certified_counts` (default: by the current department)."""
    counts = certified_counts() if counts is None else counts
    no_department = gettext("（所属なし）")
    # Rows in the organisation's order (department code), people without one last.
    table: dict[tuple[int, str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_year: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        department = row["department"] or no_department
        code = row["department_code"] or "\uffff"
        table[(row["fiscal_year"], code, department)][row["level"]] += row["count"]
        per_year[row["fiscal_year"]][row["level"]] += row["count"]
    years = sorted(per_year)
    rows = [
        {
            "fiscal_year": year,
            "department": department,
            "counts": [cells.get(level, 0) for level in levels],
            "total": sum(cells.values()),
        }
        for (year, _code, department), cells in sorted(table.items())
    ]
    totals = [sum(per_year[y].get(level, 0) for y in years) for level in levels]
    per_level = [[per_year[y].get(level, 0) for y in years] for level in levels]
    return {"rows": rows, "totals": totals, "years": years, "per_level": per_level}
