"""Activity hours (業務外活動の記録, issue 12): members log, edit and delete their own
entries; a week that goes over the project's weekly cap is recorded once as a
`HoursNotice` and mailed to the person's 所属長 after the commit.

Rules of an entry: the author is an approved member of the (approved) team, the project is
not closed, the day is neither in the future nor before the project's recruitment
started, hours are 0.5 to 24 in half-hour steps (the database checks both), a day's
entries of one person add up to 24 hours at most, and a short note says what was done.

Workshop hours are not entries: `projects.selectors_hours` adds attended workshops to
the weeks (decision 0019).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.fiscal import number_label
from accounts.models import User
from accounts.selectors import supervisors_of

from ..exceptions import InvalidData, NotAllowed, WrongState
from ..models import ActivityLog, HoursNotice, Membership, Project, Team
from ..models_hours import HOURS_MAX
from ..queueing import enqueue_hours_notices
from ..selectors_hours import is_over, week_label, week_start, week_total_of
from ._common import _full_clean, _today

logger = logging.getLogger(__name__)


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidData(_("時間は数値で入力してください。")) from None
    if not hours.is_finite():
        raise InvalidData(_("時間は数値で入力してください。"))
    return hours


def _check_open(project: Project) -> None:
    if project.status in (Project.Status.DRAFT, Project.Status.CLOSED):
        raise WrongState(
            _("このプロジェクトの活動時間は記録・変更できません（現在：%(status)s）。")
            % {"status": project.get_status_display()},
            code="project_state",
        )


def _check_day(*, project: Project, worked_on: datetime.date, today: datetime.date) -> None:
    if worked_on > today:
        raise InvalidData(_("未来の日付の活動時間は記録できません。"), code="future")
    if worked_on < project.recruitment_starts_on:
        raise InvalidData(
            _("プロジェクトの募集開始日より前の日付は記録できません。"), code="too_early"
        )


def _check_day_total(*, user: User, worked_on: datetime.date, hours: Decimal, exclude=None):
    others = ActivityLog.objects.filter(user=user, worked_on=worked_on)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    logged = others.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if logged + hours > HOURS_MAX:
        raise InvalidData(
            _("1日の活動時間の合計は24時間以内にしてください（この日は記録済み %(hours)s 時間）。")
            % {"hours": number_label(logged)},
            code="day_total",
        )


def _lock_membership_of(user: User, team: Team) -> Membership:
    """The author's approved membership of the approved team, locked: one person's
    entries in one project are written one at a time (the day total holds)."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("team__project")
        .filter(user=user, team=team, status=Membership.Status.APPROVED)
        .first()
    )
    if membership is None or membership.team.status != Team.Status.APPROVED:
        raise NotAllowed(
            _("このチームの承認済みメンバーではないため、活動時間を記録できません。"),
            code="not_member",
        )
    return membership


def _save(log: ActivityLog, *, by: User) -> None:
    _full_clean(log)
    log._history_user = by
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError as error:  # a check constraint full_clean did not catch
        raise InvalidData(_("時間は0.5〜24時間、0.5時間単位で入力してください。")) from error


def note_over_cap(*, user_id: int, project: Project, day: datetime.date) -> HoursNotice | None:
    """If the week of `day` is now over the project's cap and no notice exists for that
    person × project × week, record one and mail the 所属長 after the commit. Called by
    the entry services and by `attendance_record` (a workshop counts in its week)."""
    cap = project.weekly_hours_cap
    if cap is None:
        return None
    starts_on = week_start(day)
    total = week_total_of(user_id=user_id, project=project, starts_on=starts_on)
    if not is_over(total, cap):
        return None
    if HoursNotice.objects.filter(
        user_id=user_id, project=project, week_starts_on=starts_on
    ).exists():
        return None
    try:
        with transaction.atomic():
            notice = HoursNotice.objects.create(
                user_id=user_id, project=project, week_starts_on=starts_on, hours=total, cap=cap
            )
    except IntegrityError:  # recorded meanwhile by a concurrent entry: one notice per week
        return None
    transaction.on_commit(lambda: enqueue_hours_notices(), robust=True)
    return notice


def activity_log_create(
    *,
    by: User,
    team: Team,
    worked_on: datetime.date,
    hours,
    note: str,
    today: datetime.date | None = None,
) -> ActivityLog:
    """Log `hours` of work for `team` on `worked_on`, by the member themself."""
    hours = _hours(hours)
    with transaction.atomic():
        membership = _lock_membership_of(by, team)
        project = membership.team.project
        _check_open(project)
        _check_day(project=project, worked_on=worked_on, today=_today(today))
        log = ActivityLog(
            user=by,
            team=membership.team,
            project=project,
            worked_on=worked_on,
            hours=hours,
            note=(note or "").strip(),
        )
        _check_day_total(user=by, worked_on=worked_on, hours=hours)
        _save(log, by=by)
        note_over_cap(user_id=by.pk, project=project, day=worked_on)
    return log


def _lock_own_log(log: ActivityLog, by: User) -> ActivityLog:
    locked = (
        ActivityLog.objects.select_for_update()
        .select_related("project", "team")
        .filter(pk=log.pk)
        .first()
    )
    if locked is None or locked.user_id != getattr(by, "pk", None):
        raise NotAllowed(_("自分の記録だけを変更できます。"), code="not_author")
    _check_open(locked.project)
    return locked


def activity_log_update(
    *,
    log: ActivityLog,
    by: User,
    worked_on: datetime.date,
    hours,
    note: str,
    today: datetime.date | None = None,
) -> ActivityLog:
    """Change the author's own entry (day, hours, note) while the project is open."""
    hours = _hours(hours)
    with transaction.atomic():
        locked = _lock_own_log(log, by)
        _check_day(project=locked.project, worked_on=worked_on, today=_today(today))
        note = (note or "").strip()
        if (locked.worked_on, locked.hours, locked.note) == (worked_on, hours, note):
            return locked
        _check_day_total(user=by, worked_on=worked_on, hours=hours, exclude=locked.pk)
        locked.worked_on, locked.hours, locked.note = worked_on, hours, note
        _save(locked, by=by)
        note_over_cap(user_id=by.pk, project=locked.project, day=worked_on)
    return locked


def activity_log_delete(*, log: ActivityLog, by: User) -> None:
    """Delete the author's own entry while the project is open (history keeps it). A
    notice already sent for its week stays: it was true when it was sent."""
    with transaction.atomic():
        locked = _lock_own_log(log, by)
        locked._history_user = by
        locked.delete()


# --- mail to the 所属長 ---------------------------------------------------------------------


def _send_notice(notice: HoursNotice) -> bool:
    heads = [h for h in supervisors_of(notice.user) if h.email]
    if heads:
        context = {
            "notice": notice,
            "person": notice.user,
            "week": week_label(notice.week_starts_on),
            "hours": number_label(notice.hours),
            "cap": number_label(notice.cap),
            "site_url": settings.SITE_URL,
        }
        with translation.override("ja"):
            subject = _("【DX人材ポータル】職員の活動時間が週の上限を超えました")
            body = render_to_string("projects/email/hours_notice.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [h.email for h in heads])
    # Marked only after the mail server accepted it (or when nobody is there to tell).
    HoursNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return bool(heads)


def hours_notices_send() -> int:
    """Mail every notice not sent yet to the person's 所属長; returns how many mails went
    out. At least once (decision 0012): a notice is marked sent only after the mail
    server accepted it; a failed one stays unsent, the others still go out, and the first
    error is raised at the end so the task retries the rest."""
    sent = 0
    failures: list[Exception] = []
    pending = HoursNotice.objects.filter(sent_at__isnull=True).select_related(
        "user__department", "project"
    )
    for notice in pending.order_by("pk"):
        try:
            sent += _send_notice(notice)
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("hours notice %s not sent: %s", notice.pk, type(error).__name__)
            failures.append(error)
    if failures:
        raise failures[0]
    return sent
