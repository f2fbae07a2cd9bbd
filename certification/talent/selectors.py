"""Reads of the 人材台帳. Each function's query count is fixed, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Department, User
from accounts.roles import Role
from accounts.selectors import departments_at_year_end
from projects.models import Membership
from training import selectors as training_selectors
from training.models import CourseRecord, Qualification, QualificationRecord, Review

from ..models import Certification, Level


def person_by_pk(pk: int) -> User:
    return get_object_or_404(User.objects.select_related("department"), pk=pk)


@dataclass
class Journey:
    person: User
    memberships: list
    certifications: list
    course_records: list
    qualification_records: list


def journey_of(person: User) -> Journey:
    """Everything of one person's DX journey, in eight queries: their project memberships
    (teams, roles, 年度), each with `department_then` (the 所属 at the time, when not the
    current one; decision 0023), certifications, courses and qualifications."""
    memberships = list(
        Membership.objects.filter(user=person)
        .exclude(status=Membership.Status.WITHDRAWN)
        .select_related("team", "project")
        .order_by("-project__fiscal_year", "project__title")
    )
    then = departments_at_year_end({(person.pk, m.project.fiscal_year) for m in memberships})
    for m in memberships:
        department = then.get((person.pk, m.project.fiscal_year))
        m.department_then = (
            department if department and department.pk != person.department_id else None
        )
    certifications = list(
        Certification.objects.filter(user=person).order_by("-level", "-fiscal_year", "-created_at")
    )
    return Journey(
        person=person,
        memberships=memberships,
        certifications=certifications,
        course_records=list(training_selectors.course_records_of(person)),
        qualification_records=list(training_selectors.qualification_records_of(person)),
    )


# --- HR's ledger -------------------------------------------------------------------------


def ledger_filter_choices():
    """Departments and qualifications for the ledger's filters (two queries)."""
    return (
        list(Department.objects.order_by("code").values_list("pk", "name")),
        list(Qualification.objects.order_by("sort_order", "name").values_list("pk", "name")),
    )


def ledger(*, department_id=None, level=None, qualification_id=None) -> list[User]:
    """Everyone of `ledger_people` (the same filters) with `departments_then`, for the
    downloads: six queries whatever the number of people."""
    return with_departments_then(
        ledger_people(department_id=department_id, level=level, qualification_id=qualification_id)
    )


def with_departments_then(people) -> list[User]:
    """`people` (a queryset or a page of one) as a list, each with `departments_then`."""
    people = list(people)
    _attach_departments_then(people)
    return people


def ledger_people(*, department_id=None, level=None, qualification_id=None) -> QuerySet[User]:
    """City staff with their highest held level, verified qualifications, verified
    courses (count and hours) and projects (count), filtered by department (and the
    departments under it, one level down), held level (at least) and verified
    qualification, in the order of the organisation. Two queries when evaluated: people
    with aggregates, and their qualifications; not evaluated here, so a page of it
    reads only its own people."""
    held = Certification.objects.filter(user=OuterRef("pk"), status__in=Certification.HELD)
    courses = CourseRecord.objects.filter(person=OuterRef("pk"), status=Review.VERIFIED)
    people = (
        User.objects.filter(is_active=True)
        .exclude(groups__name=Role.EXTERNAL_EXPERT.value)
        .filter(
            groups__name__in=[
                r.value for r in (Role.STAFF, Role.EXECUTIVE, Role.ORGANISER, Role.HR_ADMIN)
            ]
        )
        .distinct()
        .select_related("department")
        .annotate(
            top_level=Subquery(
                held.order_by().values("user").annotate(m=Max("level")).values("m")[:1],
                output_field=IntegerField(),
            ),
            course_count=Coalesce(
                Subquery(
                    courses.order_by().values("person").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            course_hours=Coalesce(
                Subquery(
                    courses.order_by()
                    .values("person")
                    .annotate(h=Sum("course__hours"))
                    .values("h")[:1],
                    output_field=DecimalField(max_digits=8, decimal_places=1),
                ),
                Value(0, output_field=DecimalField(max_digits=8, decimal_places=1)),
            ),
            project_count=Count(
                "memberships",
                filter=Q(memberships__status=Membership.Status.APPROVED),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch(
                "qualification_records",
                queryset=QualificationRecord.objects.filter(status=Review.VERIFIED)
                .select_related("qualification")
                .order_by("qualification__sort_order", "qualification__name"),
                to_attr="verified_qualifications",
            )
        )
        .order_by("department__code", "last_name_kana", "first_name_kana", "pk")
    )
    if department_id:
        people = people.filter(
            Q(department_id=department_id) | Q(department__parent_id=department_id)
        )
    if level:
        people = people.filter(top_level__gte=int(level))
    if qualification_id:
        people = people.filter(
            qualification_records__qualification_id=qualification_id,
            qualification_records__status=Review.VERIFIED,
        )
    return people


def _attach_departments_then(people: list[User]) -> None:
    """Set `departments_then` on each person: the names of the departments they were in
    at the time of their approved projects (3月31日 of the project's 年度, decision 0023)
    other than their current one, oldest first, each once. For HR's 人事異動 planning
    (who has worked on DX where). Four queries whatever the number of people."""
    years = Membership.objects.filter(
        user_id__in=[p.pk for p in people], status=Membership.Status.APPROVED
    ).values_list("user_id", "project__fiscal_year")
    pairs = set(years)
    then = departments_at_year_end(pairs)
    by_person: dict[int, list] = {}
    for user_id, year in sorted(pairs, key=lambda pair: pair[1]):
        by_person.setdefault(user_id, []).append(then.get((user_id, year)))
    for person in people:
        names = []
        for department in by_person.get(person.pk, []):
            if (
                department
                and department.pk != person.department_id
                and department.name not in names
            ):
                names.append(department.name)
        person.departments_then = names


def level_label(value) -> str:
    return str(Level(value).label) if value else ""
