"""Celery tasks of the evaluations app: thin wrappers around services."""

import smtplib

from celery import shared_task
from django.db import OperationalError

from . import services
from .queueing import SEND_REMINDERS


@shared_task(
    name=SEND_REMINDERS,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_reminders() -> int:
    """E-mail raters who have not answered (open meetings; leadership windows closing
    tomorrow). Idempotent: ReminderLog keeps each rater × deadline to one e-mail."""
    return services.reminders_send()
