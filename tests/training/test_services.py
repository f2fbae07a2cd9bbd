"""The training services: staff register, HR verifies or returns, the organiser records
attendance in bulk. Refusals change nothing; reviews are in history and the 操作ログ."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from accounts.roles import Role
from tests import factories
from training import services
from training.exceptions import InvalidRecord, NotAllowed, WrongState
from training.models import Course, CourseRecord, QualificationRecord, Review

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def register(person, qualification, **kwargs):
    kwargs.setdefault("obtained_on", datetime.date(2024, 10, 1))
    return services.qualification_register(person=person, qualification=qualification, **kwargs)


# --- registering ---------------------------------------------------------------------------


def test_a_registered_qualification_waits_for_hr():
    record = register(factories.UserFactory(), factories.QualificationFactory())
    assert record.status == Review.PENDING


def test_a_pdf_certificate_is_stored_under_a_private_random_name():
    record = register(
        factories.UserFactory(),
        factories.QualificationFactory(),
        certificate=SimpleUploadedFile("合格証書.pdf", PDF),
    )
    assert record.certificate.name.startswith(f"training/{record.person_id}/")
    assert "合格証書" not in record.certificate.name


def test_a_png_certificate_is_accepted():
    record = register(
        factories.UserFactory(),
        factories.QualificationFactory(),
        certificate=SimpleUploadedFile("scan.png", PNG),
    )
    assert record.certificate


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.exe", PDF),
        ("scan.pdf", b"MZ\x90\x00"),
        ("scan.png", PDF),
        ("empty.pdf", b""),
        ("page.html", b"<script>"),
    ],
)
def test_a_certificate_of_the_wrong_type_is_refused_and_nothing_saved(name, content):
    with pytest.raises(InvalidRecord):
        register(
            factories.UserFactory(),
            factories.QualificationFactory(),
            certificate=SimpleUploadedFile(name, content),
        )
    assert not QualificationRecord.objects.exists()


def test_a_certificate_at_the_size_limit_is_accepted(settings):
    settings.TRAINING_CERTIFICATE_MAX_BYTES = len(PDF)
    record = register(
        factories.UserFactory(),
        factories.QualificationFactory(),
        certificate=SimpleUploadedFile("c.pdf", PDF),
    )
    assert record.certificate


def test_a_certificate_one_byte_over_the_limit_is_refused(settings):
    settings.TRAINING_CERTIFICATE_MAX_BYTES = len(PDF) - 1
    with pytest.raises(InvalidRecord):
        register(
            factories.UserFactory(),
            factories.QualificationFactory(),
            certificate=SimpleUploadedFile("c.pdf", PDF),
        )


def test_a_qualification_obtained_today_is_accepted():
    record = register(
        factories.UserFactory(),
        factories.QualificationFactory(),
        obtained_on=timezone.localdate(),
    )
    assert record.pk


def test_a_qualification_obtained_tomorrow_is_refused():
    with pytest.raises(InvalidRecord):
        register(
            factories.UserFactory(),
            factories.QualificationFactory(),
            obtained_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_the_same_qualification_twice_is_refused_while_the_first_is_pending():
    person, qualification = factories.UserFactory(), factories.QualificationFactory()
    register(person, qualification)
    with pytest.raises(InvalidRecord):
        register(person, qualification)


def test_a_returned_qualification_may_be_registered_again():
    person, qualification = factories.UserFactory(), factories.QualificationFactory()
    factories.QualificationRecordFactory(
        person=person, qualification=qualification, status=Review.RETURNED
    )
    assert register(person, qualification).status == Review.PENDING


def test_a_qualification_no_longer_accepted_is_refused():
    with pytest.raises(InvalidRecord):
        register(factories.UserFactory(), factories.QualificationFactory(is_active=False))


def test_staff_register_an_external_course():
    course = factories.CourseFactory(kind=Course.Kind.EXTERNAL)
    record = services.external_course_register(
        person=factories.UserFactory(), course=course, completed_on=datetime.date(2024, 8, 1)
    )
    assert record.status == Review.PENDING


def test_staff_cannot_register_the_citys_own_course_themselves():
    course = factories.CourseFactory(kind=Course.Kind.INTERNAL)
    with pytest.raises(InvalidRecord):
        services.external_course_register(
            person=factories.UserFactory(), course=course, completed_on=datetime.date(2024, 8, 1)
        )


# --- HR's review ------------------------------------------------------------------------------


def test_hr_verifies_a_pending_record_with_history_and_audit(hr_admin):
    record = factories.QualificationRecordFactory()
    services.record_verify(record=record, by=hr_admin)
    record.refresh_from_db()
    assert (record.status, record.reviewed_by) == (Review.VERIFIED, hr_admin)
    assert record.history.first().history_user == hr_admin
    assert AuditEntry.objects.get().action == AuditAction.TRAINING_VERIFY


def test_verifying_twice_changes_nothing_the_second_time(hr_admin):
    record = factories.QualificationRecordFactory()
    services.record_verify(record=record, by=hr_admin)
    services.record_verify(record=record, by=hr_admin)
    assert AuditEntry.objects.count() == 1


def test_hr_returns_a_record_with_the_reason(hr_admin):
    record = factories.CourseRecordFactory()
    services.record_return(record=record, by=hr_admin, reason="修了証が読めません")
    record.refresh_from_db()
    assert (record.status, record.return_reason) == (Review.RETURNED, "修了証が読めません")
    assert AuditEntry.objects.get().detail["reason"] == "修了証が読めません"


def test_a_return_without_a_reason_is_refused(hr_admin):
    record = factories.CourseRecordFactory()
    with pytest.raises(InvalidRecord):
        services.record_return(record=record, by=hr_admin, reason="\u3000 ")
    record.refresh_from_db()
    assert record.status == Review.PENDING


def test_a_returned_record_cannot_then_be_verified(hr_admin):
    record = factories.CourseRecordFactory(status=Review.RETURNED)
    with pytest.raises(WrongState):
        services.record_verify(record=record, by=hr_admin)


def test_hr_never_verifies_their_own_record(hr_admin):
    record = factories.QualificationRecordFactory(person=hr_admin)
    with pytest.raises(NotAllowed):
        services.record_verify(record=record, by=hr_admin)
    record.refresh_from_db()
    assert record.status == Review.PENDING
    assert not AuditEntry.objects.exists()


# --- the organiser's bulk attendance -----------------------------------------------------------


def test_the_organiser_records_attendance_as_verified_records(organiser):
    course = factories.CourseFactory()
    people = factories.UserFactory.create_batch(3)
    services.attendance_record(course=course, by=organiser, attended_ids=[p.pk for p in people])
    assert set(
        CourseRecord.objects.filter(course=course, status=Review.VERIFIED).values_list(
            "person_id", flat=True
        )
    ) == {p.pk for p in people}


def test_recording_again_without_someone_takes_their_record_away(organiser):
    course = factories.CourseFactory()
    a, b = factories.UserFactory.create_batch(2)
    services.attendance_record(course=course, by=organiser, attended_ids=[a.pk, b.pk])
    services.attendance_record(course=course, by=organiser, attended_ids=[a.pk])
    assert list(CourseRecord.objects.values_list("person_id", flat=True)) == [a.pk]


def test_recording_the_same_set_twice_changes_nothing(organiser):
    course = factories.CourseFactory()
    a = factories.UserFactory()
    services.attendance_record(course=course, by=organiser, attended_ids=[a.pk])
    first = CourseRecord.objects.get()
    services.attendance_record(course=course, by=organiser, attended_ids=[a.pk])
    assert CourseRecord.objects.get() == first


def test_an_external_expert_cannot_be_recorded_and_nothing_changes(organiser):
    course = factories.CourseFactory()
    staff, expert = factories.UserFactory(), factories.ExpertFactory()
    with pytest.raises(InvalidRecord):
        services.attendance_record(course=course, by=organiser, attended_ids=[staff.pk, expert.pk])
    assert not CourseRecord.objects.exists()


def test_only_executives_attend_the_executives_course(organiser):
    course = factories.CourseFactory(kind=Course.Kind.EXECUTIVE)
    with pytest.raises(InvalidRecord):
        services.attendance_record(
            course=course, by=organiser, attended_ids=[factories.UserFactory().pk]
        )
    executive = factories.UserFactory(roles=[Role.STAFF, Role.EXECUTIVE])
    services.attendance_record(course=course, by=organiser, attended_ids=[executive.pk])
    assert CourseRecord.objects.get().person == executive


def test_the_organiser_does_not_record_an_external_course(organiser):
    course = factories.CourseFactory(kind=Course.Kind.EXTERNAL)
    with pytest.raises(WrongState):
        services.attendance_record(
            course=course, by=organiser, attended_ids=[factories.UserFactory().pk]
        )


def test_a_course_with_negative_hours_is_refused(organiser):
    with pytest.raises(InvalidRecord):
        services.course_create(
            by=organiser,
            fiscal_year=2024,
            kind=Course.Kind.INTERNAL,
            title="情報リテラシー研修",
            provider="真岡市",
            hours=-1,
        )
    assert not Course.objects.exists()


def test_verifying_recomputes_the_person_when_a_rule_set_requires_a_qualification(
    hr_admin, django_capture_on_commit_callbacks, monkeypatch
):
    from certification import receivers

    queued = []
    monkeypatch.setattr(receivers, "enqueue_recompute_users", queued.append)
    factories.RuleSetFactory(fiscal_year=2024, requirements={"expert": ["qualification:ip"]})
    record = factories.QualificationRecordFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_verify(record=record, by=hr_admin)
    assert queued == [[record.person_id]]


def test_verifying_queues_nothing_when_no_rule_set_requires_anything(
    hr_admin, django_capture_on_commit_callbacks, monkeypatch
):
    from certification import receivers

    queued = []
    monkeypatch.setattr(receivers, "enqueue_recompute_users", queued.append)
    factories.RuleSetFactory(fiscal_year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_verify(record=factories.QualificationRecordFactory(), by=hr_admin)
    assert queued == []
