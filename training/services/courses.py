"""The organiser's courses and bulk attendance of the city's own courses."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.history import change_reason
from accounts.models import User

from ..exceptions import InvalidRecord, WrongState
from ..models import Course, CourseRecord, Review
from ..selectors import attendance_candidates
from ..signals import credentials_changed
from ._common import full_clean


def course_create(
    *,
    by: User,
    fiscal_year: int,
    kind: str,
    title: str,
    provider: str,
    hours: Decimal,
    held_on: datetime.date | None = None,
    code: str = "",
) -> Course:
    """Add a course of a 年度 (the city's own, external, or the executives' 意識改革研修)."""
    course = Course(
        fiscal_year=fiscal_year,
        kind=kind,
        title=(title or "").strip(),
        provider=(provider or "").strip(),
        hours=hours,
        held_on=held_on,
        code=code or "",
    )
    full_clean(course)
    with transaction.atomic():
        course._history_user = by
        course._change_reason = change_reason(_("研修コースを登録"))
        course.save()
    return course


def attendance_record(*, course: Course, by: User, attended_ids: Iterable[int]) -> int:
    """Record who attended one of the city's own (or the executives') courses, all at
    once, like a workshop's 出欠: the ticked people get a verified record, people the
    organiser recorded before and now left unticked lose theirs (history keeps it).
    Ids outside the course's audience are refused and nothing changes. Idempotent.
    Returns the number of people recorded as attended."""
    wanted = {int(pk) for pk in attended_ids}
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if not locked.organiser_records:
            raise WrongState(_("外部研修の受講は職員本人が登録します。"))
        allowed = set(attendance_candidates(locked).values_list("pk", flat=True))
        if wanted - allowed:
            raise InvalidRecord(_("この研修の対象ではない職員が含まれています。"))
        existing = {
            r.person_id: r
            for r in CourseRecord.objects.select_for_update().filter(
                course=locked, recorded_by__isnull=False
            )
        }
        completed_on = locked.held_on or timezone.localdate()
        changed = (wanted - set(existing)) | (set(existing) - wanted)
        if changed and locked.code:  # only a course with a code can be required
            transaction.on_commit(
                lambda: credentials_changed.send(sender=Review, user_ids=sorted(changed))
            )
        for person_id in sorted(wanted - set(existing)):
            record = CourseRecord(
                course=locked,
                person_id=person_id,
                completed_on=completed_on,
                recorded_by=by,
                status=Review.VERIFIED,
                reviewed_by=by,
                reviewed_at=timezone.now(),
            )
            record._history_user = by
            record._change_reason = change_reason(_("DX推進担当が出席を記録"))
            record.save()
        for person_id, record in existing.items():
            if person_id not in wanted:
                record._history_user = by
                record._change_reason = change_reason(_("DX推進担当が出席を取消"))
                record.delete()
    return len(wanted)
