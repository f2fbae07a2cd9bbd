"""Reads about people and departments that more than one app needs.

所属長 (the head of a 課) is derived from the roster, never kept by hand: a department's
heads are its active members of grade 課長 or above with the highest grade found there.
A 係 without such a person answers to the head of its parent 課, and so on upwards.
"""

from django.db.models import Max

from .models import Department, Grade, User

HEAD_GRADE = Grade.KACHO


def heads_of(department: Department | None) -> list[User]:
    """The 所属長 for people of `department`: its own heads, else its parent's. Walks
    the parent chain (a few queries, at most the depth of the organisation)."""
    seen = set()
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        heads = _own_heads(department.pk)
        if heads:
            return heads
        department = department.parent
    return []


def supervisors_of(person: User) -> list[User]:
    """Whom `person` answers to as 所属長: the heads of their department other than
    themselves; a head (or a 係 without one) answers to the heads above."""
    department = person.department
    while department is not None:
        heads = [h for h in _own_heads(department.pk) if h.pk != person.pk]
        if heads:
            return heads
        department = department.parent
    return []


def _own_heads(department_id: int) -> list[User]:
    staff = User.objects.filter(department_id=department_id, is_active=True, grade__gte=HEAD_GRADE)
    top = staff.aggregate(top=Max("grade"))["top"]
    if top is None:
        return []
    return list(staff.filter(grade=top).order_by("employee_number"))


def departments_headed_by(user) -> list[Department]:
    """The departments whose people answer to `user` as 所属長: their own department if
    they head it, and every descendant without heads of its own."""
    if not (user and user.is_authenticated and user.is_active and user.department_id):
        return []
    if user.grade is None or user.grade < HEAD_GRADE:
        return []
    own = user.department
    if user not in _own_heads(own.pk):
        return []
    result = [own]
    frontier = [own.pk]
    while frontier:
        children = list(Department.objects.filter(parent_id__in=frontier))
        frontier = []
        for child in children:
            if not _own_heads(child.pk):
                result.append(child)
                frontier.append(child.pk)
    return result


def department_ids_headed_by(user) -> list[int]:
    return [d.pk for d in departments_headed_by(user)]


# --- careers: the department and the name at a given day (issue #14) -------------------


def _covers(assignment, day) -> bool:
    return (assignment.starts_on is None or assignment.starts_on <= day) and (
        assignment.ends_on is None or day <= assignment.ends_on
    )


def department_at(user: User, day) -> Department | None:
    """The department `user` belonged to on `day`: the recorded period covering it, else
    (no history kept, or a day no period covers) their current department (one query)."""
    for assignment in user.department_assignments.select_related("department"):
        if _covers(assignment, day):
            return assignment.department
    return user.department


def departments_on(pairs) -> dict[tuple[int, object], int | None]:
    """{(user_id, day): department_id} for many (user id, day) pairs, by the same rule as
    `department_at` (two queries whatever the number of pairs)."""
    from .models import DepartmentAssignment

    pairs = set(pairs)
    user_ids = {user_id for user_id, _day in pairs}
    current = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "department_id"))
    periods: dict[int, list] = {}
    for assignment in DepartmentAssignment.objects.filter(user_id__in=user_ids).only(
        "user_id", "department_id", "starts_on", "ends_on"
    ):
        periods.setdefault(assignment.user_id, []).append(assignment)
    found = {}
    for user_id, day in pairs:
        match = next((a for a in periods.get(user_id, []) if _covers(a, day)), None)
        found[user_id, day] = match.department_id if match else current.get(user_id)
    return found


def department_history(user: User) -> list:
    """The person's recorded periods, oldest first (one query)."""
    return list(user.department_assignments.select_related("department"))


def work_name_on(user: User, day, name_changes=None) -> str:
    """The name `user` used at work on `day`: before the first name change after that
    day, the name that change replaced; else their current name. `name_changes` may be
    given (already fetched, any order) to save the query."""
    changes = (
        sorted(name_changes, key=lambda c: (c.changed_on, c.pk))
        if name_changes is not None
        else list(user.name_changes.order_by("changed_on", "pk"))
    )
    for change in changes:
        if change.changed_on > day:
            return change.old_name
    return user.full_name
