"""Object-level predicates of the evaluations app (role predicates: accounts.permissions)."""

from accounts import permissions
from projects.models import Membership

from .models import Presentation


def is_team_member(user, team_id: int) -> bool:
    """An approved member or leader of the team."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            team_id=team_id, user=user, status=Membership.Status.APPROVED
        ).exists()
    )


def can_view_team_results(user, team) -> bool:
    """The team's own people, the organiser and HR."""
    return permissions.is_programme_admin(user) or is_team_member(user, team.pk)


def can_download_materials(user, presentation: Presentation) -> bool:
    """Raters, the organiser, HR and the presenting team."""
    return (
        permissions.is_rater(user)
        or permissions.is_programme_admin(user)
        or is_team_member(user, presentation.team_id)
    )


def can_see_individual_scores(user) -> bool:
    """Per-rater scores and comments are personnel data: organiser and HR only."""
    return permissions.is_programme_admin(user)
