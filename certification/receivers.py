"""Listen to evaluations' close signals and training's credentials_changed (sent after
commit).

Each receiver marks the affected people stale and, once that is committed, queues a
recompute. If the broker is down the close has already succeeded and is not disturbed:
the failure is logged with ids only, and the markers let the nightly sweep (or the admin
action) recompute those people later.
"""

from django.db import transaction
from django.dispatch import receiver

from evaluations.signals import (
    leadership_window_closed,
    leadership_window_reopened,
    report_meeting_closed,
    report_meeting_reopened,
)
from training.signals import credentials_changed

from .enqueue import enqueue_recompute_users
from .models import RuleSet
from .services import mark_stale


def mark_and_enqueue(user_ids) -> None:
    ids = sorted({int(i) for i in user_ids or ()})
    if not ids:
        return
    with transaction.atomic():
        mark_stale(user_ids=ids)
        transaction.on_commit(lambda: enqueue_recompute_users(ids), robust=True)


@receiver(report_meeting_closed, dispatch_uid="certification.report_meeting_closed")
def on_report_meeting_closed(sender, meeting_id=None, user_ids=(), **kwargs):
    mark_and_enqueue(user_ids)


@receiver(leadership_window_closed, dispatch_uid="certification.leadership_window_closed")
def on_leadership_window_closed(sender, window_id=None, user_ids=(), **kwargs):
    mark_and_enqueue(user_ids)


@receiver(report_meeting_reopened, dispatch_uid="certification.report_meeting_reopened")
def on_report_meeting_reopened(sender, meeting_id=None, user_ids=(), **kwargs):
    """HR reopened a closed meeting: its report scores are pending again."""
    mark_and_enqueue(user_ids)


@receiver(leadership_window_reopened, dispatch_uid="certification.leadership_window_reopened")
def on_leadership_window_reopened(sender, window_id=None, user_ids=(), **kwargs):
    mark_and_enqueue(user_ids)


@receiver(credentials_changed, dispatch_uid="certification.credentials_changed")
def on_credentials_changed(sender, user_ids=(), **kwargs):
    """HR verified a qualification or course, or the organiser recorded attendance: it
    matters only where some 年度's rule set requires one (one query otherwise)."""
    if RuleSet.objects.exclude(requirements={}).exists():
        mark_and_enqueue(user_ids)
