"""Teams: propose, approve, reject, withdraw."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, Department, User

from ..exceptions import NotAllowed, WrongState
from ..models import Membership, Project, Team, Worksheet
from ._common import _full_clean, _integrity_refusal, _lock_project, _lock_team
from .consent_step import check_head_consent, open_head_consent
from .eligibility import check_eligible, check_recruitment_open, refuse_own_team


def team_propose(
    *,
    project: Project,
    by: User,
    name: str,
    theme: str,
    target_department: Department | None = None,
    today: datetime.date | None = None,
) -> Team:
    """`by` proposes a team and becomes its leader (membership applied, team proposed,
    one place held). Both wait for the organiser's approval (`team_approve`)."""
    with transaction.atomic():
        locked = _lock_project(project)
        check_eligible(locked, by, today=today)
        team = Team(
            project=locked,
            name=name,
            theme=theme,
            target_department=target_department,
            status=Team.Status.PROPOSED,
            max_size=locked.team_size_max,
            member_count=1,
        )
        _full_clean(team)
        leader = Membership(team=team, project=locked, user=by, role=Membership.Role.LEADER)
        try:
            with transaction.atomic():
                team._history_user = by
                team.save()
                leader.team = team
                leader._history_user = by
                leader.save()
        except IntegrityError as error:
            raise _integrity_refusal(error) from error
        open_head_consent(membership=leader, project=locked, by=by)
    return team


def team_approve(*, team: Team, by: User, request: HttpRequest | None = None) -> Team:
    """Approve a proposed team and its leader's membership; create its worksheet."""
    with transaction.atomic():
        locked = _lock_team(team)
        refuse_own_team(by, locked)
        if locked.status == Team.Status.APPROVED:
            return locked
        if locked.status != Team.Status.PROPOSED:
            raise WrongState(
                _("このチームは承認できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="team_state",
            )
        if locked.project.status not in (Project.Status.RECRUITING, Project.Status.IN_PROGRESS):
            raise WrongState(
                _("募集中のプロジェクトのチームのみ承認できます。"), code="not_recruiting"
            )
        leader = (
            Membership.objects.select_for_update()
            .filter(team=locked, role=Membership.Role.LEADER, status__in=Membership.LIVE)
            .first()
        )
        if leader is None:
            raise WrongState(_("リーダーのいないチームは承認できません。"), code="no_leader")
        check_head_consent(leader, locked.project)
        now = timezone.now()
        if leader.status != Membership.Status.APPROVED:
            leader.status = Membership.Status.APPROVED
            leader.decided_at = now
            leader._history_user = by
            leader.save(update_fields=["status", "decided_at"])
        locked.status = Team.Status.APPROVED
        locked._history_user = by
        locked.save(update_fields=["status", "updated_at"])
        Worksheet.objects.get_or_create(team=locked)
        audit_record(
            actor=by,
            action=AuditAction.TEAM_APPROVE,
            target=locked,
            request=request,
            detail={"leader_membership": leader.pk},
        )
    return locked


def _end_team(team: Team, *, by: User, team_status: str, membership_status: str) -> Team:
    """Close a team (rejected or withdrawn) and release every live place in it."""
    now = timezone.now()
    for membership in Membership.objects.select_for_update().filter(
        team=team, status__in=Membership.LIVE
    ):
        membership.status = membership_status
        if membership_status == Membership.Status.WITHDRAWN:
            membership.withdrawn_at = now
        else:
            membership.decided_at = now
        membership._history_user = by
        membership.save(update_fields=["status", "decided_at", "withdrawn_at"])
    team.status = team_status
    team.member_count = 0
    team._history_user = by
    team.save(update_fields=["status", "member_count", "updated_at"])
    return team


def team_reject(*, team: Team, by: User, request: HttpRequest | None = None) -> Team:
    """Reject a proposed team; its leader's and applicants' memberships are rejected."""
    with transaction.atomic():
        locked = _lock_team(team)
        refuse_own_team(by, locked)
        if locked.status == Team.Status.REJECTED:
            return locked
        if locked.status != Team.Status.PROPOSED:
            raise WrongState(
                _("承認待ちのチームのみ却下できます（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="team_state",
            )
        _end_team(
            locked,
            by=by,
            team_status=Team.Status.REJECTED,
            membership_status=Membership.Status.REJECTED,
        )
        audit_record(actor=by, action=AuditAction.TEAM_REJECT, target=locked, request=request)
    return locked


def team_withdraw(*, team: Team, by: User, today: datetime.date | None = None) -> Team:
    """The leader withdraws a team that is still waiting for approval, while recruitment
    is open. Everyone's application to it is withdrawn and their places released."""
    with transaction.atomic():
        locked = _lock_team(team)
        if locked.status == Team.Status.WITHDRAWN:
            return locked
        if not Membership.objects.filter(
            team=locked, user=by, role=Membership.Role.LEADER, status__in=Membership.LIVE
        ).exists():
            raise NotAllowed(_("チームを取り下げられるのはリーダーだけです。"), code="not_leader")
        if locked.status != Team.Status.PROPOSED:
            raise WrongState(
                _("承認済みのチームは取り下げられません。DX推進担当にご相談ください。"),
                code="team_state",
            )
        check_recruitment_open(locked.project, today=today)
        return _end_team(
            locked,
            by=by,
            team_status=Team.Status.WITHDRAWN,
            membership_status=Membership.Status.WITHDRAWN,
        )
