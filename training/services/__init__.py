"""The training app's writes (one gate for every write: views, admin, commands, demo)."""

from ._common import certificate_check
from .courses import attendance_record, course_create
from .records import external_course_register, qualification_register, record_return, record_verify

__all__ = [
    "attendance_record",
    "certificate_check",
    "course_create",
    "external_course_register",
    "qualification_register",
    "record_return",
    "record_verify",
]
