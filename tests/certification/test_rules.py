"""Table-driven and property-based tests for the pure certification rules.

Imports only ``certification.rules`` and plain libraries, so it runs without Django:
``python -m pytest -p no:django --noconftest -o addopts= tests/certification/test_rules.py``
(``--noconftest``: ``tests/conftest.py`` is the Django suite's). ``test_rules_without_django.py``
runs exactly that with ``django`` made unimportable, so an ORM import here or in the rules
fails the suite.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certification.rules import (
    LEADER,
    MEMBER,
    MET,
    PENDING,
    UNMET,
    Award,
    Condition,
    Level,
    Outcome,
    Participation,
    PriorAward,
    RuleSet,
    decide,
    format_number,
    leadership_score,
    report_score,
)

A, E, S = Level.ADVISOR, Level.EXPERT, Level.SPECIALIST
GOOD = (70.0, 70.0)  # policy scores from two raters: mean 70
GOOD_TECH = (70.0,)
GOOD_LEAD = (70.0, 70.0)


def member(year: int, team: Any = "M", policy=GOOD, technical=GOOD_TECH) -> Participation:
    return Participation(year, team, MEMBER, policy, technical)


def leader(
    year: int, team: Any = "L", policy=GOOD, technical=GOOD_TECH, leadership=GOOD_LEAD
) -> Participation:
    return Participation(year, team, LEADER, policy, technical, leadership)


def awarded(outcome: Outcome) -> dict[Level, int]:
    return {a.level: a.fiscal_year for a in outcome.awards}


def states(outcome: Outcome) -> list[tuple[str, str]]:
    return [(c.code, c.state) for c in outcome.progress]


ADVISOR_UNMET = [("qualifying_participation", UNMET)]
ADVISOR_PENDING = [("qualifying_participation", PENDING)]
EXPERT_UNMET = [("holds_advisor", MET), ("leadership_after_advisor", UNMET)]
EXPERT_PENDING = [("holds_advisor", MET), ("leadership_after_advisor", PENDING)]
SPECIALIST_UNMET = [("holds_expert", MET), ("consecutive_leadership", UNMET)]
SPECIALIST_PENDING = [("holds_expert", MET), ("consecutive_leadership", PENDING)]


class Case(NamedTuple):
    id: str
    participations: list[Participation]
    expected_awards: dict[Level, int]
    expected_progress: list[tuple[str, str]]
    rule_sets: dict[int, RuleSet] = {}
    prior: tuple[PriorAward, ...] = ()


CASES = [
    Case(
        "a member whose team qualifies becomes advisor in that year",
        [member(2022)],
        {A: 2022},
        EXPERT_UNMET,
    ),
    Case(
        "a report score exactly at the threshold qualifies",
        [member(2022, policy=(60, 60), technical=(60,))],
        {A: 2022},
        EXPERT_UNMET,
    ),
    Case(
        "a weighted report score of exactly 60 qualifies despite float arithmetic",
        [member(2022, policy=(65, 65), technical=(52.5,))],
        {A: 2022},
        EXPERT_UNMET,
    ),
    Case(
        "a report score of 59.99 does not qualify",
        [member(2022, policy=(59.99, 59.99), technical=(59.99,))],
        {},
        ADVISOR_UNMET,
    ),
    Case(
        "too few policy raters leaves the report pending, not failed",
        [member(2022, policy=(95,), technical=(95,))],
        {},
        ADVISOR_PENDING,
    ),
    Case(
        "missing technical raters leaves the report pending",
        [member(2022, policy=(95, 95), technical=())],
        {},
        ADVISOR_PENDING,
    ),
    Case(
        "weights are applied so policy 70 and technical 40 give 58 and fail",
        [member(2022, policy=(70, 70), technical=(40,))],
        {},
        ADVISOR_UNMET,
    ),
    Case(
        "custom weights are divided by their sum",
        [member(2022, policy=(70, 70), technical=(40,))],
        {A: 2022},  # (70*3 + 40*1) / 4 = 62.5
        EXPERT_UNMET,
        {2022: RuleSet(fiscal_year=2022, policy_weight=3, technical_weight=1)},
    ),
    Case(
        "custom minimum rater counts are honoured",
        [member(2022, policy=(70,), technical=(70,))],
        {A: 2022},
        EXPERT_UNMET,
        {2022: RuleSet(fiscal_year=2022, min_policy_raters=1)},
    ),
    Case(
        "a qualifying leader in the same year becomes advisor only, not expert",
        [leader(2022)],
        {A: 2022},
        EXPERT_UNMET,
    ),
    Case(
        "advisor in one year then qualifying leader next year becomes expert",
        [member(2022), leader(2023)],
        {A: 2022, E: 2023},
        SPECIALIST_UNMET,
    ),
    Case(
        "qualifying leader two consecutive years gets all three levels",
        [leader(2022, team="L1"), leader(2023, team="L2")],
        {A: 2022, E: 2023, S: 2023},
        [],
    ),
    Case(
        "a gap year between leaderships gives expert but not specialist",
        [leader(2022), leader(2024)],
        {A: 2022, E: 2024},
        SPECIALIST_UNMET,
    ),
    Case(
        "a prior manual advisor grant counts for expert the following year",
        [leader(2023)],
        {E: 2023},
        SPECIALIST_UNMET,
        {},
        (PriorAward(A, 2022),),
    ),
    Case(
        "a prior manual advisor grant in the same year does not count for expert",
        [leader(2022)],
        {},
        EXPERT_UNMET,
        {},
        (PriorAward(A, 2022),),
    ),
    Case(
        "a prior specialist grant counts as being advisor for expert timing",
        [leader(2022)],
        {A: 2022, E: 2022},
        [],
        {},
        (PriorAward(S, 2020),),
    ),
    Case(
        "a level already held in prior is not awarded again",
        [member(2022)],
        {},
        EXPERT_UNMET,
        {},
        (PriorAward(A, 2021),),
    ),
    Case(
        "prior expert and advisor are not re-awarded but specialist still can be",
        [leader(2022), leader(2023)],
        {S: 2023},
        [],
        {},
        (PriorAward(A, 2020), PriorAward(E, 2021)),
    ),
    Case(
        "a prior specialist is not awarded again despite consecutive leaderships",
        [leader(2022, team="L1"), leader(2023, team="L2")],
        {A: 2022, E: 2022},
        [],
        {},
        (PriorAward(S, 2021),),
    ),
    Case(
        "a leadership score with too few raters leaves expert pending",
        [member(2022), leader(2023, leadership=(90,))],
        {A: 2022},
        EXPERT_PENDING,
    ),
    Case(
        "a pending team report of a leader leaves expert pending",
        [member(2022), leader(2023, policy=(90,))],
        {A: 2022},
        EXPERT_PENDING,
    ),
    Case(
        "a failed report with pending leadership is unmet, not pending",
        [member(2022), leader(2023, policy=(50, 50), technical=(50,), leadership=(90,))],
        {A: 2022},
        EXPERT_UNMET,
    ),
    Case(
        "a failed leadership with a pending report is unmet, not pending",
        [member(2022), leader(2023, policy=(90,), leadership=(40, 40))],
        {A: 2022},
        EXPERT_UNMET,
    ),
    Case(
        "a pending earlier participation could make a same-year leadership count",
        [member(2022, policy=(90,)), leader(2023)],
        {A: 2023},
        EXPERT_PENDING,
    ),
    Case(
        "a good report but leadership 59 gives no expert",
        [member(2022), leader(2023, leadership=(59, 59))],
        {A: 2022},
        EXPERT_UNMET,
    ),
    Case(
        "each year is judged with its own rule set",
        [
            member(2022, team="X", policy=(65, 65), technical=(65,)),
            member(2023, team="Y", policy=(65, 65), technical=(65,)),
        ],
        {A: 2023},
        EXPERT_UNMET,
        {
            2022: RuleSet(fiscal_year=2022, report_threshold=70),
            2023: RuleSet(fiscal_year=2023, report_threshold=60),
        },
    ),
    Case(
        "a year with a stricter leadership threshold rejects what another year accepts",
        [member(2021), leader(2022, leadership=(65, 65)), leader(2024, leadership=(65, 65))],
        {A: 2021, E: 2024},
        SPECIALIST_UNMET,
        {2022: RuleSet(fiscal_year=2022, leadership_threshold=70)},
    ),
    Case(
        "the earliest qualifying year is chosen",
        [member(2024, team="C"), member(2021, team="A"), member(2023, team="B")],
        {A: 2021},
        EXPERT_UNMET,
    ),
    Case(
        "the earliest qualifying later leadership year is chosen for expert",
        [member(2020), leader(2025, team="late"), leader(2022, team="early")],
        {A: 2020, E: 2022},
        SPECIALIST_UNMET,
    ),
    Case(
        "the earliest consecutive pair is chosen for specialist",
        [leader(y, team=f"T{y}") for y in (2020, 2022, 2023, 2024)],
        {A: 2020, E: 2022, S: 2023},
        [],
    ),
    Case(
        "a pending leadership in the second consecutive year leaves specialist pending",
        [member(2021), leader(2022), leader(2023, leadership=(90,))],
        {A: 2021, E: 2022},
        SPECIALIST_PENDING,
    ),
    Case(
        "a held specialist leaves nothing to progress towards",
        [],
        {},
        [],
        {},
        (PriorAward(S, 2020),),
    ),
    Case(
        "someone with no participations needs a qualifying participation",
        [],
        {},
        ADVISOR_UNMET,
    ),
    Case(
        "a member's leadership scores are ignored",
        [member(2021), Participation(2022, "T", MEMBER, GOOD, GOOD_TECH, GOOD_LEAD)],
        {A: 2021},
        EXPERT_UNMET,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_decide_awards_the_expected_levels_in_the_expected_years(case: Case) -> None:
    outcome = decide(case.participations, case.rule_sets, case.prior)
    assert awarded(outcome) == case.expected_awards


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_decide_reports_the_expected_progress_states(case: Case) -> None:
    outcome = decide(case.participations, case.rule_sets, case.prior)
    assert states(outcome) == case.expected_progress


# ------------------------------------------------------------------- progress labels


def test_advisor_progress_label_includes_the_report_threshold() -> None:
    (condition,) = decide([], {}).progress
    assert condition.label == (
        "チームのメンバーまたはリーダーとしてプロジェクトに参加し、報告会で60点以上の評価を得る"
    )


def test_expert_progress_label_includes_both_thresholds() -> None:
    condition = decide([member(2022)], {}).progress[1]
    assert condition.label == (
        "DXアドバイザーに認定された翌年度以降に、"
        "リーダーとして報告会で60点以上、リーダーシップ評価で60点以上を得る"
    )


def test_specialist_progress_label_includes_both_thresholds() -> None:
    condition = decide([member(2022), leader(2023)], {}).progress[1]
    assert condition.label == (
        "2年度連続でリーダーとして報告会60点以上・リーダーシップ評価60点以上を得る"
    )


def test_holds_condition_labels_name_the_level() -> None:
    assert decide([member(2022)], {}).progress[0].label == "DXアドバイザーに認定されている"


def test_progress_labels_use_the_most_recent_involved_years_rules() -> None:
    rule_sets = {
        2022: RuleSet(fiscal_year=2022),
        2023: RuleSet(fiscal_year=2023, report_threshold=70, leadership_threshold=65.5),
    }
    condition = decide([member(2022), member(2023, team="B")], rule_sets).progress[1]
    assert "報告会で70点以上" in condition.label
    assert "リーダーシップ評価で65.5点以上" in condition.label


def test_progress_labels_can_use_an_explicit_label_year() -> None:
    rule_sets = {2030: RuleSet(fiscal_year=2030, report_threshold=75)}
    (condition,) = decide([], rule_sets, label_year=2030).progress
    assert "報告会で75点以上" in condition.label


def test_progress_params_carry_the_numbers_used() -> None:
    rule_sets = {2023: RuleSet(fiscal_year=2023, report_threshold=70, leadership_threshold=62.5)}
    condition = decide([member(2023)], rule_sets).progress[1]
    assert condition.params == {
        "rules_fiscal_year": 2023,
        "report_threshold": 70,
        "leadership_threshold": 62.5,
        "advisor_fiscal_year": 2023,
    }


def test_specialist_progress_params_say_two_consecutive_years() -> None:
    condition = decide([leader(2022), leader(2024)], {}).progress[1]
    assert (condition.code, condition.params["consecutive_years"]) == ("consecutive_leadership", 2)


@pytest.mark.parametrize(
    ("value", "text"), [(60.0, "60"), (60, "60"), (62.5, "62.5"), (59.99, "59.99")]
)
def test_format_number_drops_a_trailing_point_zero_only(value: float, text: str) -> None:
    assert format_number(value) == text


# ------------------------------------------------------------------------ evidence


def test_advisor_evidence_explains_the_qualifying_team() -> None:
    award = decide([member(2022, team=7, policy=(60, 80), technical=(50,))], {}).awards[0]
    (team,) = award.evidence["teams"]
    assert team == {
        "team": 7,
        "fiscal_year": 2022,
        "role": MEMBER,
        "policy_mean": 70.0,
        "policy_raters": 2,
        "technical_mean": 50.0,
        "technical_raters": 1,
        "report_score": 62.0,
        "rules": {
            "fiscal_year": 2022,
            "report_threshold": 60.0,
            "leadership_threshold": 60.0,
            "policy_weight": 0.6,
            "technical_weight": 0.4,
            "min_policy_raters": 2,
            "min_technical_raters": 1,
            "min_leadership_raters": 2,
        },
    }


def test_leader_evidence_includes_the_leadership_mean_and_rater_count() -> None:
    award = decide([member(2022), leader(2023, leadership=(60, 70, 80))], {}).awards[1]
    (team,) = award.evidence["teams"]
    assert (team["leadership_mean"], team["leadership_raters"]) == (70.0, 3)
    assert team["leadership_score"] == 70.0


def test_expert_evidence_prefers_the_computed_advisor_year_over_an_equal_prior_one() -> None:
    outcome = decide([member(2022), leader(2023)], {}, [PriorAward(A, 2022)])
    evidence = outcome.award_for(E).evidence
    assert (evidence["advisor_fiscal_year"], evidence["advisor_basis"]) == (2022, "computed")


def test_expert_evidence_names_the_advisor_year_it_builds_on() -> None:
    outcome = decide([leader(2023)], {}, [PriorAward(A, 2021)])
    evidence = outcome.award_for(E).evidence
    assert (evidence["advisor_fiscal_year"], evidence["advisor_basis"]) == (2021, "prior_advisor")


def test_specialist_evidence_includes_both_years() -> None:
    outcome = decide([leader(2022, team="a"), leader(2023, team="b")], {})
    years = outcome.award_for(S).evidence["years"]
    assert [(y["fiscal_year"], [t["team"] for t in y["teams"]]) for y in years] == [
        (2022, ["a"]),
        (2023, ["b"]),
    ]


def test_non_json_team_ids_are_stringified_in_evidence() -> None:
    award = decide([member(2022, team=("x", 1))], {}).awards[0]
    assert award.evidence["teams"][0]["team"] == "('x', 1)"


def test_evidence_is_json_serialisable() -> None:
    outcome = decide([leader(2022), leader(2023)], {})
    json.dumps([a.evidence for a in outcome.awards], allow_nan=False)


# ------------------------------------------------------------------- score helpers


def test_report_score_is_none_while_pending() -> None:
    assert report_score(member(2022, policy=(80,)), RuleSet(fiscal_year=2022)) is None


def test_report_score_is_the_weighted_mean_of_perspective_means() -> None:
    p = member(2022, policy=(60, 80), technical=(40, 60))
    assert report_score(p, RuleSet(fiscal_year=2022)) == 62.0  # 70*0.6 + 50*0.4


def test_leadership_score_is_the_mean_once_enough_raters() -> None:
    p = leader(2022, leadership=(50, 70))
    assert leadership_score(p, RuleSet(fiscal_year=2022)) == 60.0


def test_leadership_score_is_none_while_pending() -> None:
    p = leader(2022, leadership=(90,))
    assert leadership_score(p, RuleSet(fiscal_year=2022)) is None


def test_leadership_score_is_none_for_members() -> None:
    p = Participation(2022, "T", MEMBER, GOOD, GOOD_TECH, GOOD_LEAD)
    assert leadership_score(p, RuleSet(fiscal_year=2022)) is None


# ------------------------------------------------- thresholds: both sides of each one
# Every comparison in `rules.py` is pinned here on both sides, with the default rule set
# and with a non-default one (so a hard-coded 60 or 2 cannot pass either).


@pytest.mark.parametrize(
    ("threshold", "score", "qualifies"),
    [(60, 60, True), (60, 59.999, False), (72.5, 72.5, True), (72.5, 72.49, False)],
    ids=["60 at 60", "59.999 under 60", "72.5 at 72.5", "72.49 under 72.5"],
)
def test_a_report_score_qualifies_exactly_from_the_report_threshold(
    threshold: float, score: float, qualifies: bool
) -> None:
    rule_sets = {2022: RuleSet(fiscal_year=2022, report_threshold=threshold)}
    outcome = decide([member(2022, policy=(score, score), technical=(score,))], rule_sets)
    assert awarded(outcome) == ({A: 2022} if qualifies else {})


@pytest.mark.parametrize(
    ("threshold", "score", "qualifies"),
    [(60, 60, True), (60, 59.999, False), (72.5, 72.5, True), (72.5, 72.49, False)],
    ids=["60 at 60", "59.999 under 60", "72.5 at 72.5", "72.49 under 72.5"],
)
def test_a_leadership_score_qualifies_exactly_from_the_leadership_threshold(
    threshold: float, score: float, qualifies: bool
) -> None:
    rule_sets = {2023: RuleSet(fiscal_year=2023, leadership_threshold=threshold)}
    outcome = decide([member(2022), leader(2023, leadership=(score, score))], rule_sets)
    assert awarded(outcome) == ({A: 2022, E: 2023} if qualifies else {A: 2022})
    assert states(outcome) == (SPECIALIST_UNMET if qualifies else EXPERT_UNMET)


def test_a_leadership_exactly_at_the_threshold_counts_towards_specialist() -> None:
    outcome = decide(
        [leader(2022, team="a", leadership=(60, 60)), leader(2023, team="b", leadership=(60, 60))],
        {},
    )
    assert awarded(outcome) == {A: 2022, E: 2023, S: 2023}


@pytest.mark.parametrize(
    ("minimum", "raters", "pending"),
    [(2, 2, False), (2, 1, True), (3, 3, False), (3, 2, True)],
    ids=["2 of 2", "1 of 2", "3 of 3", "2 of 3"],
)
def test_the_report_is_pending_below_the_minimum_of_policy_raters_only(
    minimum: int, raters: int, pending: bool
) -> None:
    rule_set = RuleSet(fiscal_year=2022, min_policy_raters=minimum)
    p = member(2022, policy=(70.0,) * raters, technical=(70.0,))
    assert (report_score(p, rule_set) is None) is pending
    assert states(decide([p], {2022: rule_set})) == (ADVISOR_PENDING if pending else EXPERT_UNMET)


@pytest.mark.parametrize(
    ("minimum", "raters", "pending"),
    [(1, 1, False), (1, 0, True), (2, 2, False), (2, 1, True)],
    ids=["1 of 1", "0 of 1", "2 of 2", "1 of 2"],
)
def test_the_report_is_pending_below_the_minimum_of_technical_raters_only(
    minimum: int, raters: int, pending: bool
) -> None:
    rule_set = RuleSet(fiscal_year=2022, min_technical_raters=minimum)
    p = member(2022, policy=(70.0, 70.0), technical=(70.0,) * raters)
    assert (report_score(p, rule_set) is None) is pending
    assert states(decide([p], {2022: rule_set})) == (ADVISOR_PENDING if pending else EXPERT_UNMET)


@pytest.mark.parametrize(
    ("minimum", "raters", "pending"),
    [(2, 2, False), (2, 1, True), (3, 3, False), (3, 2, True)],
    ids=["2 of 2", "1 of 2", "3 of 3", "2 of 3"],
)
def test_leadership_is_pending_below_the_minimum_of_leadership_raters_only(
    minimum: int, raters: int, pending: bool
) -> None:
    rule_set = RuleSet(fiscal_year=2023, min_leadership_raters=minimum)
    p = leader(2023, leadership=(70.0,) * raters)
    assert (leadership_score(p, rule_set) is None) is pending
    outcome = decide([member(2022), p], {2023: rule_set})
    assert states(outcome) == (EXPERT_PENDING if pending else SPECIALIST_UNMET)


def test_weights_that_sum_to_noise_still_give_exactly_60_for_all_60s() -> None:
    # Unrounded, 60 * (0.05 / 0.2) + 60 * (0.15 / 0.2) is 59.99999999999999.
    rule_set = RuleSet(fiscal_year=2022, policy_weight=0.05, technical_weight=0.15)
    p = member(2022, policy=(60, 60), technical=(60,))
    assert report_score(p, rule_set) == 60.0
    assert awarded(decide([p], {2022: rule_set})) == {A: 2022}


def test_means_in_the_evidence_are_rounded_to_nine_decimals() -> None:
    award = decide([member(2022, policy=(70, 70, 71), technical=(70,))], {}).awards[0]
    (team,) = award.evidence["teams"]
    assert team["policy_mean"] == 70.333333333
    assert team["report_score"] == 70.2  # 70.333...*0.6 + 70*0.4, rounded


def test_a_leadership_mean_is_rounded_to_nine_decimals() -> None:
    p = leader(2022, leadership=(60, 60, 61))
    assert leadership_score(p, RuleSet(fiscal_year=2022)) == 60.333333333


# -------------------------------------------------------------------- value objects


def test_levels_are_ordered_advisor_expert_specialist() -> None:
    assert Level.ADVISOR < Level.EXPERT < Level.SPECIALIST


def test_levels_have_japanese_labels_and_codes() -> None:
    assert [(lv.label, lv.code) for lv in Level] == [
        ("DXアドバイザー", "advisor"),
        ("DXエキスパート", "expert"),
        ("DXスペシャリスト", "specialist"),
    ]


def test_level_from_code_round_trips() -> None:
    assert all(Level.from_code(lv.code) is lv for lv in Level)


def test_participation_stores_score_lists_as_hashable_tuples() -> None:
    p = Participation(2022, "T", LEADER, [70, 80], [60], [90, 90])
    assert p.policy_scores == (70.0, 80.0)
    assert isinstance(p.technical_scores, tuple)
    assert hash(p) == hash(Participation(2022, "T", LEADER, (70, 80), (60,), (90, 90)))


@pytest.mark.parametrize(
    ("scores", "bad"),
    [([0, 101], "101"), ([100, -0.5], "-0.5"), ([100.0, 100, 100.5], "100.5")],
    ids=["0 is valid", "100 is valid", "100 as int and float is valid"],
)
def test_a_rejected_score_list_names_the_bad_value_not_a_boundary_one(scores, bad) -> None:
    with pytest.raises(ValueError, match=f"got {bad}$"):
        Participation(2022, "T", MEMBER, scores)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": "owner"},
        {"policy_scores": [101]},
        {"technical_scores": [-1]},
        {"leadership_scores": [float("nan")]},
        {"fiscal_year": "2022"},
    ],
    ids=["unknown role", "score above 100", "negative score", "nan score", "string year"],
)
def test_participation_rejects_invalid_values(kwargs) -> None:
    base = {"fiscal_year": 2022, "team": "T", "role": MEMBER}
    with pytest.raises(ValueError):
        Participation(**(base | kwargs))


def test_rule_set_is_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        RuleSet(2022)  # type: ignore[misc]
    rule_set = RuleSet(fiscal_year=2022)
    with pytest.raises(AttributeError):
        rule_set.report_threshold = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"policy_weight": -0.1},
        {"policy_weight": 0, "technical_weight": 0},
        {"min_policy_raters": 0},
        {"report_threshold": float("nan")},
    ],
    ids=["negative weight", "zero weight sum", "zero minimum raters", "nan threshold"],
)
def test_rule_set_rejects_invalid_values(kwargs) -> None:
    with pytest.raises(ValueError):
        RuleSet(fiscal_year=2022, **kwargs)


def test_a_rule_set_filed_under_the_wrong_year_is_rejected() -> None:
    with pytest.raises(ValueError):
        decide([member(2022)], {2022: RuleSet(fiscal_year=2023)})


def test_prior_award_accepts_an_integer_level() -> None:
    assert PriorAward(2, 2022).level is Level.EXPERT


def test_condition_rejects_an_unknown_state() -> None:
    with pytest.raises(ValueError):
        Condition("x", "x", "maybe")


def test_award_for_gives_the_award_of_a_level_or_none() -> None:
    outcome = decide([member(2022)], {})
    assert outcome.award_for(A) == outcome.awards[0]
    assert outcome.award_for(E) is None


def test_awards_are_hashable_despite_dict_evidence() -> None:
    assert hash(Award(A, 2022, {"teams": []})) == hash(Award(A, 2022, {}))


# ---------------------------------------------------------------------- properties

# The required properties run 200 examples; the supplementary ones 100, to keep the
# whole file at a few seconds (data generation dominates the cost).
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
EXTRA_PROPERTY_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=100)
YEARS = st.integers(min_value=2020, max_value=2026)
# Biased towards boundary and passing scores so Expert and Specialist paths occur.
SCORES = st.one_of(
    st.sampled_from([0.0, 40.0, 59.99, 60.0, 65.0, 70.0, 80.0, 100.0]),
    st.floats(min_value=0, max_value=100, allow_nan=False),
)
# Mostly enough raters for a decision, sometimes too few (pending).
SCORE_LISTS = st.one_of(
    st.tuples(SCORES, SCORES),
    st.tuples(SCORES, SCORES, SCORES),
    st.tuples(SCORES),
    st.just(()),
)
THRESHOLDS = st.one_of(st.sampled_from([50.0, 60.0, 70.0]), st.floats(0, 100, allow_nan=False))
TEAMS = st.one_of(st.integers(1, 4), st.sampled_from(["a", "b", "c"]))


def participations_st(years: st.SearchStrategy[int]) -> st.SearchStrategy[Participation]:
    return st.builds(
        Participation,
        fiscal_year=years,
        team=TEAMS,
        role=st.sampled_from([LEADER, LEADER, MEMBER]),
        policy_scores=SCORE_LISTS,
        technical_scores=SCORE_LISTS,
        leadership_scores=SCORE_LISTS,
    )


@st.composite
def rule_set_st(draw, year: int) -> RuleSet:
    policy_weight = draw(st.sampled_from([0.0, 0.5, 0.6, 1.0, 3.0]))
    technical_weight = draw(st.sampled_from([0.4, 0.5, 1.0] + ([0.0] if policy_weight else [])))
    return RuleSet(
        fiscal_year=year,
        report_threshold=draw(THRESHOLDS),
        leadership_threshold=draw(THRESHOLDS),
        policy_weight=policy_weight,
        technical_weight=technical_weight,
        min_policy_raters=draw(st.integers(1, 2)),
        min_technical_raters=draw(st.integers(1, 2)),
        min_leadership_raters=draw(st.integers(1, 2)),
    )


@st.composite
def inputs_st(draw) -> tuple[list[Participation], dict[int, RuleSet], list[PriorAward]]:
    """A person's history: participations within a window of a few fiscal years
    (2020-2026), random rule sets for some of those years and up to two prior awards."""
    first = draw(st.integers(2020, 2023))
    window = st.integers(first, first + 3)
    participations = draw(st.lists(participations_st(window), max_size=5))
    # A few strong leaderships so that Expert and Specialist paths are exercised too.
    strong = st.floats(60, 100)
    strong_scores = st.one_of(st.tuples(strong, strong), st.tuples(strong, strong, strong))
    strong_leader = st.builds(
        Participation, window, TEAMS, st.just(LEADER), strong_scores, strong_scores, strong_scores
    )
    participations += draw(st.lists(strong_leader, max_size=2))
    rule_years = draw(st.sets(window, max_size=3))
    rule_sets = {y: draw(rule_set_st(y)) for y in sorted(rule_years)}
    prior_award = st.builds(PriorAward, st.sampled_from(list(Level)), YEARS)
    prior = draw(
        st.sampled_from([0, 0, 1, 2]).flatmap(
            lambda n: st.lists(prior_award, min_size=n, max_size=n)
        )
    )
    return participations, rule_sets, prior


@PROPERTY_SETTINGS
@given(inputs=inputs_st(), data=st.data())
def test_raising_any_score_never_removes_or_delays_an_awarded_level(inputs, data) -> None:
    participations, rule_sets, prior = inputs
    scored = [
        (i, name)
        for i, p in enumerate(participations)
        for name in ("policy_scores", "technical_scores", "leadership_scores")
        if getattr(p, name)
    ]
    if scored:
        i, name = data.draw(st.sampled_from(scored))
        scores = list(getattr(participations[i], name))
        j = data.draw(st.integers(0, len(scores) - 1))
        scores[j] = data.draw(st.floats(scores[j], 100))
        raised = [*participations]
        raised[i] = dataclasses.replace(participations[i], **{name: scores})
    else:
        raised = participations
    before = awarded(decide(participations, rule_sets, prior))
    after = awarded(decide(raised, rule_sets, prior))
    assert set(before) <= set(after)
    assert all(after[level] <= year for level, year in before.items())


@PROPERTY_SETTINGS
@given(inputs=inputs_st(), data=st.data())
def test_shuffling_the_input_changes_nothing(inputs, data) -> None:
    participations, rule_sets, prior = inputs
    shuffled = [
        Participation(
            p.fiscal_year,
            p.team,
            p.role,
            data.draw(st.permutations(p.policy_scores)),
            data.draw(st.permutations(p.technical_scores)),
            data.draw(st.permutations(p.leadership_scores)),
        )
        for p in data.draw(st.permutations(participations))
    ]
    reordered_rules = dict(reversed(list(rule_sets.items())))
    assert decide(shuffled, reordered_rules, data.draw(st.permutations(prior))) == decide(
        participations, rule_sets, prior
    )


def _direct_reading(participations, rule_sets, prior) -> dict[Level, int]:
    """The awards read straight off the rules' wording (domain.md), one comparison each,
    sharing nothing with `decide` but the two score helpers."""

    def rules_of(year: int) -> RuleSet:
        return rule_sets.get(year, RuleSet(fiscal_year=year))

    def participates(p: Participation) -> bool:
        score = report_score(p, rules_of(p.fiscal_year))
        return score is not None and score >= rules_of(p.fiscal_year).report_threshold

    def leads(p: Participation) -> bool:
        score = leadership_score(p, rules_of(p.fiscal_year))
        threshold = rules_of(p.fiscal_year).leadership_threshold
        return p.is_leader and participates(p) and score is not None and score >= threshold

    participation_years = {p.fiscal_year for p in participations if participates(p)}
    leadership_years = {p.fiscal_year for p in participations if leads(p)}
    held = {a.level for a in prior}
    expected: dict[Level, int] = {}
    if participation_years and A not in held:
        expected[A] = min(participation_years)
    first_advisor = min([*participation_years, *(a.fiscal_year for a in prior)], default=None)
    later = [y for y in leadership_years if first_advisor is not None and y > first_advisor]
    if later and E not in held:
        expected[E] = min(later)
    consecutive = [y for y in leadership_years if y - 1 in leadership_years]
    if consecutive and S not in held:
        expected[S] = min(consecutive)
    return expected


@PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_decide_awards_what_a_direct_reading_of_the_rules_awards(inputs) -> None:
    assert awarded(decide(*inputs)) == _direct_reading(*inputs)


@PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_decide_without_progress_awards_the_same_and_lists_no_progress(inputs) -> None:
    outcome = decide(*inputs, progress=False)
    assert outcome.awards == decide(*inputs).awards
    assert outcome.progress == []


@EXTRA_PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_feeding_awards_back_as_prior_awards_nothing_new_and_keeps_progress(inputs) -> None:
    participations, rule_sets, prior = inputs
    first = decide(participations, rule_sets, prior)
    fed_back = [*prior, *(PriorAward(a.level, a.fiscal_year) for a in first.awards)]
    second = decide(participations, rule_sets, fed_back)
    assert second.awards == []
    assert second.progress == first.progress


@PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_awards_are_at_most_one_per_level_sorted_and_never_for_a_prior_level(inputs) -> None:
    participations, rule_sets, prior = inputs
    levels = [a.level for a in decide(participations, rule_sets, prior).awards]
    assert levels == sorted(set(levels))
    assert not set(levels) & {p.level for p in prior}


@PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_expert_and_specialist_are_never_awarded_without_the_level_below_held(inputs) -> None:
    participations, rule_sets, prior = inputs
    outcome = decide(participations, rule_sets, prior)
    held = {a.level for a in outcome.awards} | {p.level for p in prior}
    if E in awarded(outcome):
        assert A in held
    if S in awarded(outcome):
        assert E in held


@EXTRA_PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_awarded_years_never_decrease_with_level(inputs) -> None:
    years = [a.fiscal_year for a in decide(*inputs).awards]
    assert years == sorted(years)


@EXTRA_PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_progress_targets_the_level_above_the_highest_held(inputs) -> None:
    participations, rule_sets, prior = inputs
    outcome = decide(participations, rule_sets, prior)
    held = {a.level for a in outcome.awards} | {p.level for p in prior}
    expected_codes = {
        None: ["qualifying_participation"],
        A: ["holds_advisor", "leadership_after_advisor"],
        E: ["holds_expert", "consecutive_leadership"],
        S: [],
    }[max(held, default=None)]
    assert [c.code for c in outcome.progress] == expected_codes
    assert all(c.state in (MET, UNMET, PENDING) for c in outcome.progress)
    assert all(c.state != MET for c in outcome.progress if not c.code.startswith("holds_"))


@EXTRA_PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_evidence_and_params_are_json_serialisable(inputs) -> None:
    outcome = decide(*inputs)
    json.dumps([a.evidence for a in outcome.awards], allow_nan=False)
    json.dumps([c.params for c in outcome.progress], allow_nan=False)
