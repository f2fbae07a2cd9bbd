"""Pure certification rules for the Moka City DX talent portal.

Long because it is the 認定基準 as code (about 880 lines, with the optional training
requirements and the normalised score basis of issues 12 and 14), kept whole on purpose:
the contract HR and auditors read end to end (data types, the three levels, the
checklist wording, validation), and the mutation run (`make mutate`) and the Django-free
test treat it as one unit. Splitting it would scatter one rule set across files a reader
must hold together.

This module is deliberately free of Django, the ORM and any I/O: it only uses the
standard library, so it can be unit- and property-tested in isolation and reused by
views, management commands and background jobs alike.

Levels, lowest first: DXアドバイザー (Advisor) < DXエキスパート (Expert) <
DXスペシャリスト (Specialist).  For one person, :func:`decide` turns that person's
team participations (with per-rater scores), the per-fiscal-year rule sets and any
prior awards into the new awards plus the conditions of the next level.

Invariants guaranteed by :func:`decide` (and checked by the property tests):

* **Pure and deterministic** - no global state, no clock, no randomness.
* **Order-independent** - inputs are sorted on a total key before use and means are
  computed with :func:`math.fsum`, so permuting participations, prior awards or
  per-rater score lists never changes the outcome.
* **Idempotent** - feeding the returned awards back in as prior awards yields no new
  awards and the same progress.
* **Never removes or re-grants prior levels** - a level in ``prior`` is never awarded
  again, and prior awards always count as held.
* **Monotone** - raising any score can never remove an awarded level.
* **Pending is not failure** - a score with too few raters is *pending*
  (``None``), never zero; a condition is "pending" when it is not met but would be
  met if every pending score turned out favourably.

Floating point: report and leadership scores are rounded to 9 decimal places so
that, e.g., policy 65 / technical 52.5 with weights 0.6 / 0.4 compares as exactly 60.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LEADER",
    "MEMBER",
    "MET",
    "NORMALISED",
    "PENDING",
    "RAW",
    "UNMET",
    "Award",
    "Condition",
    "Level",
    "Outcome",
    "Participation",
    "PriorAward",
    "RuleSet",
    "decide",
    "format_number",
    "leadership_score",
    "report_score",
    "report_state",
]

LEADER = "leader"
MEMBER = "member"
ROLES = (LEADER, MEMBER)

MET = "met"
UNMET = "unmet"
PENDING = "pending"
STATES = (MET, UNMET, PENDING)

#: Which perspective means the report score uses (RuleSet.score_basis): the raters' own
#: scores, or the scores normalised per rater (judge severity, decision record 0022).
RAW = "raw"
NORMALISED = "normalised"
SCORE_BASES = (RAW, NORMALISED)

#: Decimal places kept in computed scores (absorbs binary floating-point noise).
SCORE_DECIMALS = 9


class Level(enum.IntEnum):
    """Certification level; ordered so that ``ADVISOR < EXPERT < SPECIALIST``."""

    ADVISOR = 1
    EXPERT = 2
    SPECIALIST = 3

    @property
    def label(self) -> str:
        """Japanese display name, e.g. ``"DXアドバイザー"``."""
        return _LEVEL_LABELS[self]

    @property
    def code(self) -> str:
        """Stable ASCII code, e.g. ``"advisor"``."""
        return self.name.lower()

    @classmethod
    def from_code(cls, code: str) -> Level:
        """Inverse of :attr:`code`."""
        try:
            return cls[code.upper()]
        except KeyError:
            raise ValueError(f"unknown level code: {code!r}") from None


_LEVEL_LABELS = {
    Level.ADVISOR: "DXアドバイザー",
    Level.EXPERT: "DXエキスパート",
    Level.SPECIALIST: "DXスペシャリスト",
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, kw_only=True)
class RuleSet:
    """Rules applied to one fiscal year (年度).

    Thresholds are inclusive (``score >= threshold`` qualifies).  The report score is
    the weighted mean of the policy and technical perspective means, divided by the
    sum of the weights.  Each ``min_*_raters`` is at least 1.
    """

    fiscal_year: int
    report_threshold: float = 60.0
    leadership_threshold: float = 60.0
    policy_weight: float = 0.6
    technical_weight: float = 0.4
    min_policy_raters: int = 2
    min_technical_raters: int = 1
    min_leadership_raters: int = 2
    #: Per level code, the verified qualification/course keys of which the person must
    #: hold at least one to be awarded that level in this 年度 (e.g.
    #: ``{"expert": ("qualification:it_passport",)}``). Empty (the default): no
    #: requirement, and every decision is exactly what it was without this field.
    requirements: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: RAW (the default, as before) or NORMALISED: which perspective means the report
    #: score is computed from (`Participation.normalised_*_scores`).
    score_basis: str = RAW

    def __post_init__(self) -> None:
        if not _is_int(self.fiscal_year):
            raise ValueError(f"fiscal_year must be an int, got {self.fiscal_year!r}")
        object.__setattr__(self, "requirements", _requirements(self.requirements))
        if self.score_basis not in SCORE_BASES:
            raise ValueError(f"score_basis must be one of {SCORE_BASES}, got {self.score_basis!r}")
        for name in ("report_threshold", "leadership_threshold"):
            if not _is_finite_number(getattr(self, name)):
                raise ValueError(f"{name} must be a finite number")
        for name in ("policy_weight", "technical_weight"):
            value = getattr(self, name)
            if not _is_finite_number(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0")
        if self.policy_weight + self.technical_weight <= 0:
            raise ValueError("policy_weight + technical_weight must be > 0")
        for name in ("min_policy_raters", "min_technical_raters", "min_leadership_raters"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ValueError(f"{name} must be an int >= 1")

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable view (used in award evidence); a fresh dict each call."""
        return dict(self._as_dict)

    @functools.cached_property
    def _as_dict(self) -> dict[str, Any]:
        # Computed once per (immutable) instance: every award's evidence embeds it.
        # Per instance, not per equal value: RuleSet(report_threshold=60) equals
        # RuleSet(report_threshold=60.0) but their dicts differ (60 vs 60.0).
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        # Without requirements the evidence is the same as before the field existed.
        requirements = data.pop("requirements")
        if requirements:
            data["requirements"] = {level: list(keys) for level, keys in requirements}
        # The raw basis is what every rule set meant before the setting existed: left
        # out, so evidence written before and after reads the same (absent = raw).
        if data["score_basis"] == RAW:
            del data["score_basis"]
        return data

    def required_keys(self, level: Level) -> tuple[str, ...]:
        """The keys of which one is needed for ``level`` in this 年度; () when none."""
        return dict(self.requirements).get(level.code, ())


def _requirements(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Requirements as a sorted, hashable tuple of (level code, sorted keys); levels
    with no key are dropped. Accepts a mapping or such a tuple."""
    items = value.items() if isinstance(value, Mapping) else value
    result = []
    for level_code, keys in items:
        Level.from_code(level_code)  # raises ValueError for an unknown level
        if isinstance(keys, (str, bytes)):
            raise ValueError("requirements must map a level code to a sequence of keys")
        keys = tuple(sorted(set(keys)))
        if not all(isinstance(k, str) and k for k in keys):
            raise ValueError("requirement keys must be non-empty strings")
        if keys:
            result.append((level_code, keys))
    return tuple(sorted(result))


#: Default rules, used for labels when no fiscal year is involved at all.
_DEFAULTS = RuleSet(fiscal_year=0)


_PLAIN_NUMBERS = frozenset((int, float))


def _score_tuple(name: str, values: Iterable[float]) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of numbers")
    values = tuple(values)
    if not values:
        return ()
    # Fast path, checked on the aggregate (the recompute builds tens of thousands of
    # participations): plain ints/floats, min >= 0, max <= 100, and a finite sum (a NaN
    # anywhere makes the sum NaN, and then min/max cannot be trusted). Anything else
    # goes through the element-by-element check below, which names the bad value.
    types = set(map(type, values))
    if (
        types <= _PLAIN_NUMBERS
        and min(values) >= 0
        and max(values) <= 100
        and math.isfinite(sum(values))
    ):
        return values if types == {float} else tuple(map(float, values))
    result = []
    for value in values:
        if not _is_finite_number(value) or not 0 <= value <= 100:
            raise ValueError(f"{name} must contain numbers in 0..100, got {value!r}")
        result.append(float(value))
    return tuple(result)


@dataclass(frozen=True)
class Participation:
    """One person's participation in one team in one fiscal year.

    Score fields hold per-rater 0-100 scores.  Lists are accepted and stored as
    tuples of floats, so instances stay hashable.  ``leadership_scores`` are only
    meaningful for leaders (ignored for members).

    ``normalised_policy_scores`` / ``normalised_technical_scores``: the same raters'
    scores normalised per rater (judge severity), needed only when the year's rule set
    has ``score_basis == NORMALISED``; empty, or one per raw score.
    """

    fiscal_year: int
    team: Hashable
    role: str
    policy_scores: Sequence[float] = ()
    technical_scores: Sequence[float] = ()
    leadership_scores: Sequence[float] = ()
    normalised_policy_scores: Sequence[float] = ()
    normalised_technical_scores: Sequence[float] = ()
    # Issue 14: for a leader of a team whose leader changed, the report meeting date
    # (ISO) at which they led, so the evidence says whom the window evaluated.
    led_on: str | None = None

    def __post_init__(self) -> None:
        if not _is_int(self.fiscal_year):
            raise ValueError(f"fiscal_year must be an int, got {self.fiscal_year!r}")
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {self.role!r}")
        hash(self.team)  # raises TypeError for unhashable team ids
        for name in ("policy_scores", "technical_scores", "leadership_scores"):
            object.__setattr__(self, name, _score_tuple(name, getattr(self, name)))
        for kind in ("policy", "technical"):
            name = f"normalised_{kind}_scores"
            values = _score_tuple(name, getattr(self, name))
            if values and len(values) != len(getattr(self, f"{kind}_scores")):
                raise ValueError(f"{name} must have one score per {kind} score")
            object.__setattr__(self, name, values)

    @property
    def is_leader(self) -> bool:
        return self.role == LEADER


@dataclass(frozen=True)
class PriorAward:
    """A level already held (previously computed or granted manually by HR)."""

    level: Level
    fiscal_year: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level(self.level))
        if not _is_int(self.fiscal_year):
            raise ValueError(f"fiscal_year must be an int, got {self.fiscal_year!r}")


@dataclass(frozen=True)
class Award:
    """A newly awarded level.

    ``evidence`` is plain JSON-serialisable data explaining the decision; it is
    excluded from hashing (it is a dict) but included in equality.
    """

    level: Level
    fiscal_year: int
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Condition:
    """One requirement of the next level, for progress display.

    ``state`` is ``"met"``, ``"unmet"`` or ``"pending"``.  ``label`` is a Japanese
    sentence with the numbers filled in; ``params`` carries the same numbers so a UI
    can build its own translation.
    """

    code: str
    label: str
    state: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"state must be one of {STATES}, got {self.state!r}")


@dataclass
class Outcome:
    """Result of :func:`decide`.

    ``awards``: new awards, at most one per level, sorted by level.
    ``progress``: conditions of the level above the highest level held
    (prior ∪ awards); empty once Specialist is held.
    """

    awards: list[Award] = field(default_factory=list)
    progress: list[Condition] = field(default_factory=list)

    def award_for(self, level: Level) -> Award | None:
        """The award of ``level`` in this outcome, if any."""
        return next((a for a in self.awards if a.level == level), None)


# --------------------------------------------------------------------------- scores


def _round(value: float) -> float:
    return round(value, SCORE_DECIMALS)


def _mean(values: Sequence[float]) -> float | None:
    """Order-independent mean (``math.fsum`` is exactly rounded); None if empty."""
    if not values:
        return None
    return _round(math.fsum(values) / len(values))


def report_score(p: Participation, rule_set: RuleSet) -> float | None:
    """Weighted report score of ``p``'s team, or None while pending.

    Pending when the policy or technical perspective has fewer raters than the
    rule set's minimum.  Otherwise
    ``(policy_mean * wp + technical_mean * wt) / (wp + wt)``, the means of the raw
    scores or, with ``score_basis == NORMALISED``, of the normalised ones (ValueError
    when those were not given).
    """
    if (
        len(p.policy_scores) < rule_set.min_policy_raters
        or len(p.technical_scores) < rule_set.min_technical_raters
    ):
        return None
    policy_scores, technical_scores = _basis_scores(p, rule_set)
    policy = math.fsum(policy_scores) / len(policy_scores)
    technical = math.fsum(technical_scores) / len(technical_scores)
    total_weight = rule_set.policy_weight + rule_set.technical_weight
    return _round(
        math.fsum(
            (
                policy * (rule_set.policy_weight / total_weight),
                technical * (rule_set.technical_weight / total_weight),
            )
        )
    )


def _basis_scores(
    p: Participation, rule_set: RuleSet
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The policy and technical scores the rule set's score basis reads."""
    if rule_set.score_basis == RAW:
        return p.policy_scores, p.technical_scores
    if len(p.normalised_policy_scores) != len(p.policy_scores) or len(
        p.normalised_technical_scores
    ) != len(p.technical_scores):
        raise ValueError(
            f"fiscal year {p.fiscal_year} uses normalised scores; team {p.team!r} has none"
        )
    return p.normalised_policy_scores, p.normalised_technical_scores


def leadership_score(p: Participation, rule_set: RuleSet) -> float | None:
    """Mean leadership score of a leader, or None.

    None when fewer than ``min_leadership_raters`` scores exist (pending) and
    always for members (not applicable).
    """
    if not p.is_leader or len(p.leadership_scores) < rule_set.min_leadership_raters:
        return None
    return _mean(p.leadership_scores)


# ------------------------------------------------------------------------ assessment


def _team_key(team: Hashable) -> tuple[Any, ...]:
    if isinstance(team, (int, float)) and not (isinstance(team, float) and math.isnan(team)):
        return (0, team)
    if isinstance(team, str):
        return (1, team)
    return (2, type(team).__name__, repr(team))


def _participation_key(p: Participation) -> tuple[Any, ...]:
    return (
        p.fiscal_year,
        _team_key(p.team),
        p.role,
        tuple(sorted(p.policy_scores)),
        tuple(sorted(p.technical_scores)),
        tuple(sorted(p.leadership_scores)),
        tuple(sorted(p.normalised_policy_scores)),
        tuple(sorted(p.normalised_technical_scores)),
    )


def _ordered(participations: Iterable[Participation]) -> list[Participation]:
    """``sorted(participations, key=_participation_key)``, cheaply.

    The full key sorts every score list; it only matters when two participations share
    (year, team, role). When those leading parts are all distinct they alone fix the
    order the full key gives, so the score lists are not touched.
    """
    items = list(participations)
    if len(items) < 2:
        return items
    heads = [(p.fiscal_year, _team_key(p.team), p.role) for p in items]
    if len(set(heads)) < len(heads):
        return sorted(items, key=_participation_key)
    order = sorted(range(len(items)), key=heads.__getitem__)
    return [items[i] for i in order]


def _json_team(team: Hashable) -> Any:
    return team if isinstance(team, (str, int)) else str(team)


@functools.lru_cache(maxsize=1024, typed=True)
def _default_rule_set(year: int) -> RuleSet:
    """``RuleSet(fiscal_year=year)``, built once per year (it is immutable)."""
    return RuleSet(fiscal_year=year)


def _rule_set_for(year: int, rule_sets: Mapping[int, RuleSet]) -> RuleSet:
    rule_set = rule_sets.get(year)
    if rule_set is None:
        return _default_rule_set(year)
    if rule_set.fiscal_year != year:
        raise ValueError(
            f"rule_sets[{year}] has fiscal_year={rule_set.fiscal_year}; keys must match"
        )
    return rule_set


@dataclass(frozen=True)
class _Assessed:
    participation: Participation
    rule_set: RuleSet
    report: float | None
    leadership: float | None
    participation_state: str
    leadership_state: str | None  # None for members

    def evidence(self) -> dict[str, Any]:
        p = self.participation
        data: dict[str, Any] = {
            "team": _json_team(p.team),
            "fiscal_year": p.fiscal_year,
            "role": p.role,
            "policy_mean": _mean(p.policy_scores),
            "policy_raters": len(p.policy_scores),
            "technical_mean": _mean(p.technical_scores),
            "technical_raters": len(p.technical_scores),
            "report_score": self.report,
        }
        if self.rule_set.score_basis == NORMALISED:
            # Which scores decided (absent: raw), and the normalised means beside the raw.
            data["score_basis"] = NORMALISED
            data["normalised_policy_mean"] = _mean(p.normalised_policy_scores)
            data["normalised_technical_mean"] = _mean(p.normalised_technical_scores)
        if p.is_leader:
            data["leadership_mean"] = _mean(p.leadership_scores)
            data["leadership_raters"] = len(p.leadership_scores)
            data["leadership_score"] = self.leadership
            if p.led_on:
                data["leader_at_meeting"] = p.led_on
        data["rules"] = self.rule_set.as_dict()
        return data


def report_state(report: float | None, rule_set: RuleSet) -> str:
    """PENDING without a score, MET at or above the report threshold, else UNMET."""
    if report is None:
        return PENDING
    return MET if report >= rule_set.report_threshold else UNMET


def _assess(p: Participation, rule_set: RuleSet) -> _Assessed:
    report = report_score(p, rule_set)
    participation_state = report_state(report, rule_set)

    leadership = leadership_score(p, rule_set)
    leadership_state: str | None = None
    if p.is_leader:
        if participation_state == UNMET or (
            leadership is not None and leadership < rule_set.leadership_threshold
        ):
            leadership_state = UNMET
        elif participation_state == MET and leadership is not None:
            leadership_state = MET
        else:
            leadership_state = PENDING
    return _Assessed(p, rule_set, report, leadership, participation_state, leadership_state)


def _combine(states: Iterable[str | None]) -> str:
    """met if any met, else pending if any pending, else unmet."""
    seen = set(states)
    if MET in seen:
        return MET
    if PENDING in seen:
        return PENDING
    return UNMET


class _Years:
    """Per-fiscal-year aggregation of assessed participations."""

    def __init__(self, assessed: Sequence[_Assessed]) -> None:
        self.by_year: dict[int, list[_Assessed]] = {}
        for item in assessed:
            self.by_year.setdefault(item.participation.fiscal_year, []).append(item)
        self.years = sorted(self.by_year)
        # Each year's combined states, computed once (decide asks for them repeatedly).
        self._participation = {
            y: _combine(a.participation_state for a in items) for y, items in self.by_year.items()
        }
        self._leadership = {
            y: _combine(a.leadership_state for a in items) for y, items in self.by_year.items()
        }

    def participation_state(self, year: int) -> str:
        state = self._participation.get(year)
        return UNMET if state is None else state  # no participation that year

    def leadership_state(self, year: int) -> str:
        state = self._leadership.get(year)
        return UNMET if state is None else state

    def years_with(self, state_of, allowed: tuple[str, ...]) -> list[int]:
        return [y for y in self.years if state_of(y) in allowed]

    def participation_evidence(self, year: int) -> list[dict[str, Any]]:
        return [a.evidence() for a in self.by_year[year] if a.participation_state == MET]

    def leadership_evidence(self, year: int) -> list[dict[str, Any]]:
        return [a.evidence() for a in self.by_year[year] if a.leadership_state == MET]


def _first_consecutive(years: Sequence[int], accept=None) -> int | None:
    """Second year of the earliest pair (Y-1, Y) both in ``years`` (and, given
    ``accept``, with ``accept(Y)`` true)."""
    present = set(years)
    return next(
        (y for y in sorted(present) if y - 1 in present and (accept is None or accept(y))),
        None,
    )


def _requirement_met(rule_set: RuleSet, level: Level, credentials: frozenset[str]) -> bool:
    required = rule_set.required_keys(level)
    return not required or not credentials.isdisjoint(required)


def _requirement_condition(
    rule_set: RuleSet, level: Level, credentials: frozenset[str]
) -> Condition | None:
    """The checklist line of a level's verified-qualification requirement, if any."""
    required = rule_set.required_keys(level)
    if not required:
        return None
    params = {"requirements": "、".join(required), "keys": list(required), "level": level.code}
    state = MET if _requirement_met(rule_set, level, credentials) else UNMET
    return Condition(
        code="verified_requirement",
        label=_worded("verified_requirement", params),
        state=state,
        params=params,
    )


# ---------------------------------------------------------------------------- labels


def format_number(value: float) -> str:
    """``60.0 -> "60"``, ``62.5 -> "62.5"`` (no trailing ``.0`` when integral)."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return repr(value)


def _param_number(value: float) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else value


def _label_params(rule_set: RuleSet, year: int | None) -> dict[str, Any]:
    return {
        "rules_fiscal_year": year,
        "report_threshold": _param_number(rule_set.report_threshold),
        "leadership_threshold": _param_number(rule_set.leadership_threshold),
    }


#: The one home of each condition's wording (Japanese msgids: the portal translates them
#: with gettext; `%(name)s` fields come from the condition's params).
CONDITION_TEXT = {
    "holds_advisor": "DXアドバイザーに認定されている",
    "holds_expert": "DXエキスパートに認定されている",
    "qualifying_participation": (
        "チームのメンバーまたはリーダーとしてプロジェクトに参加し、"
        "報告会で%(report_threshold)s点以上の評価を得る"
    ),
    "leadership_after_advisor": (
        "DXアドバイザーに認定された翌年度以降に、リーダーとして報告会で"
        "%(report_threshold)s点以上、リーダーシップ評価で%(leadership_threshold)s点以上を得る"
    ),
    "consecutive_leadership": (
        "2年度連続でリーダーとして報告会%(report_threshold)s点以上・"
        "リーダーシップ評価%(leadership_threshold)s点以上を得る"
    ),
    "verified_requirement": (
        "人事担当が確認した資格・研修のうち、次のいずれかを持つ：%(requirements)s"
    ),
}


def _worded(code: str, params: Mapping[str, Any]) -> str:
    return CONDITION_TEXT[code] % params


def _holds_condition(level: Level) -> Condition:
    return Condition(
        code=f"holds_{level.code}",
        label=_worded(f"holds_{level.code}", {}),
        state=MET,
        params={"level": level.code},
    )


def _advisor_progress(years: _Years, rule_set: RuleSet, year: int | None) -> list[Condition]:
    params = _label_params(rule_set, year)
    state = _combine(years.participation_state(y) for y in years.years)
    label = _worded("qualifying_participation", params)
    return [Condition(code="qualifying_participation", label=label, state=state, params=params)]


def _expert_progress(
    years: _Years,
    rule_set: RuleSet,
    year: int | None,
    advisor_year: int,
    optimistic_advisor_year: int,
) -> list[Condition]:
    if any(years.leadership_state(y) == MET for y in years.years if y > advisor_year):
        state = MET
    elif any(
        years.leadership_state(y) in (MET, PENDING)
        for y in years.years
        if y > optimistic_advisor_year
    ):
        state = PENDING
    else:
        state = UNMET
    params = _label_params(rule_set, year) | {"advisor_fiscal_year": advisor_year}
    label = _worded("leadership_after_advisor", params)
    return [
        _holds_condition(Level.ADVISOR),
        Condition(code="leadership_after_advisor", label=label, state=state, params=params),
    ]


def _specialist_progress(years: _Years, rule_set: RuleSet, year: int | None) -> list[Condition]:
    met_years = years.years_with(years.leadership_state, (MET,))
    possible_years = years.years_with(years.leadership_state, (MET, PENDING))
    if _first_consecutive(met_years) is not None:
        state = MET
    elif _first_consecutive(possible_years) is not None:
        state = PENDING
    else:
        state = UNMET
    params = _label_params(rule_set, year) | {"consecutive_years": 2}
    label = _worded("consecutive_leadership", params)
    return [
        _holds_condition(Level.EXPERT),
        Condition(code="consecutive_leadership", label=label, state=state, params=params),
    ]


# ---------------------------------------------------------------------------- decide


def decide(
    participations: Iterable[Participation],
    rule_sets: Mapping[int, RuleSet],
    prior: Iterable[PriorAward] = (),
    *,
    label_year: int | None = None,
    credentials: Iterable[str] = (),
    progress: bool = True,
) -> Outcome:
    """Decide new awards and next-level progress for one person.

    * Each participation is judged with ``rule_sets[its fiscal year]``
      (``RuleSet(fiscal_year=Y)`` defaults when missing; a mismatching
      ``fiscal_year`` in the mapping raises ValueError).
    * Advisor: earliest year with a qualifying participation (member or leader,
      report score >= report_threshold).
    * Expert: earliest year strictly after the first-Advisor year with a qualifying
      leadership (report >= report_threshold and leadership >= leadership_threshold).
      The first-Advisor year is the earliest of the computed Advisor year and the
      years of any prior Advisor, Expert or Specialist award.
    * Specialist: the second year of the earliest pair of consecutive years
      (Y-1, Y) that both have a qualifying leadership.
    * A level is awarded in year Y only if ``rule_sets[Y]`` requires nothing for it, or
      ``credentials`` (the person's verified qualification/course keys) holds one of the
      keys it requires; otherwise the next year that qualifies is tried. With no
      requirements anywhere every result is what it was before requirements existed.
    * A level present in ``prior`` is never awarded; a prior award of level L counts
      as holding L only (it never implies lower levels for awarding purposes).
    * ``progress`` lists the conditions of the level above the highest level held.
      Labels use the rule set of ``label_year`` if given, else of the most recent
      fiscal year among the participations and prior awards, else the defaults.
      With ``progress=False`` it is left empty (the recompute needs only the awards;
      the awards are the same either way).

    Deterministic, order-independent, idempotent (awards fed back as ``prior``
    produce no new awards) and never removes prior levels.
    """
    ordered = _ordered(participations)
    held_keys = frozenset(credentials)

    def allowed(year: int, level: Level) -> bool:
        return _requirement_met(_rule_set_for(year, rule_sets), level, held_keys)

    prior_awards = sorted(prior, key=lambda a: (a.level, a.fiscal_year))
    prior_years: dict[Level, int] = {}
    for award in prior_awards:
        prior_years.setdefault(award.level, award.fiscal_year)

    years = _Years([_assess(p, _rule_set_for(p.fiscal_year, rule_sets)) for p in ordered])
    awards: list[Award] = []

    # Advisor -----------------------------------------------------------------
    participation_years = years.years_with(years.participation_state, (MET,))
    computed_advisor = next((y for y in participation_years if allowed(y, Level.ADVISOR)), None)
    if computed_advisor is not None and Level.ADVISOR not in prior_years:
        awards.append(
            Award(
                Level.ADVISOR,
                computed_advisor,
                {
                    "level": Level.ADVISOR.code,
                    "fiscal_year": computed_advisor,
                    "teams": years.participation_evidence(computed_advisor),
                },
            )
        )

    # Expert ------------------------------------------------------------------
    bases: list[tuple[int, str]] = []
    if computed_advisor is not None:
        bases.append((computed_advisor, "computed"))
    bases.extend((y, f"prior_{level.code}") for level, y in prior_years.items())
    base = min(bases, key=lambda b: (b[0], b[1] != "computed", b[1])) if bases else None

    leadership_years = years.years_with(years.leadership_state, (MET,))
    if base is not None and Level.EXPERT not in prior_years:
        expert_year = next(
            (y for y in leadership_years if y > base[0] and allowed(y, Level.EXPERT)), None
        )
        if expert_year is not None:
            awards.append(
                Award(
                    Level.EXPERT,
                    expert_year,
                    {
                        "level": Level.EXPERT.code,
                        "fiscal_year": expert_year,
                        "advisor_fiscal_year": base[0],
                        "advisor_basis": base[1],
                        "teams": years.leadership_evidence(expert_year),
                    },
                )
            )

    # Specialist --------------------------------------------------------------
    specialist_year = _first_consecutive(
        leadership_years, accept=lambda y: allowed(y, Level.SPECIALIST)
    )
    if specialist_year is not None and Level.SPECIALIST not in prior_years:
        awards.append(
            Award(
                Level.SPECIALIST,
                specialist_year,
                {
                    "level": Level.SPECIALIST.code,
                    "fiscal_year": specialist_year,
                    "years": [
                        {"fiscal_year": y, "teams": years.leadership_evidence(y)}
                        for y in (specialist_year - 1, specialist_year)
                    ],
                },
            )
        )

    awards.sort(key=lambda a: a.level)
    if not progress:
        return Outcome(awards=awards)

    # Progress ----------------------------------------------------------------
    held = set(prior_years) | {a.level for a in awards}
    highest = max(held, default=None)
    if label_year is None:
        involved = [*years.years, *prior_years.values()]
        label_year = max(involved, default=None)
    label_rules = _rule_set_for(label_year, rule_sets) if label_year is not None else _DEFAULTS

    if highest is None:
        conditions = _advisor_progress(years, label_rules, label_year)
    elif highest == Level.ADVISOR:
        assert base is not None  # Advisor held => computed or prior year exists
        optimistic = [y for y in years.years if years.participation_state(y) in (MET, PENDING)]
        optimistic_base = min([base[0], *optimistic])
        conditions = _expert_progress(years, label_rules, label_year, base[0], optimistic_base)
    elif highest == Level.EXPERT:
        conditions = _specialist_progress(years, label_rules, label_year)
    else:
        conditions = []
    if highest is None or highest < Level.SPECIALIST:
        next_level = Level.ADVISOR if highest is None else Level(highest + 1)
        requirement = _requirement_condition(label_rules, next_level, held_keys)
        if requirement is not None:
            conditions.append(requirement)

    return Outcome(awards=awards, progress=conditions)
