"""Object-level predicates of the evaluations app (role predicates: accounts.permissions)."""

from collections.abc import Collection

from django.utils.translation import gettext as _

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


def invitation_refusal(user, *, leader, live_member_ids: Collection[int]) -> str | None:
    """Why `user` may not be invited to rate `leader`'s leadership, or None if they may.

    The one rule behind the service (`invitation_add`), the organiser's choice list
    (`selectors.invitation_candidates`) and its form: an active city employee (an
    external expert never is one) of the leader's own department (同一所属職員), neither
    the leader nor a live member of the team (members rate without an invitation). No
    query when `user`'s groups are prefetched."""
    if user.pk == leader.pk:
        return _("リーダー本人を評価者として招待することはできません。")
    if user.pk in live_member_ids:
        return _("チームのメンバーは招待しなくても評価できます。")
    if not user.is_active or not permissions.is_city_staff(user):
        return _("市の職員のみ招待できます。")
    if leader.department_id is None or user.department_id != leader.department_id:
        return _("リーダーと同じ所属の職員のみ招待できます。")
    return None


def can_be_invited(user, *, leader, live_member_ids: Collection[int]) -> bool:
    return invitation_refusal(user, leader=leader, live_member_ids=live_member_ids) is None


def can_see_individual_scores(user) -> bool:
    """Per-rater scores and comments are personnel data: organiser and HR only."""
    return permissions.is_programme_admin(user)


# --- separation of duties and closed things (issue #9) -------------------------------------


def own_team_ids(user) -> list[int]:
    """Every team the person has ever been in or applied to (any status): their own
    team's evaluations are never theirs to read one by one."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).values_list("team_id", flat=True))


def can_read_individual_evaluations_of(user, team_id: int) -> bool:
    """Programme admins read per-rater evaluations, except those of a team they belong
    to (its presentation's scores, or their own leadership)."""
    return can_see_individual_scores(user) and team_id not in own_team_ids(user)


def can_run_meetings(user) -> bool:
    """Opening and closing report meetings and leadership windows is the organiser's."""
    return permissions.is_organiser(user)


def can_reopen(user, *, team_ids=()) -> bool:
    """Reopening a closed meeting or window is an HR correction, never by someone whose
    own team it concerns."""
    if not (permissions.is_hr_admin(user) or getattr(user, "is_superuser", False)):
        return False
    return not set(team_ids) & set(own_team_ids(user))
