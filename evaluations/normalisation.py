"""Judge severity (評価者間のばらつき): per-rater normalisation of report scores. Pure.

Plain values in, plain values out: no Django, no ORM, no clock, no randomness. The
results page (`selectors.severity`) and the certification recompute
(`certification.selectors`) both call `normalise`, so the organiser sees exactly the
numbers a rule set with 「補正後の平均」 certifies with. Decision record 0022.

The formula, for ONE closed report meeting and ONE perspective (policy or technical),
over every score x(r, t) that rater r gave team t at that meeting:

* the meeting's overall distribution: M = the mean of all those scores, S = their
  population standard deviation (divide by N, not N − 1);
* per rater r who scored n_r teams: m_r = the mean of r's scores, s_r = their
  population standard deviation (the rater's "spread");
* a rater who scored at least `MIN_TEAMS` (3) teams is normalised:
  z = (x − m_r) / s_r and x' = M + z × S, clipped to the 0–100 scale;
  if s_r = 0 (the rater gave every team the same score) z is 0 and x' = M: a rater who
  does not tell teams apart says nothing about their order, so each of their scores
  counts as the meeting's average;
* a rater who scored fewer than `MIN_TEAMS` teams is NOT normalised: x' = x (two or
  fewer scores say too little about a rater's severity to correct for it);
* a team's normalised perspective mean is the mean of x' over its raters; its raw mean
  the mean of x. The number of raters is the same for both.

If S = 0 (every score of the meeting is the same) every x' is M, which is every x.

Properties (tests/evaluations/test_normalisation.py, with hypothesis):
* adding a constant to every score of one rater leaves every z unchanged, and so every
  normalised mean for a given target (M, S) (`onto=`); with the meeting's own target the
  normalised means keep their order and relative gaps (M and S themselves move with
  the raw scores: the meeting's overall level is kept, as it is in the raw means);
* renaming or reordering raters changes nothing;
* when every rater gives every team the same scores, raw = normalised, exactly.

Arithmetic: means, deviations and variances are exact fractions (scores are decimals
with two places, `Fraction(str(x))` keeps them exact); the one square root, of S² / s_r²,
is a float; sums of floats go through `math.fsum`. So the result does not depend on
the order of the input, and exact identities (z unchanged by a shift, k = 1 when
s_r = S) hold to the last bit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "MIN_TEAMS",
    "Normalised",
    "RaterSeverity",
    "SubjectMeans",
    "normalise",
    "normalise_groups",
]

#: A rater must have scored at least this many teams at the meeting to be normalised.
MIN_TEAMS = 3

#: Why a rater's scores were (not) normalised; the results page words each one.
NORMALISED = "normalised"
TOO_FEW = "too_few"  # fewer than MIN_TEAMS teams: passed through raw
NO_SPREAD = "no_spread"  # the same score for every team: each score becomes M

_LOW = Fraction(0)
_HIGH = Fraction(100)


def _exact(value) -> Fraction:
    """A score as an exact fraction: Decimals and ints exactly, floats by their shortest
    repr (70.1 → 701/10, not the binary 70.099999…). Rejects what is not a finite number."""
    if isinstance(value, bool):
        raise ValueError(f"not a score: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite score: {value!r}")
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite score: {value!r}")
        return Fraction(value)
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    raise ValueError(f"not a score: {value!r}")


def _mean_and_variance(values: list[Fraction]) -> tuple[Fraction, Fraction]:
    mean = sum(values, _LOW) / len(values)
    variance = sum(((v - mean) ** 2 for v in values), _LOW) / len(values)
    return mean, variance


def _sqrt(value: Fraction) -> float:
    return math.sqrt(float(value))


@dataclass(frozen=True)
class RaterSeverity:
    """One rater at one meeting and perspective: how severe (mean) and how spread."""

    rater: Hashable
    mean: float  # the rater's mean 0–100 score over the teams they scored
    spread: float  # population standard deviation of those scores
    teams: int  # how many teams they scored
    treatment: str  # NORMALISED, TOO_FEW or NO_SPREAD

    @property
    def normalised(self) -> bool:
        return self.treatment != TOO_FEW


@dataclass(frozen=True)
class SubjectMeans:
    """One team (subject) at one meeting and perspective."""

    raw: float
    normalised: float
    raters: int


@dataclass(frozen=True)
class Normalised:
    """The result of `normalise` for one meeting and perspective."""

    mean: float | None  # M, the meeting's overall mean (None without scores)
    spread: float | None  # S, its population standard deviation
    raters: dict[Hashable, RaterSeverity]
    z: dict[tuple[Hashable, Hashable], float | None]  # None: passed through raw
    scores: dict[tuple[Hashable, Hashable], float]  # x' per (rater, subject)
    subjects: dict[Hashable, SubjectMeans]


def normalise(
    scores: Mapping[tuple[Hashable, Hashable], float | Decimal | int],
    *,
    min_teams: int = MIN_TEAMS,
    onto: tuple[float, float] | None = None,
) -> Normalised:
    """Normalise one meeting's scores of one perspective, `{(rater, subject): score}`.

    `onto` = (mean, standard deviation) maps the z-scores onto that distribution
    instead of the meeting's own (used by the property tests; the portal always maps
    onto the meeting). Raises ValueError for a score that is not a finite number in
    0..100, a `min_teams` below 1 or a negative `onto` spread."""
    if not isinstance(min_teams, int) or isinstance(min_teams, bool) or min_teams < 1:
        raise ValueError(f"min_teams must be an int >= 1, got {min_teams!r}")
    exact: dict[tuple[Hashable, Hashable], Fraction] = {}
    for key, value in scores.items():
        number = _exact(value)
        if not _LOW <= number <= _HIGH:
            raise ValueError(f"scores must be within 0..100, got {value!r}")
        exact[key] = number
    if not exact:
        return Normalised(None, None, {}, {}, {}, {})

    overall_mean, overall_variance = _mean_and_variance(list(exact.values()))
    if onto is not None:
        target_mean, target_spread = (_exact(onto[0]), _exact(onto[1]))
        if target_spread < 0:
            raise ValueError("the target spread must be >= 0")
        target_variance = target_spread**2
    else:
        target_mean, target_variance = overall_mean, overall_variance

    by_rater: dict[Hashable, dict[Hashable, Fraction]] = defaultdict(dict)
    for (rater, subject), number in exact.items():
        by_rater[rater][subject] = number

    raters: dict[Hashable, RaterSeverity] = {}
    z: dict[tuple[Hashable, Hashable], float | None] = {}
    mapped: dict[tuple[Hashable, Hashable], float] = {}
    for rater, given in by_rater.items():
        mean, variance = _mean_and_variance(list(given.values()))
        if len(given) < min_teams:
            treatment = TOO_FEW
        elif variance == 0:
            treatment = NO_SPREAD
        else:
            treatment = NORMALISED
        raters[rater] = RaterSeverity(
            rater=rater,
            mean=float(mean),
            spread=_sqrt(variance),
            teams=len(given),
            treatment=treatment,
        )
        # k = S / s_r, one float square root of an exact ratio: exactly 1.0 when equal.
        k = Fraction(_sqrt(target_variance / variance)) if treatment == NORMALISED else None
        for subject, number in given.items():
            key = (rater, subject)
            if treatment == TOO_FEW:
                z[key], value = None, number
            elif treatment == NO_SPREAD:
                z[key], value = 0.0, target_mean
            else:
                deviation = number - mean
                z[key] = float(deviation) / _sqrt(variance)
                value = target_mean + k * deviation
            mapped[key] = float(min(_HIGH, max(_LOW, value)))

    by_subject: dict[Hashable, list[tuple[float, float]]] = defaultdict(list)
    for (rater, subject), number in exact.items():
        by_subject[subject].append((float(number), mapped[(rater, subject)]))
    subjects = {
        subject: SubjectMeans(
            raw=math.fsum(r for r, _ in pairs) / len(pairs),
            normalised=math.fsum(n for _, n in pairs) / len(pairs),
            raters=len(pairs),
        )
        for subject, pairs in by_subject.items()
    }
    return Normalised(
        mean=float(overall_mean),
        spread=_sqrt(overall_variance),
        raters=raters,
        z=z,
        scores=mapped,
        subjects=subjects,
    )


def normalise_groups(
    rows: Iterable[tuple[Hashable, Hashable, Hashable, Hashable, float | Decimal | int]],
    *,
    min_teams: int = MIN_TEAMS,
) -> dict[tuple[Hashable, Hashable], Normalised]:
    """`rows` of (meeting, perspective, rater, subject, score) → `normalise` per
    (meeting, perspective). A (meeting, perspective, rater, subject) given twice raises
    ValueError (one evaluation per rater, presentation and perspective)."""
    groups: dict[tuple[Hashable, Hashable], dict[tuple[Hashable, Hashable], object]] = defaultdict(
        dict
    )
    for meeting, perspective, rater, subject, score in rows:
        group = groups[(meeting, perspective)]
        if (rater, subject) in group:
            raise ValueError(f"two scores of {subject!r} by {rater!r} at {meeting!r}")
        group[(rater, subject)] = score
    return {key: normalise(group, min_teams=min_teams) for key, group in groups.items()}
