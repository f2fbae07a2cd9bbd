"""E-mail reminders to raters who have not answered yet."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.fiscal import wareki_date
from accounts.models import User

from ..models import (
    LeadershipWindow,
    ReminderLog,
    ReportMeeting,
)


def _remind(*, user: User, key: str, subject: str, template: str, context: dict) -> bool:
    """Record the reminder (once per user and key) and send it after commit."""
    if not user.email:
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(user=user, key=key)
    except IntegrityError:
        return False
    with translation.override("ja"):
        body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
    email = user.email

    def send():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])

    transaction.on_commit(send)
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail raters who have not answered yet; returns how many reminders were sent.

    - Open report meeting: executives (policy) and experts (technical) who have not
      scored every presentation they may score. Key `meeting:<id>`.
    - Open leadership window closing tomorrow: members and invited colleagues who have
      not evaluated their leader. Key `window:<id>:<closes_on>`.
    Never twice for the same rater and key (ReminderLog's unique constraint)."""
    from ..selectors import leadership_pending_raters, meeting_pending_raters

    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        for meeting in ReportMeeting.objects.filter(
            status=ReportMeeting.Status.OPEN
        ).select_related("project"):
            for user, missing in meeting_pending_raters(meeting=meeting):
                sent += _remind(
                    user=user,
                    key=f"meeting:{meeting.pk}",
                    subject=_("【DX人材ポータル】報告会の評価をお願いします"),
                    template="evaluations/email/meeting_reminder.txt",
                    context={
                        "meeting": meeting,
                        "missing": missing,
                        "held_on": wareki_date(meeting.held_on),
                    },
                )
        tomorrow = today + datetime.timedelta(days=1)
        windows = LeadershipWindow.objects.filter(
            status=LeadershipWindow.Status.OPEN, closes_on=tomorrow
        ).select_related("project")
        for window in windows:
            for user, teams in leadership_pending_raters(window=window):
                sent += _remind(
                    user=user,
                    key=f"window:{window.pk}:{window.closes_on.isoformat()}",
                    subject=_("【DX人材ポータル】リーダーシップ評価の締切は明日です"),
                    template="evaluations/email/leadership_reminder.txt",
                    context={
                        "window": window,
                        "teams": teams,
                        "closes_on": wareki_date(window.closes_on),
                    },
                )
    return sent
