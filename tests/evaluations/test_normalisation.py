"""The pure per-rater normalisation (evaluations/normalisation.py): cases and properties.

No database: plain dictionaries of (rater, team) → 0–100 score, as one meeting and one
perspective give them."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.normalisation import (
    MIN_TEAMS,
    NO_SPREAD,
    NORMALISED,
    TOO_FEW,
    normalise,
    normalise_groups,
)

PROPERTIES = settings(max_examples=150, deadline=None)

# Evaluation scores are stored with two decimals in 0..100.
score = st.integers(0, 10000).map(lambda n: Decimal(n) / 100)


@st.composite
def meetings(draw, min_raters=1, max_raters=5, min_teams=1, max_teams=6):
    """{(rater, team): score}, every rater scoring some of the teams."""
    teams = [f"t{i}" for i in range(draw(st.integers(min_teams, max_teams)))]
    raters = [f"r{i}" for i in range(draw(st.integers(min_raters, max_raters)))]
    result = {}
    for rater in raters:
        scored = draw(st.lists(st.sampled_from(teams), min_size=1, unique=True))
        for team in scored:
            result[(rater, team)] = draw(score)
    return result


def test_a_harsh_and_a_lenient_rater_end_on_the_same_scale():
    harsh = {("harsh", t): s for t, s in zip("abc", (40, 50, 60), strict=True)}
    lenient = {("lenient", t): s for t, s in zip("abc", (80, 90, 100), strict=True)}

    result = normalise(harsh | lenient)

    assert result.scores[("harsh", "a")] == pytest.approx(result.scores[("lenient", "a")])
    assert result.scores[("harsh", "c")] == pytest.approx(result.scores[("lenient", "c")])
    assert result.raters["harsh"].mean == 50
    assert result.raters["lenient"].mean == 90


def test_a_rater_is_normalised_with_three_teams_and_not_with_two():
    three = {("r", t): s for t, s in zip("abc", (40, 50, 60), strict=True)}
    two = {("q", t): s for t, s in zip("ab", (90, 100), strict=True)}

    result = normalise(three | two)

    assert result.raters["r"].treatment == NORMALISED
    assert result.raters["q"].treatment == TOO_FEW
    assert result.scores[("q", "a")] == 90  # passed through raw
    assert result.z[("q", "a")] is None
    assert MIN_TEAMS == 3


def test_a_rater_who_gave_everyone_the_same_score_counts_as_the_meetings_mean():
    flat = {("flat", t): 80 for t in "abc"}
    other = {("other", t): s for t, s in zip("abc", (40, 60, 80), strict=True)}

    result = normalise(flat | other)

    assert result.raters["flat"].treatment == NO_SPREAD
    assert result.raters["flat"].spread == 0
    overall = (80 * 3 + 40 + 60 + 80) / 6
    assert result.scores[("flat", "b")] == pytest.approx(overall)
    assert result.z[("flat", "b")] == 0


def test_a_meeting_where_every_score_is_the_same_stays_as_it_is():
    same = {(r, t): 70 for r in ("x", "y", "z") for t in "abcd"}

    result = normalise(same)

    assert result.spread == 0
    assert {m.normalised for m in result.subjects.values()} == {70}


def test_normalised_scores_stay_on_the_0_to_100_scale():
    # A rater with a narrow spread mapped onto a wide meeting would leave the scale.
    narrow = {("n", t): s for t, s in zip("abc", (49, 50, 51), strict=True)}
    wide = {("w", t): s for t, s in zip("abc", (0, 100, 100), strict=True)}

    result = normalise(narrow | wide)

    assert all(0 <= v <= 100 for v in result.scores.values())


def test_no_scores_give_an_empty_result():
    result = normalise({})

    assert result.mean is None and result.subjects == {}


@pytest.mark.parametrize("bad", [Decimal("100.01"), -1, float("nan"), "70", True])
def test_a_score_that_is_not_a_number_in_0_to_100_is_refused(bad):
    with pytest.raises(ValueError):
        normalise({("r", "a"): bad})


def test_min_teams_must_be_at_least_one():
    with pytest.raises(ValueError):
        normalise({("r", "a"): 50}, min_teams=0)


def test_groups_are_normalised_per_meeting_and_perspective():
    rows = [
        (1, "policy", "r", "a", 40),
        (1, "policy", "r", "b", 60),
        (1, "technical", "r", "a", 90),
        (2, "policy", "r", "a", 10),
    ]

    result = normalise_groups(rows)

    assert set(result) == {(1, "policy"), (1, "technical"), (2, "policy")}
    assert result[(1, "policy")].subjects["a"].raw == 40


def test_groups_refuse_two_scores_of_one_team_by_one_rater_at_one_meeting():
    with pytest.raises(ValueError):
        normalise_groups([(1, "policy", "r", "a", 40), (1, "policy", "r", "a", 60)])


# --------------------------------------------------------------------------- properties


@PROPERTIES
@given(meetings(), st.integers(-5000, 5000).map(lambda n: Decimal(n) / 100), st.data())
def test_adding_a_constant_to_one_raters_scores_leaves_the_normalised_means_unchanged(
    scores, shift, data
):
    """For a given target distribution (the meeting's before the shift), exactly; and
    every z-score is unchanged whatever the target."""
    rater = data.draw(st.sampled_from(sorted({r for r, _ in scores})))
    shifted = {k: (v + shift if k[0] == rater else v) for k, v in scores.items()}
    if not all(0 <= v <= 100 for v in shifted.values()):
        return  # the shifted scores must still be scores
    before = normalise(scores)
    target = (Decimal(repr(before.mean)), Decimal(repr(before.spread)))

    fixed_before = normalise(scores, onto=target)
    fixed_after = normalise(shifted, onto=target)
    after = normalise(shifted)

    assert after.z == before.z
    if before.raters[rater].treatment != TOO_FEW:
        assert {s: m.normalised for s, m in fixed_after.subjects.items()} == {
            s: m.normalised for s, m in fixed_before.subjects.items()
        }


@PROPERTIES
@given(meetings(), st.randoms(use_true_random=False))
def test_renaming_and_reordering_raters_changes_nothing(scores, rng):
    raters = sorted({r for r, _ in scores})
    renamed = raters[:]
    rng.shuffle(renamed)
    mapping = dict(zip(raters, renamed, strict=True))
    items = list(scores.items())
    rng.shuffle(items)
    permuted = {(mapping[r], t): v for (r, t), v in items}

    before = normalise(scores)
    after = normalise(permuted)

    assert after.subjects == before.subjects
    assert (after.mean, after.spread) == (before.mean, before.spread)


@PROPERTIES
@given(
    st.lists(score, min_size=1, max_size=8),
    st.integers(1, 6),
)
def test_with_identical_raters_raw_equals_normalised(team_scores, rater_count):
    scores = {
        (f"r{r}", f"t{t}"): value
        for r in range(rater_count)
        for t, value in enumerate(team_scores)
    }

    result = normalise(scores)

    for means in result.subjects.values():
        assert means.normalised == means.raw


@PROPERTIES
@given(meetings())
def test_normalised_means_are_on_the_scale_and_count_the_same_raters(scores):
    result = normalise(scores)

    for team, means in result.subjects.items():
        assert 0 <= means.normalised <= 100
        assert means.raters == sum(1 for _, t in scores if t == team)


@PROPERTIES
@given(meetings(min_teams=1, max_teams=2))
def test_with_fewer_than_three_teams_nobody_is_normalised(scores):
    result = normalise(scores)

    for means in result.subjects.values():
        assert means.normalised == means.raw
