"""Celery tasks: thin wrappers around `certification.services`, taking primary keys.

All are idempotent (the recompute writes only a difference; an award e-mail is marked
sent once sent), acknowledged late (a worker lost mid-task means the task runs again,
harmlessly) and retried with exponential backoff and jitter on transient errors only.
Queueing lives in `certification.enqueue` (no services there, no import circle).
"""

import logging

from celery import group, shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .enqueue import TRANSIENT_ERRORS
from .models import RecomputeRun, StaleUser

logger = logging.getLogger(__name__)

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


def _failed(run_id: int) -> None:
    RecomputeRun.objects.filter(pk=run_id).update(
        status=RecomputeRun.Status.FAILED, finished_at=timezone.now()
    )


@shared_task(name="certification.recompute_all", **RETRY)
def recompute_all(run_id: int) -> dict:
    """Recompute everyone (or the run's `user_ids`), reporting progress on RecomputeRun
    `run_id`. A finished run is not run again (a redelivered message is a no-op).

    Everyone: the run's ranges of user ids (planned once, on the run) are queued as one
    `recompute_range` task each, a Celery group that as many workers as there are share.
    Queueing an unfinished run again queues only its unfinished ranges (e.g. after a
    worker was killed)."""
    run = RecomputeRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RecomputeRun.Status.DONE:
        return {}
    try:
        if run.user_ids is None and settings.CERTIFICATION_RECOMPUTE_RANGE:
            ranges = services.run_plan(run_id, settings.CERTIFICATION_RECOMPUTE_RANGE)
            group(recompute_range.si(run_id, low, high) for low, high in ranges).apply_async()
            return {"ranges": len(ranges)}
        return services.certifications_recompute(run=run, user_ids=run.user_ids)
    except TRANSIENT_ERRORS:
        raise  # retried; the run stays "running" and restarts from zero
    except Exception:
        _failed(run_id)
        raise


@shared_task(name="certification.recompute_range", reject_on_worker_lost=True, **RETRY)
def recompute_range(run_id: int, low: int, high: int) -> dict:
    """One range [low, high) of a full run. Idempotent: a finished range is a no-op; a
    worker lost mid-range rolls the range back and the message is delivered again."""
    try:
        return services.recompute_range(run_id, low, high)
    except TRANSIENT_ERRORS:
        raise  # retried; the range restarts from zero
    except Exception:
        _failed(run_id)
        raise


@shared_task(name="certification.recompute_stale", **RETRY)
def recompute_stale() -> dict:
    """Nightly sweep: recompute whoever is still marked stale (e.g. Redis was down when
    their meeting closed). The recompute deletes the markers it handled."""
    user_ids = list(StaleUser.objects.values_list("user_id", flat=True))
    if not user_ids:
        return {"people": 0}
    return services.certifications_recompute(user_ids=user_ids)


_MAIL_RETRY = {**RETRY, "autoretry_for": (*TRANSIENT_ERRORS, services.AwardEmailsFailed)}


@shared_task(name="certification.send_award_emails", **_MAIL_RETRY)
def send_award_emails(certification_ids: list[int]) -> int:
    """Announce new certifications by e-mail. Retried: only mails still owed are sent
    again (each is marked when sent), so a retry never mails anyone twice on purpose."""
    return services.send_award_emails(certification_ids=certification_ids)


@shared_task(name="certification.send_owed_award_emails", **_MAIL_RETRY)
def send_owed_award_emails() -> int:
    """Hourly sweep: every award e-mail still owed (the broker or SMTP was down)."""
    return services.send_award_emails()
