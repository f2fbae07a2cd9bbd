"""Staff register their external courses and qualifications; HR verifies or returns them."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.history import change_reason
from accounts.models import AuditAction, User

from ..exceptions import InvalidRecord, NotAllowed, WrongState
from ..models import Course, CourseRecord, Qualification, QualificationRecord, Review
from ..signals import credentials_changed
from ._common import certificate_check, check_date, full_clean


def _save_new(record, *, by: User, certificate: UploadedFile | None, duplicate: str):
    if certificate is not None:
        certificate_check(certificate)
    full_clean(record)
    try:
        with transaction.atomic():
            record._history_user = by
            record._change_reason = change_reason(_("本人が登録"))
            if certificate is not None:
                record.certificate.save(certificate.name, certificate, save=False)
            record.save()
    except IntegrityError:
        # Two submissions at once: the partial unique constraint decides.
        if record.certificate:
            record.certificate.delete(save=False)
        raise InvalidRecord(duplicate) from None
    return record


def qualification_register(
    *,
    person: User,
    qualification: Qualification,
    obtained_on: datetime.date,
    certificate: UploadedFile | None = None,
) -> QualificationRecord:
    """A person registers a qualification they obtained; it waits for HR's check.
    Refused when the qualification is no longer accepted, the date is in the future, the
    file is not a PDF/PNG/JPEG within the size limit, or the person already has it
    registered (pending or verified; a returned one may be registered again)."""
    if not qualification.is_active:
        raise InvalidRecord(_("この資格は現在登録を受け付けていません。"))
    check_date(obtained_on, str(QualificationRecord._meta.get_field("obtained_on").verbose_name))
    duplicate = _("この資格はすでに登録されています。")
    if (
        QualificationRecord.objects.filter(person=person, qualification=qualification)
        .exclude(status=Review.RETURNED)
        .exists()
    ):
        raise InvalidRecord(duplicate)
    record = QualificationRecord(
        person=person, qualification=qualification, obtained_on=obtained_on
    )
    return _save_new(record, by=person, certificate=certificate, duplicate=duplicate)


def external_course_register(
    *,
    person: User,
    course: Course,
    completed_on: datetime.date,
    certificate: UploadedFile | None = None,
) -> CourseRecord:
    """A person registers an external course (J-LIS etc.) they completed; it waits for
    HR's check. The city's own courses are recorded by the organiser, not here."""
    if course.kind != Course.Kind.EXTERNAL:
        raise InvalidRecord(_("市独自研修の受講は DX推進担当が記録します。"))
    check_date(completed_on, str(CourseRecord._meta.get_field("completed_on").verbose_name))
    duplicate = _("この研修の受講記録はすでに登録されています。")
    if (
        CourseRecord.objects.filter(person=person, course=course)
        .exclude(status=Review.RETURNED)
        .exists()
    ):
        raise InvalidRecord(duplicate)
    record = CourseRecord(person=person, course=course, completed_on=completed_on)
    return _save_new(record, by=person, certificate=certificate, duplicate=duplicate)


def _lock(record):
    return type(record).objects.select_for_update().get(pk=record.pk)


def _review(record, *, by: User, status: str, reason: str, request, action) -> object:
    with transaction.atomic():
        locked = _lock(record)
        if locked.person_id == by.pk:
            raise NotAllowed(_("自分の登録は確認できません。別の人事担当が確認します。"))
        if locked.status != Review.PENDING:
            if locked.status == status:
                return locked  # already done: idempotent
            raise WrongState(
                _("この登録はすでに「%(status)s」です。") % {"status": locked.get_status_display()}
            )
        locked.status = status
        locked.return_reason = reason
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        full_clean(locked)
        locked._history_user = by
        locked._change_reason = change_reason(
            _("人事担当が確認") if status == Review.VERIFIED else _("人事担当が差戻し")
        )
        locked.save()
        detail = {"kind": locked._meta.model_name}
        if reason:
            detail["reason"] = reason
        audit_record(actor=by, action=action, target=locked, request=request, detail=detail)
        if status == Review.VERIFIED:
            person_id = locked.person_id
            transaction.on_commit(
                lambda: credentials_changed.send(sender=Review, user_ids=[person_id])
            )
    return locked


def record_verify(*, record, by: User, request: HttpRequest | None = None):
    """HR verifies a pending course or qualification record (not their own). Recorded in
    the 操作ログ. Verifying a verified record again changes nothing."""
    return _review(
        record,
        by=by,
        status=Review.VERIFIED,
        reason="",
        request=request,
        action=AuditAction.TRAINING_VERIFY,
    )


def record_return(*, record, by: User, reason: str, request: HttpRequest | None = None):
    """HR returns a pending record to the person with a reason (required); the person may
    register it again. Recorded in the 操作ログ."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidRecord(_("差戻しの理由を入力してください。"))
    return _review(
        record,
        by=by,
        status=Review.RETURNED,
        reason=reason,
        request=request,
        action=AuditAction.TRAINING_RETURN,
    )
