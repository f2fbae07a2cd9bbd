"""Enqueueing Celery tasks, and the one way every app treats a broker outage.

A page or a service that enqueues work after its commit must not fail because Redis is
down: the write is already committed, and the work is caught up later (beat runs the
reminders hourly; the certification sweep recomputes stale people nightly). `enqueue`
sends a task by its registered name (so an app's services never import its tasks
module, which imports the services), logs an outage without personal data and returns
False. Any other error is a bug and propagates.
"""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from celery import current_app
from django.db import OperationalError

logger = logging.getLogger(__name__)

#: The broker is unreachable: enqueueing failed.
BROKER_ERRORS = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionRefusedError,
)
#: Worth retrying inside a task: the database or the broker hiccuped.
TRANSIENT_ERRORS = (OperationalError, *BROKER_ERRORS)


def enqueue(task_name: str, *args) -> bool:
    """Queue the registered task `task_name` with `args` (ids only). True when queued;
    False, logged, when the broker is down. Runs the task in-process when Celery is
    eager (development without a broker, tests)."""
    try:
        current_app.signature(task_name, args=args).delay()
    except BROKER_ERRORS as error:
        logger.warning("%s not queued (broker down: %s)", task_name, type(error).__name__)
        return False
    return True
