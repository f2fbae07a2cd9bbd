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


class DirectorySignInRefused(DomainError):
    """A directory or identity-provider sign-in the portal does not let in. Nothing was
    written. `code`: unknown, inactive, incomplete, no_identifier."""


class AuditLogIsAppendOnly(Exception):
    """Somebody tried to change or delete an entry of the 操作ログ. A programming error,
    never a user's: nothing in the application offers it."""

    def __init__(self, operation: str):
        super().__init__(f"the audit log is append-only: {operation} refused")


class CareerChangeRefused(DomainError):
    """A transfer, name change or anonymisation that cannot be made as asked (a date out
    of order, the same department, an empty name). Nothing was written."""
