"""Demo certifications: recompute everyone from the demo projects and evaluations.

Deterministic and idempotent: the recompute applies only a difference, so a second run
changes nothing. No emails (the demo's awards are history, not news).
"""

from .services import certifications_recompute


def seed() -> dict[str, int]:
    return certifications_recompute(notify=False)
