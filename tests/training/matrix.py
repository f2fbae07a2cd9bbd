"""Permission matrix rows for every URL of the training app and the 人材台帳 pages
(certification:journey, certification:talent_ledger), see tests/matrix.py.

`extend` adds the qualification list, an internal and an external course, and the
member's pending qualification (with a certificate file) and pending external course."""

import datetime

from django.core.files.base import ContentFile

from tests import factories
from tests.matrix import NO_ACCESS, VIEW, VIEW_ADD, Row, expect
from training.models import Course

STAFF_PAGE = expect(200, anonymous=302, external_expert=403)
STAFF_POST = expect(302, external_expert=403)
HR_PAGE = expect(403, anonymous=302, hr_admin=200)
HR_POST = expect(403, anonymous=302, hr_admin=302)
ORGANISER_PAGE = expect(403, anonymous=302, organiser=200)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extend(world):
    world.qualification = factories.QualificationFactory(code="it_passport", name="ITパスポート")
    world.other_qualification = factories.QualificationFactory(
        code="sg", name="情報セキュリティマネジメント"
    )
    world.course = factories.CourseFactory(kind=Course.Kind.INTERNAL, code="literacy")
    world.external_course = factories.CourseFactory(
        kind=Course.Kind.EXTERNAL, title="J-LIS 地方公共団体情報セキュリティ研修", provider="J-LIS"
    )
    world.qualification_record = factories.QualificationRecordFactory(
        person=world.member, qualification=world.qualification
    )
    world.qualification_record.certificate.save("passport.pdf", ContentFile(PDF), save=True)
    world.course_record = factories.CourseRecordFactory(
        person=world.member, course=world.external_course
    )


def _record(kind):
    return lambda w: {
        "kind": kind,
        "pk": (w.qualification_record if kind == "qualification" else w.course_record).pk,
    }


ROWS: list[Row] = [
    Row("training:my_training", STAFF_PAGE),
    Row(
        "training:qualification_register",
        STAFF_POST,
        method="post",
        data=lambda w: {
            "qualification-qualification": w.other_qualification.pk,
            "qualification-obtained_on": datetime.date(2024, 11, 1).isoformat(),
        },
        note="city staff register their own qualification (it waits for HR)",
    ),
    Row(
        "training:course_register",
        expect(302, external_expert=403, member=200),
        method="post",
        data=lambda w: {
            "course-course": w.external_course.pk,
            "course-completed_on": datetime.date(2024, 8, 1).isoformat(),
        },
        note="city staff register an external course they completed; the member, who "
        "registered it already, is refused with a message (200)",
    ),
    Row(
        "training:certificate_download",
        expect(404, anonymous=302, member=200, hr_admin=200),
        kwargs=_record("qualification"),
        note="the owner and HR only; everyone else is outside its scope",
    ),
    Row("training:review_list", HR_PAGE),
    Row(
        "training:record_verify",
        HR_POST,
        kwargs=_record("qualification"),
        method="post",
        note="HR verifies another person's pending record",
    ),
    Row(
        "training:record_return",
        HR_POST,
        kwargs=_record("course"),
        method="post",
        data=lambda w: {"reason": "修了証の氏名が読めません"},
    ),
    Row(
        "training:organiser_courses",
        ORGANISER_PAGE,
        note="the city's own courses and bulk attendance are the organiser's",
    ),
    Row(
        "training:organiser_attendance",
        ORGANISER_PAGE,
        kwargs=lambda w: {"pk": w.course.pk},
    ),
    Row(
        "certification:journey",
        expect(404, anonymous=302, member=200, organiser=200, hr_admin=200, department_head=200),
        kwargs=lambda w: {"pk": w.member.pk},
        note="the person, HR, the organiser and the person's 所属長 (課長 by the roster)",
    ),
    Row("certification:talent_ledger", HR_PAGE, query="?level=1&format="),
]

ADMIN_MODELS = {
    "training.qualification": (VIEW, VIEW_ADD),
    "training.course": (VIEW, VIEW),
    "training.courserecord": (VIEW, VIEW),
    # Certificate files and HR's review: HR's only.
    "training.qualificationrecord": (NO_ACCESS, VIEW),
}


def grow(world, n: int) -> None:
    """More of what the training pages and the 人材台帳 list (tests/test_constant_queries):
    qualifications and courses of every status, with and without certificate files, for
    the member and for others, and certifications."""
    from training.models import Review

    statuses = (Review.PENDING, Review.VERIFIED, Review.RETURNED)
    for index in range(n):
        status = statuses[index % 3]
        other = factories.UserFactory(department=world.member.department)
        for person in (world.member, other):
            record = factories.QualificationRecordFactory(person=person, status=status)
            if index % 2:
                record.certificate.save("c.pdf", ContentFile(PDF), save=True)
            factories.CourseRecordFactory(
                person=person,
                status=status,
                course=factories.CourseFactory(
                    kind=(Course.Kind.EXTERNAL, Course.Kind.INTERNAL, Course.Kind.EXECUTIVE)[
                        index % 3
                    ],
                    code=f"c{index}-{person.pk}",
                ),
            )
        factories.CertificationFactory(user=other, level=1 + index % 3)
