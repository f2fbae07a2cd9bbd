"""Named predicates about who may do what. Views and templates use these, never raw
group checks. Objects outside a user's scope answer 404 (see each app's selectors)."""

from django.conf import settings

from .roles import ADMIN_ROLES, Role
from .selectors import departments_headed_by, supervisors_of


def _has(user, role: Role) -> bool:
    return bool(user and user.is_authenticated and user.has_role(role.value))


def is_city_staff(user) -> bool:
    """Staff pages are for city employees: staff, executives, organisers and HR. An
    external expert never is one, even if a staff role was added to them by mistake."""
    if _has(user, Role.EXTERNAL_EXPERT):
        return False
    return any(_has(user, r) for r in (Role.STAFF, Role.EXECUTIVE, Role.ORGANISER, Role.HR_ADMIN))


def is_executive(user) -> bool:
    return _has(user, Role.EXECUTIVE)


def is_external_expert(user) -> bool:
    return _has(user, Role.EXTERNAL_EXPERT)


def is_organiser(user) -> bool:
    return _has(user, Role.ORGANISER)


def is_hr_admin(user) -> bool:
    return _has(user, Role.HR_ADMIN)


def is_programme_admin(user) -> bool:
    """Organisers and HR see everything about the programme."""
    return is_organiser(user) or is_hr_admin(user)


def is_rater(user) -> bool:
    """Scores presentations at report meetings."""
    return is_executive(user) or is_external_expert(user)


def may_use_local_login(user) -> bool:
    """A password kept by the portal is accepted for everyone unless the city signs its
    staff in through its directory with `LOCAL_LOGIN=listed`: then only for the people
    HR lists (external experts, break-glass accounts)."""
    return settings.LOCAL_LOGIN == "all" or bool(user.local_login_allowed)


# --- separation of duties in the accounts admin --------------------------------------------


def is_privileged_role(role_name: str) -> bool:
    """The roles that reach the admin (HR admin, organiser)."""
    return role_name in {r.value for r in ADMIN_ROLES}


def can_grant_role(user, role_name: str) -> bool:
    """HR gives and takes the everyday roles (staff, executive, external expert); only a
    superuser gives or takes a role that reaches the admin."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return is_hr_admin(user) and not is_privileged_role(role_name)


def can_set_admin_flags(user) -> bool:
    """スーパーユーザー権限 and スタッフ権限 are set by a superuser only."""
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def can_edit_account(user, account) -> bool:
    """Nobody but a superuser edits a superuser's or a staff-flagged account (its
    password included): HR could otherwise take it over."""
    if can_set_admin_flags(user):
        return True
    return not (account.is_superuser or account.is_staff)


# --- 所属長 (derived from the roster; see accounts/selectors.py) ---------------------------


def is_department_head(user) -> bool:
    """Heads a 課 (or a 部) by the roster: grade 課長 or above and the highest grade in
    their own department."""
    return bool(departments_headed_by(user))


def heads_person(user, person) -> bool:
    """`user` is `person`'s 所属長 (never their own)."""
    if not (user and user.is_authenticated and person and person.department_id):
        return False
    return any(head.pk == user.pk for head in supervisors_of(person))
