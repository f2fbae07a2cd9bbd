"""Demo report meetings and leadership evaluations for `manage.py seed_demo`.

Depends on the projects demo: for each of FY2022–FY2024 it takes the year's project in
status 報告会 (`reporting`, the first by pk) and its APPROVED teams, ordered by name. A
year without such a project is skipped; with no project at all, nothing happens.

Everything is written through the services, deterministically (each score comes from a
`random.Random` seeded with the year, team, rater and criterion), and idempotently:
meetings and windows are looked up by project, existing evaluations are left alone, and
a closed meeting or window is never touched again.

Per year:
- a report meeting 「令和N年度 BPRプロジェクト 報告会」 on 10 February of the following
  calendar year at 真岡市役所 大会議室, every approved team presenting (in name order),
  opened, scored, and closed that afternoon by organiser 10001;
- raters: FY2022 executives 90001–90003 and expert mori; FY2023 executives 90001–90004
  and both experts (mori, hasegawa); FY2024 executives 90001–90005 and both experts;
- a leadership window (closes 20 March) answered by every approved member of each team,
  plus, for the first team, one invited colleague of the leader's own department; then
  closed.

Target levels by team position (1st, 2nd, 3rd, 4th team in name order), as the mean of
the 1–5 criterion scores; the 0–100 score is (mean − 1) / 4 × 100, and the stored means
land within a few points of these targets:

| 年度 | report (policy and technical) | leadership |
|---|---|---|
| FY2022 | ≈83, ≈73, ≈50 (below 60), ≈70 | ≈80, ≈50 (below 60), ≈75, ≈70 |
| FY2023 | ≈85, ≈70, ≈45 (below 60), ≈73 | ≈83, ≈73, ≈75, ≈48 (below 60) |
| FY2024 | ≈80, ≈75, ≈68, ≈50 (below 60) | ≈78, ≈78, ≈75, ≈48 (below 60) |

Judge severity (decision record 0022): at the FY2024 meeting 90004 (藤田 修) scores
harshly and 90005 (前田 浩二) leniently. For each team and criterion the two draws are
pulled apart (the lower one point down, the higher one point up, within 1–5), so their
sum, and with it every team's raw policy mean, is exactly what it was without them
(the policy score is linear in the points: 5 × Σ weight × point − 25 with the default
weights): certification is unchanged; the results page's severity table shows them.

So, with the default rule set (report ≥ 60, leadership ≥ 60): the members and leaders of
teams 1, 2 and 4 (FY2022, FY2023) and 1–3 (FY2024) qualify for DXアドバイザー; the leader
of team 1 qualifies as a leader in every year (DXスペシャリスト for whoever leads the
first team in two consecutive years, DXエキスパート for a leader first certified Advisor in
an earlier year); the third team of FY2022/FY2023 and the fourth of FY2024 stay below 60,
and the second team's leader in FY2022 and FY2024 misses the leadership threshold.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from projects.models import Membership, Project, Team

from . import services
from .models import (
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
    Rubric,
)
from .selectors import closed_score_means, team_leader

YEARS = (2022, 2023, 2024)
SEED = 20240401

REPORT_TARGETS = {
    2022: [4.3, 3.9, 3.0, 3.8],
    2023: [4.4, 3.8, 2.8, 3.9],
    2024: [4.2, 4.0, 3.7, 3.0],
}
LEADERSHIP_TARGETS = {
    2022: [4.2, 3.0, 4.0, 3.8],
    2023: [4.3, 3.9, 4.0, 2.9],
    2024: [4.1, 4.1, 4.0, 2.9],
}
EXECUTIVES = {
    2022: ["90001", "90002", "90003"],
    2023: ["90001", "90002", "90003", "90004"],
    2024: ["90001", "90002", "90003", "90004", "90005"],
}
EXPERTS = {
    2022: ["mori@vendor.example.jp"],
    2023: ["mori@vendor.example.jp", "hasegawa@vendor.example.jp"],
    2024: ["mori@vendor.example.jp", "hasegawa@vendor.example.jp"],
}
#: The harsh and the lenient executive of the severity demo: (year, harsh, lenient).
SEVERITY = (2024, "90004", "90005")

COMMENTS = [
    "市民目線での効果が明確で、他課への展開も期待できる。",
    "現状分析が丁寧。効果の数値化をさらに進めるとよい。",
    "実現可能性の検討がやや不足している。",
    "デジタル技術の選定理由が分かりやすい。",
    "",
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _points(target: float, count: int, rng: random.Random) -> list[int]:
    """`count` integer scores 1–5 whose expected mean is `target` (stochastic rounding
    with a little spread, so raters do not all agree)."""
    result = []
    for _ in range(count):
        value = target + rng.choice((-0.5, 0, 0, 0.5))
        low = int(value)
        point = low + (1 if rng.random() < value - low else 0)
        result.append(max(1, min(5, point)))
    return result


def _scores(rubric: Rubric, target: float, seed: str) -> dict[int, int]:
    criteria = list(rubric.criteria.order_by("order"))
    rng = random.Random(f"{SEED}:{seed}")
    return {c.pk: p for c, p in zip(criteria, _points(target, len(criteria), rng), strict=True)}


def _pulled_apart(a: dict[int, int], b: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
    """(harsh, lenient) from two raters' points: per criterion the lower point goes down
    by one and the higher up by one where both stay within 1–5, so each criterion's sum
    of the two is unchanged."""
    harsh, lenient = {}, {}
    for pk in a:
        low, high = sorted((a[pk], b[pk]))
        step = min(1, low - 1, 5 - high)
        harsh[pk], lenient[pk] = low - step, high + step
    return harsh, lenient


def _key(user: User) -> str:
    """A natural key, so the scores do not depend on database ids."""
    return user.employee_number or user.email


def _organiser() -> User | None:
    return (
        User.objects.filter(employee_number="10001").first()
        or User.objects.in_role(Role.ORGANISER.value).order_by("pk").first()
    )


def seed() -> dict[str, int]:
    """Build (or leave as they are) the demo meetings and windows. Returns counts."""
    organiser = _organiser()
    if organiser is None:
        return {"meetings": 0, "evaluations": 0}
    before = Evaluation.objects.count()
    meetings = 0
    for year in YEARS:
        project = (
            Project.objects.filter(fiscal_year=year, status=Project.Status.REPORTING)
            .order_by("pk")
            .first()
        )
        if project is None:
            continue
        teams = list(
            Team.objects.filter(project=project, status=Team.Status.APPROVED).order_by("name", "pk")
        )
        if not teams:
            continue
        services.rubric_ensure_defaults(fiscal_year=year)
        _seed_meeting(year, project, teams, organiser)
        _seed_window(year, project, teams, organiser)
        meetings += 1
    return {"meetings": meetings, "evaluations": Evaluation.objects.count() - before}


def _seed_meeting(year: int, project: Project, teams: list[Team], organiser: User) -> None:
    held_on = datetime.date(year + 1, 2, 10)
    meeting = ReportMeeting.objects.filter(project=project).order_by("pk").first()
    if meeting is None:
        meeting = services.meeting_schedule(
            project=project,
            title=f"{project.title} 報告会",
            held_on=held_on,
            place="真岡市役所 大会議室",
            by=organiser,
        )
    if meeting.status == ReportMeeting.Status.CLOSED:
        return
    presented = set(meeting.presentations.values_list("team_id", flat=True))
    for team in teams:
        if team.pk not in presented:
            services.presentation_add(meeting=meeting, team=team, title=team.theme)
    services.meeting_open(meeting=meeting, by=organiser, now=_at(held_on, 13))

    rubrics = {
        p: Rubric.objects.get(fiscal_year=year, perspective=p)
        for p in (Perspective.POLICY, Perspective.TECHNICAL)
    }
    raters = [
        (u, Perspective.POLICY)
        for u in User.objects.filter(employee_number__in=EXECUTIVES[year]).order_by(
            "employee_number"
        )
    ] + [
        (u, Perspective.TECHNICAL)
        for u in User.objects.filter(email__in=EXPERTS[year]).order_by("email")
    ]
    presentations = {
        p.team_id: p for p in Presentation.objects.filter(meeting=meeting).select_related("team")
    }
    done = set(
        Evaluation.objects.filter(presentation__meeting=meeting).values_list(
            "evaluator_id", "presentation_id", "perspective"
        )
    )
    for index, team in enumerate(teams):
        presentation = presentations[team.pk]
        target = REPORT_TARGETS[year][index % len(REPORT_TARGETS[year])]
        conflicts = set(
            Membership.objects.filter(team=team, status__in=Membership.LIVE).values_list(
                "user_id", flat=True
            )
        )
        planned = {
            _key(rater): _scores(rubrics[perspective], target, f"{year}:{team.name}:{_key(rater)}")
            for rater, perspective in raters
        }
        severity_year, harsh, lenient = SEVERITY
        if year == severity_year and harsh in planned and lenient in planned:
            planned[harsh], planned[lenient] = _pulled_apart(planned[harsh], planned[lenient])
        for rater_index, (rater, perspective) in enumerate(raters):
            if rater.pk in conflicts or (rater.pk, presentation.pk, perspective) in done:
                continue
            services.evaluation_submit(
                evaluator=rater,
                perspective=perspective,
                presentation=presentation,
                scores=planned[_key(rater)],
                comment=COMMENTS[(index + rater_index) % len(COMMENTS)],
            )
    services.meeting_close(meeting=meeting, by=organiser, now=_at(held_on, 17))


def _colleague_of(leader: User, team: Team) -> User | None:
    if leader.department_id is None:
        return None
    busy = Membership.objects.filter(team__project=team.project, status__in=Membership.LIVE)
    return (
        User.objects.filter(
            department_id=leader.department_id, is_active=True, groups__name=Role.STAFF.value
        )
        .exclude(pk__in=busy.values("user_id"))
        .exclude(Q(groups__name=Role.ORGANISER.value) | Q(groups__name=Role.HR_ADMIN.value))
        .order_by("employee_number")
        .first()
    )


def _seed_window(year: int, project: Project, teams: list[Team], organiser: User) -> None:
    closes_on = datetime.date(year + 1, 3, 20)
    window = LeadershipWindow.objects.filter(project=project).first()
    if window is not None and window.status == LeadershipWindow.Status.CLOSED:
        return
    window = services.window_open(
        project=project,
        closes_on=closes_on,
        by=organiser,
        today=datetime.date(year + 1, 2, 20),
        now=_at(datetime.date(year + 1, 2, 20), 9),
    )
    rubric = Rubric.objects.get(fiscal_year=year, perspective=Perspective.LEADERSHIP)
    for index, team in enumerate(teams):
        leader = team_leader(team)
        if leader is None:
            continue
        if index == 0:
            colleague = _colleague_of(leader, team)
            if colleague is not None:
                services.invitation_add(team=team, user=colleague, by=organiser)
        raters = [
            m.user
            for m in Membership.objects.filter(
                team=team, status=Membership.Status.APPROVED, role=Membership.Role.MEMBER
            ).select_related("user")
        ] + [i.user for i in LeadershipInvitation.objects.filter(team=team).select_related("user")]
        done = set(
            Evaluation.objects.filter(team=team, perspective=Perspective.LEADERSHIP).values_list(
                "evaluator_id", flat=True
            )
        )
        target = LEADERSHIP_TARGETS[year][index % len(LEADERSHIP_TARGETS[year])]
        for rater in raters:
            if rater.pk in done:
                continue
            services.evaluation_submit(
                evaluator=rater,
                perspective=Perspective.LEADERSHIP,
                team=team,
                scores=_scores(rubric, target, f"L{year}:{team.name}:{_key(rater)}"),
            )
    services.window_close(window=window, by=organiser, now=_at(closes_on, 17))


def summary() -> list[dict]:
    """The seeded means per team and perspective (0–100, for the README and checks).
    Combining policy and technical into a report score is a certification rule
    (`certification.rules.report_score`), not repeated here."""
    means = closed_score_means(fiscal_years=YEARS)

    def mean(team_id: int, perspective: str) -> float | None:
        value = means.get(team_id, {}).get(perspective)
        return float(value) if value is not None else None

    rows = []
    for team in Team.objects.filter(project__fiscal_year__in=YEARS).select_related("project"):
        if team.pk not in means:
            continue
        rows.append(
            {
                "fiscal_year": team.project.fiscal_year,
                "team": team.name,
                "policy": mean(team.pk, Perspective.POLICY),
                "technical": mean(team.pk, Perspective.TECHNICAL),
                "leadership": mean(team.pk, Perspective.LEADERSHIP),
            }
        )
    return sorted(rows, key=lambda r: (r["fiscal_year"], r["team"]))
