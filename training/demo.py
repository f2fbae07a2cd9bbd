"""Demo training and qualifications: the slides' second pillar, through the services.

- The maintained list of qualifications (ITパスポート … 情報処理安全確保支援士).
- Per 年度 FY2022–FY2026: the city's own 情報リテラシー研修 (attendance recorded in bulk by
  the organiser 10001), a J-LIS external course, and the executives' 意識改革研修.
- Staff 20001–20012 registered qualifications and external courses (some with a PDF
  certificate); HR 10003 verified most, returned one with a reason, and left a few
  pending for the demo (20001's 基本情報技術者 waits for review).

The demo's rule sets require nothing, so certification decides exactly as before.
Deterministic and idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User

from . import services
from .models import Course, CourseRecord, Qualification, QualificationRecord, Review

ORGANISER = "10001"
HR = "10003"
YEARS = (2022, 2023, 2024, 2025, 2026)

QUALIFICATIONS = (
    ("it_passport", "ITパスポート", "IT Passport", 10),
    ("sg", "情報セキュリティマネジメント", "Information Security Management", 20),
    ("fe", "基本情報技術者", "Fundamental Information Technology Engineer", 30),
    ("ap", "応用情報技術者", "Applied Information Technology Engineer", 40),
    ("sc", "情報処理安全確保支援士", "Registered Information Security Specialist", 50),
    ("g_kentei", "G検定", "JDLA Deep Learning for GENERAL", 60),
)

#: (employee number, qualification code, obtained on, with a PDF, HR's review).
QUALIFIED = (
    ("20001", "it_passport", datetime.date(2023, 2, 10), True, Review.VERIFIED),
    ("20001", "fe", datetime.date(2025, 10, 20), True, Review.PENDING),
    ("20002", "it_passport", datetime.date(2022, 11, 5), True, Review.VERIFIED),
    ("20002", "sg", datetime.date(2024, 6, 1), True, Review.VERIFIED),
    ("20003", "ap", datetime.date(2023, 12, 22), True, Review.VERIFIED),
    ("20003", "sc", datetime.date(2025, 7, 1), False, Review.PENDING),
    ("20004", "it_passport", datetime.date(2024, 3, 12), False, Review.RETURNED),
    ("20005", "it_passport", datetime.date(2024, 9, 30), True, Review.VERIFIED),
    ("20006", "fe", datetime.date(2024, 5, 18), True, Review.VERIFIED),
    ("20007", "sg", datetime.date(2025, 1, 25), True, Review.VERIFIED),
    ("20008", "g_kentei", datetime.date(2025, 3, 8), False, Review.VERIFIED),
    ("20009", "it_passport", datetime.date(2025, 8, 20), True, Review.PENDING),
)
RETURN_REASON = "合格証書の氏名と受験番号が読み取れません。鮮明な写しを添えて登録し直してください。"

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _day(year: int, month: int, day: int) -> datetime.date:
    return min(datetime.date(year, month, day), timezone.localdate())


def _courses(organiser: User) -> dict[tuple[int, str], Course]:
    wanted = []
    for year in YEARS:
        wanted += [
            (
                year,
                Course.Kind.INTERNAL,
                "情報リテラシー研修",
                "真岡市 デジタル戦略課",
                "3.0",
                _day(year, 7, 15),
                "literacy",
            ),
            (
                year,
                Course.Kind.EXTERNAL,
                "地方公共団体情報セキュリティ研修（J-LIS）",
                "地方公共団体情報システム機構（J-LIS）",
                "6.0",
                _day(year, 9, 10),
                "jlis_security",
            ),
            (
                year,
                Course.Kind.EXECUTIVE,
                "幹部職員DX意識改革研修",
                "株式会社とちぎデジタル",
                "2.0",
                _day(year, 5, 20),
                "executive_mindset",
            ),
        ]
    result = {}
    for year, kind, title, provider, hours, held_on, code in wanted:
        course = Course.objects.filter(fiscal_year=year, title=title).first()
        if course is None:
            course = services.course_create(
                by=organiser,
                fiscal_year=year,
                kind=kind,
                title=title,
                provider=provider,
                hours=Decimal(hours),
                held_on=held_on,
                code=code,
            )
        result[(year, code)] = course
    return result


def _attendance(organiser: User, courses) -> int:
    staff = list(
        User.objects.filter(employee_number__startswith="2", is_active=True).order_by(
            "employee_number"
        )
    )
    executives = list(
        User.objects.filter(employee_number__startswith="9", is_active=True).order_by(
            "employee_number"
        )
    )
    recorded = 0
    for offset, year in enumerate(YEARS):
        if year == max(YEARS):
            continue  # this year's courses are still to come
        literacy = courses[(year, "literacy")]
        if not CourseRecord.objects.filter(course=literacy).exists():
            # About a quarter of staff each year, a different quarter each time.
            chosen = [p.pk for i, p in enumerate(staff) if (i + offset) % 4 == 0]
            recorded += services.attendance_record(
                course=literacy, by=organiser, attended_ids=chosen
            )
        mindset = courses[(year, "executive_mindset")]
        if executives and not CourseRecord.objects.filter(course=mindset).exists():
            recorded += services.attendance_record(
                course=mindset, by=organiser, attended_ids=[p.pk for p in executives]
            )
    return recorded


def _qualifications() -> dict[str, Qualification]:
    result = {}
    for code, name, name_en, order in QUALIFICATIONS:
        qualification, _created = Qualification.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
        result[code] = qualification
    return result


def _review(record, hr: User, status: str) -> None:
    if status == Review.VERIFIED:
        services.record_verify(record=record, by=hr)
    elif status == Review.RETURNED:
        services.record_return(record=record, by=hr, reason=RETURN_REASON)


def _registrations(hr: User, qualifications, courses) -> int:
    people = {
        p.employee_number: p
        for p in User.objects.filter(employee_number__in={row[0] for row in QUALIFIED})
    }
    made = 0
    for number, code, obtained_on, with_pdf, status in QUALIFIED:
        person = people.get(number)
        if (
            person is None
            or QualificationRecord.objects.filter(
                person=person, qualification=qualifications[code]
            ).exists()
        ):
            continue
        record = services.qualification_register(
            person=person,
            qualification=qualifications[code],
            obtained_on=obtained_on,
            certificate=SimpleUploadedFile("合格証書.pdf", PDF) if with_pdf else None,
        )
        _review(record, hr, status)
        made += 1
    # External courses: two staff a year took the J-LIS course; the latest waits for HR.
    for index, year in enumerate(YEARS[:-1]):
        course = courses[(year, "jlis_security")]
        for number in (f"{20010 + index}", f"{20002 + index}"):
            person = people.get(number) or User.objects.filter(employee_number=number).first()
            if person is None or CourseRecord.objects.filter(person=person, course=course).exists():
                continue
            record = services.external_course_register(
                person=person,
                course=course,
                completed_on=course.held_on,
                certificate=SimpleUploadedFile("修了証.pdf", PDF),
            )
            _review(record, hr, Review.PENDING if year == YEARS[-2] else Review.VERIFIED)
            made += 1
    return made


def seed() -> dict[str, int]:
    organiser = User.objects.filter(employee_number=ORGANISER).first()
    hr = User.objects.filter(employee_number=HR).first()
    qualifications = _qualifications()
    if organiser is None or hr is None:  # a test world without the demo people
        return {"qualifications": len(qualifications)}
    courses = _courses(organiser)
    return {
        "qualifications": len(qualifications),
        "courses": len(courses),
        "attended": _attendance(organiser, courses),
        "registered": _registrations(hr, qualifications, courses),
    }
