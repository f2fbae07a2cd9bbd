"""Refusals of the showcase app, each with a translatable Japanese message."""

from accounts.exceptions import DomainError


class ShowcaseError(DomainError):
    """Base class of every refusal in the showcase app."""


class NotPublishable(ShowcaseError):
    """The team's results may not be published (yet)."""


class NotAllowed(ShowcaseError):
    pass


class InvalidData(ShowcaseError):
    pass


class WrongState(ShowcaseError):
    pass
