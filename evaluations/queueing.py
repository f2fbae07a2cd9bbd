"""Enqueueing the evaluations app's tasks. Imports neither `services` nor `tasks`, so
`services → queueing` closes no circle (`tasks` imports `services`)."""

from __future__ import annotations

from accounts.queueing import enqueue

SEND_REMINDERS = "evaluations.send_reminders"


def enqueue_reminders() -> bool:
    """Queue the reminder run. With the broker down, nothing is lost: beat runs it
    hourly, and ReminderLog keeps each rater × deadline to one e-mail."""
    return enqueue(SEND_REMINDERS)
