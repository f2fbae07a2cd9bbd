"""Writes of the accounts app: the staff roster import (`roster_files` reads a file,
`roster` checks and applies it) and a person's roles (`roles`). Directory sign-in's writes are in `accounts.directory.services`."""

from .roles import user_roles_set
from .roster import roster_import
from .roster_files import (
    COLUMNS,
    FIELD_LABELS,
    REQUIRED,
    PersonChange,
    RosterResult,
    RosterRow,
    RowError,
    read_roster_file,
)

__all__ = [
    "COLUMNS",
    "FIELD_LABELS",
    "REQUIRED",
    "PersonChange",
    "RosterResult",
    "RosterRow",
    "RowError",
    "read_roster_file",
    "roster_import",
    "user_roles_set",
]
