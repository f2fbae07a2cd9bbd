class DomainError(Exception):
    """A refusal with a translatable message for the user. Each app subclasses it in its
    own `exceptions.py`; views show `str(error)` with `messages.error`."""

    def __init__(self, message, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


class RosterFileError(DomainError):
    """The roster file cannot be read at all (format, encoding, missing columns)."""


class RoleGrantRefused(DomainError):
    """A role change that the person making it may not make (separation of duties)."""
