"""The evaluation score formula (evaluations/rules.py): pure, no database."""

from decimal import Decimal

import pytest

from evaluations.rules import evaluation_score


def test_all_ones_score_zero_and_all_fives_score_one_hundred():
    assert evaluation_score([(1, Decimal(1)), (1, Decimal(2))]) == Decimal("0.00")
    assert evaluation_score([(5, Decimal(1)), (5, Decimal("0.5"))]) == Decimal("100.00")


def test_the_score_is_the_weighted_mean_mapped_to_0_100_rounded_to_two_decimals():
    # (4×1 + 3×1.5 + 5×0.5) / 3 = 11/3 → (11/3 − 1) / 4 × 100 = 66.666… → 66.67
    pairs = [(4, Decimal("1")), (3, Decimal("1.5")), (5, Decimal("0.5"))]
    assert evaluation_score(pairs) == Decimal("66.67")


def test_a_score_exactly_half_way_rounds_up_not_to_even():
    # (1×1 + 4×7) / 8 = 3.625 → 65.625: half up gives 65.63, half even would give 65.62
    assert evaluation_score([(1, 1), (4, 7)]) == Decimal("65.63")


def test_the_weighted_mean_counts_weights_not_criteria():
    assert evaluation_score([(5, 1), (3, 3)]) == Decimal("62.50")  # mean 3.5


def test_float_weights_count_as_written():
    assert evaluation_score([(5, 0.1), (5, 0.2), (5, 0.7)]) == Decimal("100.00")
    assert evaluation_score([(2, 0.1), (4, 0.1)]) == Decimal("50.00")


def test_the_pairs_may_come_from_a_generator():
    assert evaluation_score((s, 1) for s in (2, 4)) == Decimal("50.00")


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [(0, 1)],
        [(6, 1)],
        [(3, 0)],
        [(3, -1)],
        [(float("nan"), 1)],
        [(3, float("inf"))],
        [("x", 1)],
    ],
    ids=[
        "empty",
        "below one",
        "above five",
        "zero weight",
        "negative weight",
        "nan",
        "inf",
        "not a number",
    ],
)
def test_invalid_pairs_are_refused(pairs):
    with pytest.raises(ValueError):
        evaluation_score(pairs)


def test_scores_just_inside_the_range_are_accepted():
    assert evaluation_score([(1, 1)]) == Decimal("0.00")
    assert evaluation_score([(5, 1)]) == Decimal("100.00")
