"""Enqueueing the projects app's tasks. Imports neither `services` nor `tasks`, so
`services → queueing` closes no circle (`tasks` imports `services`)."""

from __future__ import annotations

from accounts.queueing import enqueue

SEND_CONSENT_REQUESTS = "projects.send_consent_requests"


def enqueue_consent_requests(*consent_ids: int) -> bool:
    """Queue the e-mails to the 所属長 of these pending consents (none: every one still
    owed). With the broker down nothing is lost: beat sends what is owed hourly."""
    return enqueue(SEND_CONSENT_REQUESTS, list(consent_ids) or None)
