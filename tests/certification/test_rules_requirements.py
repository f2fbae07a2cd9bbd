"""A rule set's per-level requirement of a verified qualification or course (issue 12).

Pure like `test_rules.py` (no Django). Off by default: without requirements every
decision is exactly what it was before they existed (properties below); with one, a
level is awarded in a year only when the person holds one of the required keys."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certification.rules import MET, UNMET, Level, RuleSet, decide
from tests.certification.test_rules import (
    PROPERTY_SETTINGS,
    awarded,
    inputs_st,
    leader,
    member,
    states,
)

A, E, S = Level.ADVISOR, Level.EXPERT, Level.SPECIALIST
PASSPORT = "qualification:it_passport"
FE = "qualification:fe"
KEYS = st.frozensets(st.sampled_from([PASSPORT, FE, "course:literacy"]), max_size=3)


def expert_needs(year: int, *keys: str) -> RuleSet:
    return RuleSet(fiscal_year=year, requirements={"expert": keys or (PASSPORT,)})


# --- off by default: nothing changes ----------------------------------------------------------


@PROPERTY_SETTINGS
@given(inputs=inputs_st(), credentials=KEYS)
def test_without_requirements_the_credentials_change_nothing(inputs, credentials) -> None:
    participations, rule_sets, prior = inputs
    assert decide(participations, rule_sets, prior, credentials=credentials) == decide(
        participations, rule_sets, prior
    )


@PROPERTY_SETTINGS
@given(inputs=inputs_st())
def test_empty_requirements_decide_exactly_as_rule_sets_without_the_field(inputs) -> None:
    participations, rule_sets, prior = inputs
    emptied = {
        y: dataclasses.replace(r, requirements={"expert": [], "advisor": ()})
        for y, r in rule_sets.items()
    }
    assert decide(participations, emptied, prior) == decide(participations, rule_sets, prior)


def test_a_rule_set_without_requirements_writes_the_same_evidence_as_before() -> None:
    assert "requirements" not in RuleSet(fiscal_year=2024).as_dict()
    assert RuleSet(fiscal_year=2024, requirements={}) == RuleSet(fiscal_year=2024)


# --- properties with requirements -------------------------------------------------------------


@st.composite
def required_st(draw, rule_sets):
    """The same rule sets (defaults where a year has none) with one random requirement
    each."""
    years = sorted(rule_sets) or [2022]
    result = {}
    for y in years:
        base = rule_sets.get(y) or RuleSet(fiscal_year=y)
        level = draw(st.sampled_from(["advisor", "expert", "specialist"]))
        keys = draw(st.lists(st.sampled_from([PASSPORT, FE]), min_size=1, max_size=2))
        result[y] = dataclasses.replace(base, requirements={level: keys})
    return result


def without_requirements(rule_sets):
    return {y: dataclasses.replace(r, requirements={}) for y, r in rule_sets.items()}


@PROPERTY_SETTINGS
@given(inputs=inputs_st(), credentials=KEYS, data=st.data())
def test_a_requirement_never_adds_nor_advances_a_level(inputs, credentials, data) -> None:
    participations, rule_sets, prior = inputs
    required = data.draw(required_st(rule_sets))
    free = awarded(decide(participations, without_requirements(required), prior))
    gated = awarded(decide(participations, required, prior, credentials=credentials))
    assert set(gated) <= set(free)
    assert all(gated[level] >= free[level] for level in gated)


@PROPERTY_SETTINGS
@given(inputs=inputs_st(), credentials=KEYS, extra=KEYS, data=st.data())
def test_holding_more_verified_keys_never_removes_or_delays_a_level(
    inputs, credentials, extra, data
) -> None:
    participations, rule_sets, prior = inputs
    required = data.draw(required_st(rule_sets))
    before = awarded(decide(participations, required, prior, credentials=credentials))
    after = awarded(decide(participations, required, prior, credentials=credentials | extra))
    assert set(before) <= set(after)
    assert all(after[level] <= year for level, year in before.items())


# --- boundaries -----------------------------------------------------------------------------


def test_expert_needs_the_required_qualification_when_the_year_requires_it() -> None:
    history = [member(2022), leader(2023)]
    outcome = decide(history, {2023: expert_needs(2023)})
    assert awarded(outcome) == {A: 2022}


def test_the_required_qualification_held_gives_expert_in_the_same_year() -> None:
    history = [member(2022), leader(2023)]
    outcome = decide(history, {2023: expert_needs(2023)}, credentials={PASSPORT})
    assert awarded(outcome) == {A: 2022, E: 2023}


def test_another_qualification_does_not_stand_in_for_the_required_one() -> None:
    history = [member(2022), leader(2023)]
    outcome = decide(history, {2023: expert_needs(2023)}, credentials={FE})
    assert E not in awarded(outcome)


def test_any_one_of_the_required_keys_is_enough() -> None:
    history = [member(2022), leader(2023)]
    outcome = decide(history, {2023: expert_needs(2023, PASSPORT, FE)}, credentials={FE})
    assert awarded(outcome)[E] == 2023


def test_a_later_year_without_the_requirement_still_awards_expert_in_that_year() -> None:
    history = [member(2022), leader(2023), leader(2024, team="L2")]
    outcome = decide(history, {2023: expert_needs(2023)})
    assert awarded(outcome)[E] == 2024


def test_a_requirement_of_another_level_does_not_gate_expert() -> None:
    history = [member(2022), leader(2023)]
    rules = {2023: RuleSet(fiscal_year=2023, requirements={"specialist": [PASSPORT]})}
    assert awarded(decide(history, rules))[E] == 2023


def test_an_advisor_requirement_unmet_holds_back_advisor_and_what_builds_on_it() -> None:
    history = [member(2022), leader(2023)]
    rules = {2022: RuleSet(fiscal_year=2022, requirements={"advisor": [PASSPORT]})}
    assert awarded(decide(history, rules)) == {A: 2023}


def test_specialist_needs_the_requirement_of_the_second_consecutive_year() -> None:
    history = [member(2021), leader(2022), leader(2023, team="L2")]
    rules = {2023: RuleSet(fiscal_year=2023, requirements={"specialist": [PASSPORT]})}
    assert S not in awarded(decide(history, rules))
    assert awarded(decide(history, rules, credentials={PASSPORT}))[S] == 2023


def test_the_checklist_shows_an_unmet_requirement_of_the_next_level() -> None:
    outcome = decide([member(2023)], {2023: expert_needs(2023)})
    assert ("verified_requirement", UNMET) in states(outcome)


def test_the_checklist_shows_the_requirement_met_once_the_key_is_held() -> None:
    outcome = decide([member(2023)], {2023: expert_needs(2023)}, credentials={PASSPORT})
    assert ("verified_requirement", MET) in states(outcome)


def test_the_requirement_line_names_the_keys_in_japanese_wording() -> None:
    outcome = decide([member(2023)], {2023: expert_needs(2023)})
    line = next(c for c in outcome.progress if c.code == "verified_requirement")
    assert line.params["keys"] == [PASSPORT]
    assert line.label.startswith("人事担当が確認した資格・研修")


def test_no_requirement_line_when_the_next_level_requires_nothing() -> None:
    outcome = decide(
        [member(2023)],
        {2023: RuleSet(fiscal_year=2023, requirements={"advisor": [PASSPORT]})},
        credentials={PASSPORT},
    )
    assert "verified_requirement" not in [c.code for c in outcome.progress]


def test_a_rule_set_with_requirements_names_them_in_the_evidence() -> None:
    assert expert_needs(2023).as_dict()["requirements"] == {"expert": [PASSPORT]}


@pytest.mark.parametrize(
    "requirements",
    [{"master": [PASSPORT]}, {"expert": PASSPORT}, {"expert": [""]}, {"expert": [3]}],
)
def test_malformed_requirements_are_rejected(requirements) -> None:
    with pytest.raises(ValueError):
        RuleSet(fiscal_year=2023, requirements=requirements)
