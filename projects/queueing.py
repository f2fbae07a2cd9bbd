"""Enqueueing the projects app's tasks. Imports neither `services` nor `tasks`, so
`services → queueing` closes no circle (`tasks` imports `services`)."""

from __future__ import annotations

from accounts.queueing import enqueue

SEND_CONSENT_REQUESTS = "projects.send_consent_requests"
SEND_HOURS_NOTICES = "projects.send_hours_notices"


def enqueue_consent_requests(*consent_ids: int) -> bool:
    """Queue the e-mails to the 所属長 of these pending consents (none: every one still
    owed). With the broker down nothing is lost: beat sends what is owed hourly."""
    return enqueue(SEND_CONSENT_REQUESTS, list(consent_ids) or None)


def enqueue_hours_notices() -> bool:
    """Queue the mail of over-cap notices to the 所属長. With the broker down nothing is
    lost: the notice stays unsent and beat runs the task hourly."""
    return enqueue(SEND_HOURS_NOTICES)
