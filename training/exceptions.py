"""Refusals of the training app, each with a translatable Japanese message."""

from accounts.exceptions import DomainError


class TrainingError(DomainError):
    """Base class of every refusal in the training app."""


class InvalidRecord(TrainingError):
    """The submitted values break a rule (dates, duplicates, the certificate file)."""


class WrongState(TrainingError):
    """The record is not in a state that allows this (e.g. already verified)."""


class NotAllowed(TrainingError):
    """The person may not do this (e.g. verify their own record)."""
