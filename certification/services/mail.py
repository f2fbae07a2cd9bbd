"""Award e-mails, at-least-once.

A published certification carries `announced_at = None` until its e-mail is sent. Each
mail is sent on its own; those sent are then marked (one update); a failure leaves the
rest unaffected and is retried (by the task's retry and the hourly sweep), so nobody is
forgotten. A crash between sending and marking means someone may hear twice — never not
at all.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.fiscal import fiscal_year_label, wareki_date

from ..models import Certification

logger = logging.getLogger(__name__)


class AwardEmailsFailed(Exception):
    """Some award e-mails could not be sent (ids only); they stay owed."""


def _message(cert: Certification) -> EmailMessage:
    context = {
        "cert": cert,
        "user": cert.user,
        "level": cert.get_level_display(),
        "year": fiscal_year_label(cert.fiscal_year),
        "decided_on": wareki_date(cert.decided_on),
        "site_url": settings.SITE_URL.rstrip("/"),
        "city": settings.CITY_NAME,
    }
    subject = render_to_string("certification/email/awarded_subject.txt", context)
    body = render_to_string("certification/email/awarded_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[cert.user.email])


def send_award_emails(*, certification_ids: Iterable[int] | None = None) -> int:
    """E-mail each person their new certification (Japanese): every held certification
    of `certification_ids` (None: every one) whose e-mail is still owed. Marks those
    sent as announced. Raises AwardEmailsFailed (after trying all of
    them) if any send failed, so the task is retried. Returns how many were sent."""
    qs = Certification.objects.filter(
        status__in=Certification.HELD, announced_at__isnull=True
    ).select_related("user")
    if certification_ids is not None:
        qs = qs.filter(pk__in=list(certification_ids))
    certs = list(qs.order_by("pk"))
    sent, failed, done = 0, [], []
    if not certs:
        return 0
    connection = get_connection()
    try:
        with translation.override("ja"):
            for cert in certs:
                if cert.user.email:
                    try:
                        connection.send_messages([_message(cert)])
                    except (smtplib.SMTPException, OSError):  # this one stays owed
                        logger.exception("award e-mail failed for certification %s", cert.pk)
                        failed.append(cert.pk)
                        continue
                    sent += 1
                # Sent, or no address (nothing can be sent): nothing stays owed.
                done.append(cert.pk)
    finally:
        # One write for all of them (constant queries); a crash before it means these
        # people may hear twice, never not at all.
        if done:
            Certification.objects.filter(pk__in=done).update(announced_at=timezone.now())
    if failed:
        raise AwardEmailsFailed(failed)
    return sent
