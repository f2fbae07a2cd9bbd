"""Celery tasks of the evaluations app: thin wrappers around services."""

from celery import shared_task
from django.db import OperationalError

from . import services
from .queueing import SEND_REMINDERS


@shared_task(
    name=SEND_REMINDERS,
    # OSError covers smtplib.SMTPException, ConnectionError and timeouts.
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_reminders() -> int:
    """E-mail raters who have not answered (open meetings; leadership windows closing
    tomorrow). Idempotent and retry-safe: a reminder is recorded (ReminderLog) only once
    it is sent, so a retry after an SMTP error sends exactly the ones still missing."""
    return services.reminders_send()
