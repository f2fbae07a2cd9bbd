"""Pure rules of the evaluations app: plain values in, plain values out; no ORM.

The one home of the evaluation score formula. The scoring service stores what this
returns; the certification app reads the stored scores and never recomputes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SCORE_PLACES = Decimal("0.01")


def _decimal(value) -> Decimal:
    """A Decimal of `value`; floats through their shortest repr (0.1 → 0.1, not the
    binary 0.1000000000000000055…)."""
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValueError(f"not a number: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def evaluation_score(pairs: Iterable[tuple[int, Decimal | int | float | str]]) -> Decimal:
    """The 0–100 score of one evaluation from its (criterion score 1–5, weight > 0) pairs:
    the weighted mean mapped by (mean − 1) / 4 × 100, rounded half up to 2 decimals
    (12.125 → 12.13). All 1 → 0.00; all 5 → 100.00.

    Raises ValueError on no pairs, a score outside 1..5 or a weight ≤ 0 (or not a
    finite number)."""
    values = [(_decimal(score), _decimal(weight)) for score, weight in pairs]
    if not values:
        raise ValueError("evaluation_score needs at least one (score, weight) pair")
    for score, weight in values:
        if not 1 <= score <= 5:
            raise ValueError(f"criterion score must be within 1..5, got {score}")
        if weight <= 0:
            raise ValueError(f"criterion weight must be > 0, got {weight}")
    total_weight = sum((weight for _score, weight in values), Decimal(0))
    mean = sum((score * weight for score, weight in values), Decimal(0)) / total_weight
    return ((mean - 1) / 4 * 100).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
