"""Reads for certification: gathering the rules engine's input, and the pages' data.

Long because (about 610 lines) `gather` is one read path with its options: ranges of
people for the streamed recompute, the normalised scores, the training requirements,
the leader at the report meeting, the early leavers. The pages' reads share its
team/score shapes; the credentials have their own `credentials/selectors.py`. The next
split is `gather` and its helpers into a `selectors/gather.py` module.

`gather()` turns the database into the plain data `certification.rules.decide` takes, in a
FIXED number of set-based queries whatever the number of people (five reads, see below).
It never instantiates evaluations: scores come back as `values_list` tuples and are
streamed with `iterator()`, only the columns needed, each score row read once.

Decisions worth knowing:

- Participations are APPROVED memberships (leader or member) of APPROVED teams; the
  fiscal year is the team's project's 年度.
- Report scores: every policy / technical evaluation of a presentation of the team at a
  CLOSED report meeting of any project. If a team presented at several closed meetings
  (e.g. an interim and a final report meeting), all those evaluations count, but as ONE
  score per evaluator and perspective (the mean of that evaluator's evaluations): the
  minimum numbers of raters are numbers of people (domain: "evaluators"), so one
  executive who scored the team twice is one rater, not two.
  Evaluations of open or scheduled meetings are ignored (scores are not final yet).
- Leadership scores: leadership evaluations of the team, counted only when the project's
  leadership window is CLOSED, and only for the team's leader — after a leader change,
  the one who led at the team's report meeting (its `LeaderTerm`; the evidence records
  that date as `leader_at_meeting`). Decision record 0024.
- Early leavers (decision record 0024): a membership ended (`ended_on`, the last day
  taken part) before the team's report meeting date — or with no meeting yet — is no
  participation. Leave (休止) changes nothing here.
- Rule sets: every `RuleSet` row (Decimal → float); a 年度 without a row uses the defaults
  of `rules.RuleSet`.
- Judge severity (decision record 0022): for a 年度 whose rule set has
  `score_basis = normalised`, a sixth query reads every evaluation of the closed meetings
  those teams presented at (the whole meeting: a rater's severity is measured over every
  team they scored), `evaluations.normalisation` normalises each meeting × perspective,
  and the participations carry the normalised scores beside the raw ones (reduced to
  one per evaluator the same way). A year with the raw basis costs nothing extra.
- Prior awards: HELD (active or flagged) MANUAL certifications. Automatic ones are not
  prior: they are what `decide` must reproduce.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext

from accounts.models import User
from evaluations.models import (
    REPORT_PERSPECTIVES,
    Evaluation,
    LeadershipWindow,
    Perspective,
    ReportMeeting,
)
from evaluations.normalisation import normalise_groups
from evaluations.selectors.leadership import report_meeting_on
from projects.models import LeaderTerm, MeasuredEffect, Membership, Team
from training import selectors as training_selectors

from . import rules
from .models import Certification, DecisionLine, Level, RuleSet

#: Rows fetched per round trip when streaming large result sets.
ITERATOR_CHUNK = 10000

#: A range of user ids, [low, high): what one slice of a streamed recompute reads.
IdRange = tuple[int, int]


@dataclass
class TeamInfo:
    name: str
    project_title: str
    fiscal_year: int


@dataclass
class Gathered:
    """The engine's input for a set of people.

    `participations` and `prior` are keyed by user id; `teams` describes every team that
    appears, for readable evidence.
    """

    participations: dict[int, list[rules.Participation]] = field(default_factory=dict)
    prior: dict[int, list[rules.PriorAward]] = field(default_factory=dict)
    rule_sets: dict[int, rules.RuleSet] = field(default_factory=dict)
    teams: dict[int, TeamInfo] = field(default_factory=dict)
    #: Verified qualification/course keys per user id (training app); read only when a
    #: rule set requires one, so without requirements `gather` costs what it did.
    credentials: dict[int, frozenset[str]] = field(default_factory=dict)


def rule_sets() -> dict[int, rules.RuleSet]:
    """Every 年度's rule set as the engine's dataclass (one query)."""
    result = {}
    for row in RuleSet.objects.values(
        "fiscal_year",
        "report_threshold",
        "leadership_threshold",
        "policy_weight",
        "technical_weight",
        "min_policy_raters",
        "min_technical_raters",
        "min_leadership_raters",
        "requirements",
        "score_basis",
    ):
        result[row["fiscal_year"]] = rules.RuleSet(
            fiscal_year=row["fiscal_year"],
            report_threshold=float(row["report_threshold"]),
            leadership_threshold=float(row["leadership_threshold"]),
            policy_weight=float(row["policy_weight"]),
            technical_weight=float(row["technical_weight"]),
            min_policy_raters=row["min_policy_raters"],
            min_technical_raters=row["min_technical_raters"],
            min_leadership_raters=row["min_leadership_raters"],
            requirements=row["requirements"] or {},
            score_basis=row["score_basis"],
        )
    return result


def _closed_report_evaluations():
    return Evaluation.objects.filter(
        perspective__in=REPORT_PERSPECTIVES,
        presentation__meeting__status=ReportMeeting.Status.CLOSED,
    )


def _report_scores_by_team(report) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """Policy and technical scores per team from report evaluations: ONE score per
    evaluator and perspective (the mean of their evaluations of the team), streamed."""
    report_rows = report.values_list(
        "presentation__team_id", "perspective", "evaluator_id", "score"
    ).order_by()
    by_rater: dict[tuple[int, str, int], list[float]] = defaultdict(list)
    for team_id, perspective, evaluator_id, score in report_rows.iterator(
        chunk_size=ITERATOR_CHUNK
    ):
        by_rater[(team_id, perspective, evaluator_id)].append(float(score))
    return _one_per_rater(by_rater)


def _closed_meetings_of(team_ids):
    """Closed meetings at which any of `team_ids` (ids or a subquery) presented."""
    return ReportMeeting.objects.filter(
        status=ReportMeeting.Status.CLOSED, presentations__team_id__in=team_ids
    ).values("pk")


def _normalised_scores_by_team(meetings) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """Like `_report_scores_by_team`, with each score normalised per rater within its
    meeting and perspective (`evaluations.normalisation`). Every evaluation of
    `meetings` is read (one query), whichever teams are asked about."""
    rows = (
        Evaluation.objects.filter(
            perspective__in=REPORT_PERSPECTIVES, presentation__meeting__in=meetings
        )
        .values_list(
            "presentation__meeting_id",
            "perspective",
            "evaluator_id",
            "presentation__team_id",
            "score",
        )
        .order_by()
    )
    by_rater: dict[tuple[int, str, int], list[float]] = defaultdict(list)
    for (_meeting, perspective), result in normalise_groups(
        rows.iterator(chunk_size=ITERATOR_CHUNK)
    ).items():
        for (evaluator_id, team_id), score in result.scores.items():
            by_rater[(team_id, perspective, evaluator_id)].append(score)
    return _one_per_rater(by_rater)


def _one_per_rater(
    by_rater: dict[tuple[int, str, int], list[float]],
) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    policy: dict[int, list[float]] = defaultdict(list)
    technical: dict[int, list[float]] = defaultdict(list)
    policy_code = Perspective.POLICY.value
    for (team_id, perspective, _evaluator), scores in by_rater.items():
        score = scores[0] if len(scores) == 1 else math.fsum(scores) / len(scores)
        (policy if perspective == policy_code else technical)[team_id].append(score)
    return policy, technical


@dataclass(frozen=True)
class ReportResult:
    """A team's 報告会 score as certification counts it, with the threshold it met or not.

    `state` is rules.MET / UNMET / PENDING (pending: too few raters at closed meetings).
    `score` is on the rule set's score basis; with `compare`, `raw_*` and `normalised_*`
    hold both bases (decision record 0022)."""

    score: float | None
    threshold: float
    state: str
    policy_raters: int
    technical_raters: int
    rule_set: rules.RuleSet
    raw_score: float | None = None
    raw_state: str | None = None
    normalised_score: float | None = None
    normalised_state: str | None = None

    @property
    def score_basis(self) -> str:
        return self.rule_set.score_basis

    @property
    def basis_changes_outcome(self) -> bool:
        """Pass on one basis and fail on the other (both known, neither pending)."""
        states = {self.raw_state, self.normalised_state}
        return states == {rules.MET, rules.UNMET}


def report_results(*, teams: Iterable[Team], compare: bool = False) -> dict[int, ReportResult]:
    """The combined report score of each team (policy and technical means weighted by the
    team's 年度 rule set, closed meetings only), exactly as the recompute decides it.

    Two queries for any number of teams: the evaluations and the rule sets; a third (every
    evaluation of those closed meetings) when a team's 年度 uses normalised scores or with
    `compare`, which also fills both bases' scores and states. Each team needs
    `project.fiscal_year` loaded (select_related) by the caller."""
    teams = list(teams)
    if not teams:
        return {}
    ids = [t.pk for t in teams]
    policy, technical = _report_scores_by_team(
        _closed_report_evaluations().filter(presentation__team_id__in=ids)
    )
    sets = rule_sets()
    normalised_years = {y for y, r in sets.items() if r.score_basis == rules.NORMALISED}
    n_policy: dict[int, list[float]] = {}
    n_technical: dict[int, list[float]] = {}
    if compare or any(t.project.fiscal_year in normalised_years for t in teams):
        n_policy, n_technical = _normalised_scores_by_team(_closed_meetings_of(ids))
    result = {}
    for team in teams:
        year = team.project.fiscal_year
        rule_set = sets.get(year) or rules.RuleSet(fiscal_year=year)
        participation = rules.Participation(
            fiscal_year=year,
            team=team.pk,
            role=rules.MEMBER,
            policy_scores=policy.get(team.pk, ()),
            technical_scores=technical.get(team.pk, ()),
            normalised_policy_scores=n_policy.get(team.pk, ()),
            normalised_technical_scores=n_technical.get(team.pk, ()),
        )
        score = rules.report_score(participation, rule_set)
        both = {}
        if compare:
            for basis in rules.SCORE_BASES:
                basis_rules = dataclasses.replace(rule_set, score_basis=basis)
                value = rules.report_score(participation, basis_rules)
                both[f"{basis}_score"] = value
                both[f"{basis}_state"] = rules.report_state(value, basis_rules)
        result[team.pk] = ReportResult(
            score=score,
            threshold=rule_set.report_threshold,
            state=rules.report_state(score, rule_set),
            policy_raters=len(participation.policy_scores),
            technical_raters=len(participation.technical_scores),
            rule_set=rule_set,
            **both,
        )
    return result


def _approved_memberships(user_ids: Iterable[int] | None, id_range: IdRange | None = None):
    qs = Membership.objects.filter(
        status=Membership.Status.APPROVED, team__status=Team.Status.APPROVED
    )
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    if id_range is not None:
        qs = qs.filter(user_id__gte=id_range[0], user_id__lt=id_range[1])
    return qs


def _meeting_and_leader() -> dict:
    """Annotations of a membership query (issue 14): `met_on`, the team's report meeting
    date, and `led_then`, who led at that date when the team's leader ever changed
    (its `LeaderTerm`), else None."""
    led = LeaderTerm.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=OuterRef("met_on")),
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("met_on")),
        team_id=OuterRef("team_id"),
    ).values("user_id")[:1]
    return {"met_on": report_meeting_on("team_id"), "led_then": Subquery(led)}


def gather(
    *, user_ids: Iterable[int] | None = None, id_range: IdRange | None = None
) -> Gathered:
    """Participations, prior awards and rule sets for `user_ids` (None: everyone), or
    only for the people whose id is in `id_range` = [low, high) (the streamed recompute
    reads one such range at a time, so its memory is bounded by the range, not the
    programme). Both filters may be given.

    Five queries, whatever the number of people or teams: memberships, report scores,
    leadership scores, rule sets, manual certifications (a sixth, the normalised report
    scores, only when a 年度's rule set uses them). For given people, the team
    filter of the two score queries is a subquery of the membership query, so no id list
    travels twice; for everyone there is no filter at all (scores of a team nobody is an
    approved member of are read and ignored, which is cheaper than a semi-join).
    Every score row is read once; the people of one team share one `Participation` per
    role (it is immutable).
    """
    if user_ids is not None:
        user_ids = list(user_ids)
    memberships = _approved_memberships(user_ids, id_range)
    # Scoped to some people: the score queries read only their teams' rows.
    scoped = user_ids is not None or id_range is not None
    result = Gathered()

    # 1. Memberships → (user, team, role, 年度), with the team's name for the evidence.
    # Issue 14: the team's report meeting date, and who led then if the leader changed.
    rows = (
        memberships.annotate(**_meeting_and_leader())
        .values_list(
            "user_id",
            "team_id",
            "role",
            "team__project__fiscal_year",
            "team__name",
            "team__project__title",
            "ended_on",
            "met_on",
            "led_then",
        )
        .order_by()
    )
    member_rows: list[tuple[int, int, str, int, str | None]] = []
    teams = result.teams
    for (
        user_id,
        team_id,
        role,
        year,
        team_name,
        project_title,
        ended_on,
        met_on,
        led_then,
    ) in rows.iterator(chunk_size=ITERATOR_CHUNK):
        if ended_on is not None and (met_on is None or ended_on < met_on):
            continue  # left before the report meeting: no participation (0024)
        led_on = None
        if led_then is not None:
            is_leader = user_id == led_then
            role = Membership.Role.LEADER if is_leader else Membership.Role.MEMBER
            led_on = met_on.isoformat() if is_leader else None
        member_rows.append((user_id, team_id, role, year, led_on))
        if team_id not in teams:
            teams[team_id] = TeamInfo(team_name, project_title, year)

    # 2. Report scores at CLOSED meetings: one score per evaluator and perspective (the
    # mean of their evaluations if the team presented at several closed meetings), so
    # the minimum numbers of raters count people, not evaluations.
    report = _closed_report_evaluations()
    if scoped:
        report = report.filter(presentation__team_id__in=memberships.order_by().values("team_id"))
    policy, technical = _report_scores_by_team(report)

    # 4. Rule sets (a handful of rows), and for the 年度 that certify on normalised
    # scores, (6.) those scores: every evaluation of the closed meetings their teams (of
    # these people) presented at.
    result.rule_sets = rule_sets()
    normalised_years = sorted(
        y for y, r in result.rule_sets.items() if r.score_basis == rules.NORMALISED
    )
    n_policy: dict[int, list[float]] = {}
    n_technical: dict[int, list[float]] = {}
    if normalised_years:
        teams_of_years = memberships.filter(team__project__fiscal_year__in=normalised_years)
        n_policy, n_technical = _normalised_scores_by_team(
            _closed_meetings_of(teams_of_years.order_by().values("team_id"))
        )

    # 3. Leadership scores of teams whose project's window is CLOSED.
    leadership: dict[int, list[float]] = defaultdict(list)
    lead = Evaluation.objects.filter(
        perspective=Perspective.LEADERSHIP,
        team__project__leadership_window__status=LeadershipWindow.Status.CLOSED,
    )
    if scoped:
        lead = lead.filter(team_id__in=memberships.order_by().values("team_id"))
    for team_id, score in (
        lead.values_list("team_id", "score").order_by().iterator(chunk_size=ITERATOR_CHUNK)
    ):
        leadership[team_id].append(float(score))

    shared: dict[tuple[int, bool], rules.Participation] = {}
    participations = result.participations
    for user_id, team_id, role, year, led_on in member_rows:
        is_leader = role == Membership.Role.LEADER
        participation = shared.get((team_id, is_leader))
        if participation is None:
            participation = shared[(team_id, is_leader)] = rules.Participation(
                fiscal_year=year,
                team=team_id,
                role=rules.LEADER if is_leader else rules.MEMBER,
                policy_scores=policy.get(team_id, ()),
                technical_scores=technical.get(team_id, ()),
                leadership_scores=leadership.get(team_id, ()) if is_leader else (),
                normalised_policy_scores=n_policy.get(team_id, ()),
                normalised_technical_scores=n_technical.get(team_id, ()),
                led_on=led_on,
            )
        if user_id in participations:
            participations[user_id].append(participation)
        else:
            participations[user_id] = [participation]

    # 5. Manual held certifications → prior awards.
    manual = Certification.objects.filter(
        source=Certification.Source.MANUAL, status__in=Certification.HELD
    )
    if user_ids is not None:
        manual = manual.filter(user_id__in=user_ids)
    if id_range is not None:
        manual = manual.filter(user_id__gte=id_range[0], user_id__lt=id_range[1])
    for user_id, level, year in manual.values_list("user_id", "level", "fiscal_year").order_by():
        result.prior.setdefault(user_id, []).append(rules.PriorAward(rules.Level(level), year))

    # 6. Verified qualifications and courses, only when some 年度 requires one.
    if any(rule_set.requirements for rule_set in result.rule_sets.values()):
        result.credentials = training_selectors.verified_keys(user_ids=user_ids)
    return result


def revocation_floor(levels_and_statuses: Iterable[tuple[int, str]]) -> int | None:
    """One person's certifications as (level, status) → the lowest level HR revoked that
    they do not hold again, or None. The machine awards neither that level nor any level
    above it ("certified first, then lead": an Expert cannot stand on a revoked Advisor);
    HR's revocation stands until HR grants by hand."""
    rows = list(levels_and_statuses)
    held = {int(level) for level, status in rows if status in Certification.HELD}
    revoked = [
        int(level)
        for level, status in rows
        if status == Certification.Status.REVOKED and int(level) not in held
    ]
    return min(revoked, default=None)


def decide_for(
    *, user: User, certifications: Iterable[Certification]
) -> tuple[rules.Outcome, Gathered]:
    """The live outcome for one person (five queries), as the recompute sees it, with
    everything they hold (`certifications`, manual and automatic) as prior: `progress` is
    the checklist to the next level, and any `awards` are what the next recompute adds."""
    data = gather(user_ids=[user.pk])
    prior = [
        rules.PriorAward(rules.Level(c.level), c.fiscal_year)
        for c in certifications
        if c.status in Certification.HELD
    ]
    outcome = rules.decide(
        data.participations.get(user.pk, []),
        data.rule_sets,
        prior,
        credentials=data.credentials.get(user.pk, ()),
    )
    return outcome, data


# --- pages ----------------------------------------------------------------------------


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
