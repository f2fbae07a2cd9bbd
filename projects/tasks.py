"""Celery tasks of the projects app: thin wrappers around services."""

from celery import shared_task
from django.db import OperationalError

from . import services
from .queueing import SEND_CONSENT_REQUESTS, SEND_HOURS_NOTICES

MAIL_RETRIES = {
    # OSError covers smtplib.SMTPException, ConnectionError and timeouts.
    "autoretry_for": (OSError, OperationalError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name=SEND_CONSENT_REQUESTS, **MAIL_RETRIES)
def send_consent_requests(consent_ids: list[int] | None = None) -> int:
    """E-mail each 所属長 the applications waiting for them (at least once: a request
    is marked notified only after its mails were accepted)."""
    return services.consent_requests_send(consent_ids=consent_ids)


@shared_task(name=SEND_HOURS_NOTICES, **MAIL_RETRIES)
def send_hours_notices() -> int:
    """Mail the 所属長 of each week that went over its project's cap, once per person ×
    project × week (HoursNotice). Retry-safe: a notice is marked sent only once sent."""
    return services.hours_notices_send()
