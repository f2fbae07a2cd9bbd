"""Celery tasks: thin wrappers around `certification.services`, taking primary keys.

All are idempotent (the recompute writes only a difference), acknowledged late (a worker
lost mid-task means the task runs again, harmlessly) and retried with exponential
backoff and jitter on transient errors only.
"""

import logging

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
from .models import RecomputeRun, StaleUser

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

RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="certification.recompute_users", **RETRY)
def recompute_users(user_ids: list[int]) -> dict:
    """Recompute the given people (e.g. the teams of a meeting that just closed)."""
    return services.certifications_recompute(user_ids=[int(i) for i in user_ids])


@shared_task(name="certification.recompute_all", **RETRY)
def recompute_all(run_id: int) -> dict:
    """Recompute everyone, reporting progress on RecomputeRun `run_id`. A finished run is
    not run again (a redelivered message is a no-op)."""
    run = RecomputeRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RecomputeRun.Status.DONE:
        return {}
    try:
        return services.certifications_recompute(run=run)
    except TRANSIENT_ERRORS:
        raise  # retried; the run stays "running" and restarts from zero
    except Exception:
        RecomputeRun.objects.filter(pk=run_id).update(
            status=RecomputeRun.Status.FAILED, finished_at=timezone.now()
        )
        raise


@shared_task(name="certification.recompute_stale", **RETRY)
def recompute_stale() -> dict:
    """Nightly sweep: recompute whoever is still marked stale (e.g. Redis was down when
    their meeting closed). The recompute deletes the markers it handled."""
    user_ids = list(StaleUser.objects.values_list("user_id", flat=True))
    if not user_ids:
        return {"people": 0}
    return services.certifications_recompute(user_ids=user_ids)


@shared_task(name="certification.send_award_emails", acks_late=True)
def send_award_emails(certification_ids: list[int]) -> int:
    """Announce new certifications by email. Not retried automatically: a retry after a
    partial send would email some people twice; a failure is logged by the service."""
    return services.send_award_emails(certification_ids=certification_ids)


def enqueue_award_emails(certification_ids: list[int]) -> None:
    """Queue the award emails; with the broker down, send them in this process instead
    (the awards are committed already, and the people should still hear of them)."""
    try:
        send_award_emails.delay(sorted(certification_ids))
    except BROKER_ERRORS:
        logger.warning("award emails not queued (broker down); sending inline")
        services.send_award_emails(certification_ids=certification_ids)


def enqueue_recompute_users(user_ids: list[int]) -> bool:
    """Queue `recompute_users`; if the broker is down, log (ids only) and return False.
    Callers have marked the people stale first, so the nightly sweep catches up."""
    try:
        recompute_users.delay(sorted(user_ids))
    except BROKER_ERRORS as error:
        logger.warning(
            "certification recompute not queued (broker down: %s); %d users stay stale: %s",
            type(error).__name__,
            len(user_ids),
            sorted(user_ids),
        )
        return False
    return True
