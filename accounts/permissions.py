"""Named predicates about who may do what. Views and templates use these, never raw
group checks. Objects outside a user's scope answer 404 (see each app's selectors)."""

from django.conf import settings

from .roles import Role


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
