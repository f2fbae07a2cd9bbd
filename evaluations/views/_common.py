"""Helpers shared by the evaluation pages: the role check, posted scores, service calls."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..exceptions import EvaluationError


def role_required(predicate):
    """Anonymous → login; a role outside `predicate` → 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _scores_from_post(post) -> dict[str, str]:
    """Every `score_<criterion id>` field as sent; the service checks them all, so a
    forged criterion id is refused with a message rather than silently dropped."""
    return {
        key.removeprefix("score_"): value for key, value in post.items() if key.startswith("score_")
    }


def _criteria_rows(criteria, scores: dict[int, int]):
    return [
        {
            "criterion": c,
            "value": scores.get(c.pk),
            "points": [
                (i, (c.point_labels[i - 1] if len(c.point_labels or []) >= i else ""))
                for i in range(1, 6)
            ],
        }
        for c in criteria
    ]


def _posted_scores(post) -> dict[int, int]:
    result = {}
    for key, value in _scores_from_post(post).items():
        try:
            result[int(key)] = int(value)
        except (TypeError, ValueError):
            continue
    return result


def _service_call(request, func, success: str, /, **kwargs) -> bool:
    try:
        func(**kwargs)
    except EvaluationError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True
