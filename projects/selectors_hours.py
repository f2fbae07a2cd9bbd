"""Reads of activity hours (業務外活動の記録, issue 12): weekly totals per person and
project, for the member, their 所属長 and the organiser.

Weeks are ISO weeks, Monday to Sunday (`week_start`). A week's total is the hours the
person logged by hand (`ActivityLog`) plus the hours of the workshops (研修) of that
project they attended that week (`Attendance.attended` × `Workshop.hours`): workshop hours
are computed here, never copied into rows, so a corrected attendance shows at once.

Each function runs a fixed number of queries, whatever the number of people, weeks or
entries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from accounts.fiscal import date_label
from accounts.models import Department, User
from accounts.selectors import department_ids_headed_by

from .models import ActivityLog, Attendance, Membership, Project, Team

ZERO = Decimal(0)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def week_label(starts_on: datetime.date) -> str:
    """令和8年11月30日〜令和8年12月6日 (30 Nov 2026 – 6 Dec 2026 in English)."""
    ends_on = starts_on + datetime.timedelta(days=6)
    dash = " – " if (get_language() or "ja").startswith("en") else "〜"
    return f"{date_label(starts_on)}{dash}{date_label(ends_on)}"


def is_over(total: Decimal, cap: Decimal | None) -> bool:
    """A week goes over when its total is strictly above the cap (4h of 4h is not over)."""
    return cap is not None and total > cap


@dataclass
class WeekTotal:
    """One person's hours in one project in one ISO week."""

    user_id: int
    project_id: int
    starts_on: datetime.date
    cap: Decimal | None
    team_id: int | None = None
    logged: Decimal = ZERO
    workshops: Decimal = ZERO
    user: User | None = None
    project: Project | None = None
    team: Team | None = None

    @property
    def total(self) -> Decimal:
        return self.logged + self.workshops

    @property
    def over(self) -> bool:
        return is_over(self.total, self.cap)

    @property
    def near(self) -> bool:
        """At or within an hour below the cap, not over it."""
        return self.cap is not None and not self.over and self.total >= self.cap - 1

    @property
    def ends_on(self) -> datetime.date:
        return self.starts_on + datetime.timedelta(days=6)

    @property
    def label(self) -> str:
        return week_label(self.starts_on)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def weekly_totals(
    *, user_ids=None, fiscal_year: int | None = None, project: Project | None = None
) -> list[WeekTotal]:
    """Every (person, project, week) with hours, newest week first. `user_ids` (a list or
    a subquery; None for everyone), `fiscal_year` and `project` narrow it. Three queries:
    logged hours, attended workshops, and the team of each person in each project."""
    logs = ActivityLog.objects.all()
    attendances = Attendance.objects.filter(attended=True)
    if user_ids is not None:
        logs = logs.filter(user_id__in=user_ids)
        attendances = attendances.filter(user_id__in=user_ids)
    if fiscal_year:
        logs = logs.filter(project__fiscal_year=fiscal_year)
        attendances = attendances.filter(workshop__project__fiscal_year=fiscal_year)
    if project is not None:
        logs = logs.filter(project=project)
        attendances = attendances.filter(workshop__project=project)
    weeks: dict[tuple[int, int, datetime.date], WeekTotal] = {}

    def _week(user_id, project_id, starts_on, cap) -> WeekTotal:
        key = (user_id, project_id, _as_date(starts_on))
        if key not in weeks:
            weeks[key] = WeekTotal(user_id, project_id, key[2], cap)
        return weeks[key]

    for row in (
        logs.annotate(week=TruncWeek("worked_on"))
        .values("user_id", "project_id", "team_id", "week", "project__weekly_hours_cap")
        .annotate(hours=Sum("hours"))
        .order_by()
    ):
        week = _week(
            row["user_id"], row["project_id"], row["week"], row["project__weekly_hours_cap"]
        )
        week.logged += row["hours"]
        week.team_id = row["team_id"]
    for row in (
        attendances.annotate(week=TruncWeek("workshop__held_on"))
        .values("user_id", "week", "workshop__project_id", "workshop__project__weekly_hours_cap")
        .annotate(hours=Sum("workshop__hours"))
        .order_by()
    ):
        week = _week(
            row["user_id"],
            row["workshop__project_id"],
            row["week"],
            row["workshop__project__weekly_hours_cap"],
        )
        week.workshops += row["hours"]
    if not weeks:
        return []
    # Workshop hours belong to the person's team in that project (their approved
    # membership; one live membership per person and project).
    pairs = {(w.user_id, w.project_id) for w in weeks.values() if w.team_id is None}
    if pairs:
        teams = {
            (m["user_id"], m["project_id"]): m["team_id"]
            for m in Membership.objects.filter(
                user_id__in={u for u, _p in pairs},
                project_id__in={p for _u, p in pairs},
                status=Membership.Status.APPROVED,
            ).values("user_id", "project_id", "team_id")
        }
        for week in weeks.values():
            if week.team_id is None:
                week.team_id = teams.get((week.user_id, week.project_id))
    return sorted(weeks.values(), key=lambda w: (-w.starts_on.toordinal(), w.user_id, w.project_id))


def _attach(weeks: list[WeekTotal]) -> list[WeekTotal]:
    """Load the people (with department), projects and teams the weeks name: three
    queries at most."""
    users = User.objects.select_related("department").in_bulk({w.user_id for w in weeks})
    projects = Project.objects.in_bulk({w.project_id for w in weeks})
    teams = Team.objects.in_bulk({w.team_id for w in weeks if w.team_id})
    for week in weeks:
        week.user = users.get(week.user_id)
        week.project = projects.get(week.project_id)
        week.team = teams.get(week.team_id)
    return weeks


# --- the member ------------------------------------------------------------------------


def hours_years_of(user: User) -> list[int]:
    """The fiscal years in which `user` was an approved member, newest first."""
    return list(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED)
        .order_by("-project__fiscal_year")
        .values_list("project__fiscal_year", flat=True)
        .distinct()
    )


def loggable_memberships(user: User) -> QuerySet[Membership]:
    """The approved memberships of approved teams of projects not closed: where `user`
    may log hours now."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            user=user, status=Membership.Status.APPROVED, team__status=Team.Status.APPROVED
        )
        .exclude(project__status__in=(Project.Status.DRAFT, Project.Status.CLOSED))
        .select_related("team__project")
        .order_by("-project__fiscal_year", "team__name")
    )


def my_weeks(user: User, *, fiscal_year: int | None) -> list[WeekTotal]:
    return _attach(weekly_totals(user_ids=[user.pk], fiscal_year=fiscal_year))


def my_logs(user: User, *, fiscal_year: int | None) -> QuerySet[ActivityLog]:
    logs = ActivityLog.objects.filter(user=user).select_related("team", "project")
    if fiscal_year:
        logs = logs.filter(project__fiscal_year=fiscal_year)
    return logs.order_by("-worked_on", "-pk")


def own_log(user: User, pk: int) -> ActivityLog:
    """`user`'s own entry `pk`; 404 for anyone else's."""
    return get_object_or_404(
        ActivityLog.objects.select_related("team", "project"), pk=pk, user=user
    )


# --- the 所属長 -------------------------------------------------------------------------


def staff_weeks(head: User, *, fiscal_year: int | None) -> tuple[list[Department], list[WeekTotal]]:
    """The departments `head` is 所属長 of, and the weeks of the people in them (never
    the head's own, never anyone else's)."""
    department_ids = department_ids_headed_by(head)
    if not department_ids:
        return [], []
    departments = list(Department.objects.filter(pk__in=department_ids).order_by("code"))
    people = (
        User.objects.filter(department_id__in=department_ids, is_active=True)
        .exclude(pk=head.pk)
        .values("pk")
    )
    weeks = _attach(weekly_totals(user_ids=people, fiscal_year=fiscal_year))
    weeks.sort(
        key=lambda w: (
            w.user.last_name_kana if w.user else "",
            w.user.first_name_kana if w.user else "",
            w.user_id,
            -w.starts_on.toordinal(),
            w.project_id,
        )
    )
    return departments, weeks


# --- the organiser -----------------------------------------------------------------------


def hours_fiscal_years() -> list[int]:
    """Fiscal years of non-draft projects, newest first."""
    return list(
        Project.objects.exclude(status=Project.Status.DRAFT)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def default_hours_year() -> int | None:
    """The newest fiscal year with logged hours, else the newest non-draft project's."""
    year = ActivityLog.objects.aggregate(year=Max("project__fiscal_year"))["year"]
    if year:
        return year
    years = hours_fiscal_years()
    return years[0] if years else None


@dataclass
class Totals:
    """Hours summed over people and weeks: a team's or a department's."""

    key: object
    label: str
    project: Project | None = None
    people: set = field(default_factory=set)
    logged: Decimal = ZERO
    workshops: Decimal = ZERO
    over_weeks: int = 0

    @property
    def total(self) -> Decimal:
        return self.logged + self.workshops

    @property
    def people_count(self) -> int:
        return len(self.people)

    def add(self, week: WeekTotal) -> None:
        self.people.add(week.user_id)
        self.logged += week.logged
        self.workshops += week.workshops
        self.over_weeks += week.over


def programme_hours(*, fiscal_year: int | None) -> dict:
    """The organiser's totals for a fiscal year: every week (with person, project and
    team), totals per team and per department (the person's current 所属)."""
    weeks = _attach(weekly_totals(fiscal_year=fiscal_year))
    by_team: dict[object, Totals] = {}
    by_department: dict[object, Totals] = {}
    for week in weeks:
        team_key = week.team_id or ("none", week.project_id)
        if team_key not in by_team:
            by_team[team_key] = Totals(
                team_key, week.team.name if week.team else "—", project=week.project
            )
        by_team[team_key].add(week)
        department = week.user.department if week.user else None
        department_key = department.pk if department else None
        if department_key not in by_department:
            by_department[department_key] = Totals(
                department_key, department.name if department else "—"
            )
        by_department[department_key].add(week)
    weeks.sort(
        key=lambda w: (
            w.project.title if w.project else "",
            w.user.employee_number if w.user else "",
            w.user_id,
            w.starts_on,
        )
    )
    return {
        "weeks": weeks,
        "teams": sorted(
            by_team.values(), key=lambda t: (t.project.title if t.project else "", t.label)
        ),
        "departments": sorted(by_department.values(), key=lambda d: d.label),
    }


# --- the over-cap check (for the services) ----------------------------------------------


def week_total_of(*, user_id: int, project: Project, starts_on: datetime.date) -> Decimal:
    """One person's total in one project's week: logged plus attended workshops."""
    ends_on = starts_on + datetime.timedelta(days=6)
    logged = ActivityLog.objects.filter(
        user_id=user_id, project=project, worked_on__range=(starts_on, ends_on)
    ).aggregate(total=Sum("hours"))["total"]
    workshops = Attendance.objects.filter(
        Q(workshop__held_on__range=(starts_on, ends_on)),
        user_id=user_id,
        attended=True,
        workshop__project=project,
    ).aggregate(total=Sum("workshop__hours"))["total"]
    return (logged or ZERO) + (workshops or ZERO)
