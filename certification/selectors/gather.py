"""`gather()` turns the database into the plain data `certification.rules.decide` takes.

In a FIXED number of set-based queries whatever the number of people (six reads, see
below). It never instantiates evaluations: the score lists per team come from
`scores.py` (grouped by PostgreSQL, or streamed and grouped in Python on SQLite), each
score row read once.

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
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, F, Q, When

from accounts.models import User
from evaluations.selectors.leadership import report_meeting_on
from projects.models import LeaderTerm, Membership, Team
from training import selectors as training_selectors

from .. import rules
from ..models import Certification, RuleSet
from .scores import (
    ITERATOR_CHUNK,
    closed_leadership_evaluations,
    closed_meetings_of,
    closed_report_evaluations,
    leadership_scores_by_team,
    normalised_scores_by_team,
    report_scores_by_team,
)

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
    policy, technical = report_scores_by_team(
        closed_report_evaluations().filter(presentation__team_id__in=ids)
    )
    sets = rule_sets()
    normalised_years = {y for y, r in sets.items() if r.score_basis == rules.NORMALISED}
    n_policy: dict[int, list[float]] = {}
    n_technical: dict[int, list[float]] = {}
    if compare or any(t.project.fiscal_year in normalised_years for t in teams):
        n_policy, n_technical = normalised_scores_by_team(closed_meetings_of(ids))
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


def _left_on_and_met_on():
    """`met_on` for a membership query: the team's report meeting date, asked only of
    memberships that ended (`ended_on`), the one case it decides (issue 14). PostgreSQL
    runs the subquery only for those rows."""
    return Case(When(ended_on__isnull=False, then=report_meeting_on("team_id")))


def _leaders_at_meeting(team_ids) -> dict[int, tuple[int, datetime.date | None]]:
    """Teams (of `team_ids`, ids or a subquery) whose leader changed: team → (who led at
    the team's report meeting, that date), by their `LeaderTerm`s (decision record 0024;
    one query). A team whose leader never changed has no term and is not here."""
    terms = (
        LeaderTerm.objects.filter(team_id__in=team_ids)
        .annotate(met_on=report_meeting_on("team_id"))
        .filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=F("met_on")),
            Q(ends_on__isnull=True) | Q(ends_on__gte=F("met_on")),
        )
        .order_by("team_id", F("starts_on").asc(nulls_first=True), "pk")
        .values_list("team_id", "user_id", "met_on")
    )
    leaders: dict[int, tuple[int, datetime.date | None]] = {}
    for team_id, user_id, met_on in terms:
        leaders.setdefault(team_id, (user_id, met_on))
    return leaders


def gather(*, user_ids: Iterable[int] | None = None, id_range: IdRange | None = None) -> Gathered:
    """Participations, prior awards and rule sets for `user_ids` (None: everyone), or
    only for the people whose id is in `id_range` = [low, high) (the streamed recompute
    reads one such range at a time, so its memory is bounded by the range, not the
    programme). Both filters may be given.

    Six queries, whatever the number of people or teams: memberships, the leaders at
    the report meeting of teams whose leader changed, report scores, leadership scores,
    rule sets, manual certifications (a seventh, the normalised report scores, only when
    a 年度's rule set uses them). For given people, the team
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
    # Issue 14: an ended membership's team's report meeting date, and (1b.) who led at
    # the meeting of the teams whose leader changed.
    rows = (
        memberships.annotate(met_on=_left_on_and_met_on())
        .values_list(
            "user_id",
            "team_id",
            "role",
            "team__project__fiscal_year",
            "team__name",
            "team__project__title",
            "ended_on",
            "met_on",
        )
        .order_by()
    )
    leaders = _leaders_at_meeting(memberships.order_by().values("team_id"))
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
    ) in rows.iterator(chunk_size=ITERATOR_CHUNK):
        if ended_on is not None and (met_on is None or ended_on < met_on):
            continue  # left before the report meeting: no participation (0024)
        led_on = None
        if team_id in leaders:
            led_then, led_date = leaders[team_id]
            is_leader = user_id == led_then
            role = Membership.Role.LEADER if is_leader else Membership.Role.MEMBER
            led_on = led_date.isoformat() if is_leader and led_date else None
        member_rows.append((user_id, team_id, role, year, led_on))
        if team_id not in teams:
            teams[team_id] = TeamInfo(team_name, project_title, year)

    # 2. Report scores at CLOSED meetings: one score per evaluator and perspective (the
    # mean of their evaluations if the team presented at several closed meetings), so
    # the minimum numbers of raters count people, not evaluations.
    report = closed_report_evaluations()
    if scoped:
        report = report.filter(presentation__team_id__in=memberships.order_by().values("team_id"))
    policy, technical = report_scores_by_team(report)

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
        n_policy, n_technical = normalised_scores_by_team(
            closed_meetings_of(teams_of_years.order_by().values("team_id"))
        )

    # 3. Leadership scores of teams whose project's window is CLOSED.
    lead = closed_leadership_evaluations()
    if scoped:
        lead = lead.filter(team_id__in=memberships.order_by().values("team_id"))
    leadership = leadership_scores_by_team(lead)

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
    """The live outcome for one person (six queries), as the recompute sees it, with
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
