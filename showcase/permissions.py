"""Who may do what with the showcase (role predicates: accounts.permissions)."""

from accounts import permissions
from projects.models import Membership

from .models import ShowcaseCase


def can_see_showcase(user) -> bool:
    """Every member of city staff (an external expert is not one)."""
    return permissions.is_city_staff(user)


def can_manage_showcase(user) -> bool:
    """Publishing, tags and tracking adoptions: the organiser (DX推進担当)."""
    return permissions.is_organiser(user)


def can_view_case(user, case: ShowcaseCase) -> bool:
    """A published case: all staff. An unpublished one: the organiser and HR only."""
    if not can_see_showcase(user):
        return False
    return case.is_published or permissions.is_programme_admin(user)


def is_case_team_member(user, case: ShowcaseCase, memberships=None) -> bool:
    """An approved member or leader of the case's team (`memberships`: the team's
    prefetched approved memberships, to avoid a query)."""
    if not user.is_authenticated:
        return False
    if memberships is not None:
        return any(m.user_id == user.pk for m in memberships)
    return Membership.objects.filter(
        team_id=case.team_id, user=user, status=Membership.Status.APPROVED
    ).exists()


def can_see_interested_people(user, case: ShowcaseCase, memberships=None) -> bool:
    """Who asked to adopt a case: its team, the organiser and HR."""
    return permissions.is_programme_admin(user) or is_case_team_member(user, case, memberships)
