"""Refusals of the evaluations app. Each carries a Japanese, translatable message."""

from accounts.exceptions import DomainError


class EvaluationError(DomainError):
    """Base class of every refusal in this app."""


class RubricLocked(EvaluationError):
    """A rubric with evaluations keeps its criteria and weights (copy it instead)."""


class ScoringClosed(EvaluationError):
    """The meeting or window does not accept scores now."""


class NotAllowed(EvaluationError):
    """This person may not give this evaluation (role or conflict of interest)."""


class InvalidScores(EvaluationError):
    """The submitted scores do not fit the rubric."""


class InvalidMaterials(EvaluationError):
    """An uploaded presentation file is not an acceptable PDF/PPTX."""
