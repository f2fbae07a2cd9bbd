"""Celery tasks of the projects app: thin wrappers around services."""

from celery import shared_task
from django.db import OperationalError

from . import services
from .queueing import SEND_HOURS_NOTICES


@shared_task(
    name=SEND_HOURS_NOTICES,
    # OSError covers smtplib.SMTPException, ConnectionError and timeouts.
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_hours_notices() -> int:
    """Mail the 所属長 of each week that went over its project's cap, once per person ×
    project × week (HoursNotice). Retry-safe: a notice is marked sent only once sent."""
    return services.hours_notices_send()
