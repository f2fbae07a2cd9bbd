"""Reads of the training app: the pages' data, the verified keys the certification rules
take, and the counts of the dashboard. Each function's query count is fixed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role

from .models import (
    COURSE_PREFIX,
    QUALIFICATION_PREFIX,
    Course,
    CourseRecord,
    Qualification,
    QualificationRecord,
    Review,
)

# --- lookups ---------------------------------------------------------------------------


def course_by_pk(pk: int) -> Course:
    return get_object_or_404(Course, pk=pk)


def record_by_kind(kind: str, pk: int):
    """A course or qualification record by its kind in the URL ("course"/"qualification")."""
    if kind == "course":
        return get_object_or_404(CourseRecord.objects.select_related("course", "person"), pk=pk)
    return get_object_or_404(
        QualificationRecord.objects.select_related("qualification", "person"), pk=pk
    )


def active_qualifications():
    return Qualification.objects.filter(is_active=True).order_by("sort_order", "name")


def external_courses():
    return Course.objects.filter(kind=Course.Kind.EXTERNAL).order_by("-fiscal_year", "title")


def attendance_candidates(course: Course):
    """Whom the organiser may record as attending: active city staff for the city's own
    courses, executives for the 意識改革研修. External experts never."""
    people = User.objects.filter(is_active=True).exclude(groups__name=Role.EXTERNAL_EXPERT.value)
    if course.kind == Course.Kind.EXECUTIVE:
        people = people.filter(groups__name=Role.EXECUTIVE.value)
    else:
        people = people.filter(
            groups__name__in=[Role.STAFF.value, Role.EXECUTIVE.value, Role.ORGANISER.value]
        )
    return (
        people.distinct()
        .select_related("department")
        .order_by("department__code", "last_name_kana", "first_name_kana", "pk")
    )


def courses_for_organiser():
    """Every course, newest 年度 first, with its number of recorded attendees (one query)."""
    return Course.objects.annotate(
        attendees=Count("records", filter=~Q(records__status=Review.RETURNED))
    ).order_by("-fiscal_year", "kind", "title", "pk")


def attendance_of(course: Course) -> set[int]:
    """Who the organiser recorded as attending (one query)."""
    return set(
        CourseRecord.objects.filter(course=course, recorded_by__isnull=False).values_list(
            "person_id", flat=True
        )
    )


# --- a person's records --------------------------------------------------------------------


def course_records_of(person: User):
    return (
        CourseRecord.objects.filter(person=person)
        .select_related("course")
        .order_by("-completed_on", "-pk")
    )


def qualification_records_of(person: User):
    return (
        QualificationRecord.objects.filter(person=person)
        .select_related("qualification")
        .order_by("-obtained_on", "-pk")
    )


def pending_reviews():
    """What waits for HR: pending records of both kinds, oldest first (two queries)."""
    courses = list(
        CourseRecord.objects.filter(status=Review.PENDING)
        .select_related("course", "person", "person__department")
        .order_by("created_at", "pk")
    )
    qualifications = list(
        QualificationRecord.objects.filter(status=Review.PENDING)
        .select_related("qualification", "person", "person__department")
        .order_by("created_at", "pk")
    )
    return courses, qualifications


# --- the certification rules' input ---------------------------------------------------


def verified_keys(*, user_ids: Iterable[int] | None = None) -> dict[int, frozenset[str]]:
    """Each person's verified qualification and course keys (`qualification:<code>`,
    `course:<code>`), for the rule sets that require one for a level (two queries).
    Only HR-verified records (or the organiser's own attendance records) count: a pending
    or returned registration does not."""
    quals = QualificationRecord.objects.filter(status=Review.VERIFIED)
    courses = CourseRecord.objects.filter(status=Review.VERIFIED).exclude(course__code="")
    if user_ids is not None:
        ids = list(user_ids)
        quals = quals.filter(person_id__in=ids)
        courses = courses.filter(person_id__in=ids)
    keys: dict[int, set[str]] = defaultdict(set)
    for person_id, code in quals.values_list("person_id", "qualification__code").order_by():
        keys[person_id].add(QUALIFICATION_PREFIX + code)
    for person_id, code in courses.values_list("person_id", "course__code").order_by():
        keys[person_id].add(COURSE_PREFIX + code)
    return {person_id: frozenset(values) for person_id, values in keys.items()}


def requirement_choices() -> list[tuple[str, str]]:
    """Every key a rule set may require, with its name (two queries)."""
    choices = [(q.key, q.name) for q in Qualification.objects.order_by("sort_order", "name")]
    seen = set()
    for code, title in (
        Course.objects.exclude(code="")
        .values_list("code", "title")
        .order_by("code", "-fiscal_year")
    ):
        if code not in seen:
            seen.add(code)
            choices.append((COURSE_PREFIX + code, title))
    return choices


def key_names(keys: Iterable[str]) -> dict[str, str]:
    """Display names of requirement keys (two queries at most); unknown keys keep the key."""
    keys = list(keys)
    qual_codes = [
        k.removeprefix(QUALIFICATION_PREFIX) for k in keys if k.startswith(QUALIFICATION_PREFIX)
    ]
    course_codes = [k.removeprefix(COURSE_PREFIX) for k in keys if k.startswith(COURSE_PREFIX)]
    names = {k: k for k in keys}
    if qual_codes:
        for code, name in Qualification.objects.filter(code__in=qual_codes).values_list(
            "code", "name"
        ):
            names[QUALIFICATION_PREFIX + code] = name
    if course_codes:
        for code, title in (
            Course.objects.filter(code__in=course_codes)
            .values_list("code", "title")
            .order_by("code", "fiscal_year")
        ):
            names[COURSE_PREFIX + code] = title
    return names


# --- the dashboard -------------------------------------------------------------------------


def _fiscal_year_of(field: str):
    """The 年度 (April–March) of a date column, in SQL."""
    return ExtractYear(field) - Case(
        When(**{f"{field}__month__lt": 4}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def training_table() -> dict:
    """Verified qualifications (by the 年度 obtained) and completed courses with their
    hours (by the course's 年度), per 年度 × 所属 (two aggregate queries)."""
    quals = (
        QualificationRecord.objects.filter(status=Review.VERIFIED)
        .annotate(fy=_fiscal_year_of("obtained_on"))
        .values(
            "fy",
            department=F("person__department__name"),
            department_code=F("person__department__code"),
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    courses = (
        CourseRecord.objects.filter(status=Review.VERIFIED)
        .values(
            fy=F("course__fiscal_year"),
            department=F("person__department__name"),
            department_code=F("person__department__code"),
        )
        .annotate(count=Count("id"), hours=Sum("course__hours"))
        .order_by()
    )
    no_department = gettext("（所属なし）")
    cells: dict[tuple, dict] = defaultdict(lambda: {"qualifications": 0, "courses": 0, "hours": 0})
    for row in quals:
        key = (row["fy"], row["department_code"] or "\uffff", row["department"] or no_department)
        cells[key]["qualifications"] += row["count"]
    for row in courses:
        key = (row["fy"], row["department_code"] or "\uffff", row["department"] or no_department)
        cells[key]["courses"] += row["count"]
        cells[key]["hours"] += row["hours"] or 0
    rows = [
        {"fiscal_year": year, "department": name, **values}
        for (year, _code, name), values in sorted(cells.items())
    ]
    totals = {
        "qualifications": sum(r["qualifications"] for r in rows),
        "courses": sum(r["courses"] for r in rows),
        "hours": sum(r["hours"] for r in rows),
    }
    return {"rows": rows, "totals": totals}
