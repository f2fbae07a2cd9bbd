"""Queueing certification tasks, and what a broker outage means. Imports no services
(and not `certification.tasks`): tasks are looked up by name in the Celery app, so
services and tasks do not import each other.

A broker outage is handled one way everywhere: the work is first recorded in the
database (people marked stale, a run row, an award e-mail still owed), the task is queued
after commit, and if the broker is down the failure is logged with ids only and the
caller is told (False). A scheduled sweep picks the recorded work up later.
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
#: Worth retrying: the database or the broker hiccuped.
TRANSIENT_ERRORS = (OperationalError, *BROKER_ERRORS)


def enqueue(task_name: str, *args) -> bool:
    """Queue `task_name` with `args`; False (logged, ids only) if the broker is down."""
    try:
        current_app.tasks[task_name].delay(*args)
    except BROKER_ERRORS as error:
        logger.warning(
            "%s not queued (broker down: %s); args %s", task_name, type(error).__name__, args
        )
        return False
    return True


def enqueue_recompute_users(user_ids) -> bool:
    """Queue `recompute_users`. Callers have marked the people stale first, so the nightly
    sweep catches up if the broker is down."""
    return enqueue("certification.recompute_users", sorted({int(i) for i in user_ids}))


def enqueue_recompute_all(run_id: int) -> bool:
    """Queue a full recompute reporting on RecomputeRun `run_id`."""
    return enqueue("certification.recompute_all", int(run_id))


def enqueue_award_emails(certification_ids) -> bool:
    """Queue the award e-mails. The certifications carry `announced_at = None` until
    their e-mail is sent, so the hourly sweep sends them if the broker is down."""
    return enqueue("certification.send_award_emails", sorted({int(i) for i in certification_ids}))
