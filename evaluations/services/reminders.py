"""E-mail reminders to raters who have not answered yet."""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.fiscal import wareki_date
from accounts.models import User

from ..models import LeadershipWindow, ReminderLog, ReportMeeting
from ..selectors import leadership_pending_raters, meeting_pending_raters

logger = logging.getLogger(__name__)


def _remind(*, user: User, key: str, subject: str, template: str, context: dict, done: set) -> bool:
    """Send one reminder unless `(user, key)` is already recorded, then record it.

    At-least-once: the ReminderLog row is written only after the mail server accepted
    the mail, so a failed send is retried by the next run. A crash between the two
    could send the same reminder twice; that is the price of never losing one."""
    if not user.email or (user.pk, key) in done:
        return False
    with translation.override("ja"):
        body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    ReminderLog.objects.get_or_create(user=user, key=key)
    done.add((user.pk, key))
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail raters who have not answered yet; returns how many reminders were sent.

    - Open report meeting: executives (policy) and experts (technical) who have not
      scored every presentation they may score. Key `meeting:<id>`.
    - Open leadership window closing tomorrow: members (taking part `today`, not on
      leave or ended) and invited colleagues who have not evaluated their leader. Key `window:<id>:<closes_on>`.
    At least once per rater and key, normally exactly once: each mail is sent on its own
    and recorded in ReminderLog (unique per rater and key) only after the mail server
    accepted it. When some sends fail, the others are still sent and recorded, and the
    first error is raised at the end so that the task retries: the retry sends only the
    missing ones."""

    today = today or timezone.localdate()
    due: list[dict] = []
    for meeting in ReportMeeting.objects.filter(status=ReportMeeting.Status.OPEN).select_related(
        "project"
    ):
        for user, missing in meeting_pending_raters(meeting=meeting):
            due.append(
                {
                    "user": user,
                    "key": f"meeting:{meeting.pk}",
                    "subject": _("【DX人材ポータル】報告会の評価をお願いします"),
                    "template": "evaluations/email/meeting_reminder.txt",
                    "context": {
                        "meeting": meeting,
                        "missing": missing,
                        "held_on": wareki_date(meeting.held_on),
                    },
                }
            )
    tomorrow = today + datetime.timedelta(days=1)
    windows = LeadershipWindow.objects.filter(
        status=LeadershipWindow.Status.OPEN, closes_on=tomorrow
    ).select_related("project")
    for window in windows:
        for user, teams in leadership_pending_raters(window=window, today=today):
            due.append(
                {
                    "user": user,
                    "key": f"window:{window.pk}:{window.closes_on.isoformat()}",
                    "subject": _("【DX人材ポータル】リーダーシップ評価の締切は明日です"),
                    "template": "evaluations/email/leadership_reminder.txt",
                    "context": {
                        "window": window,
                        "teams": teams,
                        "closes_on": wareki_date(window.closes_on),
                    },
                }
            )
    done = set(
        ReminderLog.objects.filter(key__in={r["key"] for r in due}).values_list("user_id", "key")
    )
    sent = 0
    failures: list[Exception] = []
    for reminder in due:
        try:
            sent += _remind(**reminder, done=done)
        except (smtplib.SMTPException, OSError) as error:  # OSError: ConnectionError & co.
            logger.warning(
                "reminder %s to user %s not sent: %s",
                reminder["key"],
                reminder["user"].pk,
                type(error).__name__,
            )
            failures.append(error)
    if failures:
        # Every other reminder went out and is recorded; the task retries the rest.
        raise failures[0]
    return sent
