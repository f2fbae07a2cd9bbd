"""Memberships: apply to a team, approve, reject, withdraw."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User

from ..exceptions import NotAllowed, TeamFull, WrongState
from ..models import Membership, Team
from ._common import _integrity_refusal, _lock_membership, _lock_team
from .consent_step import check_head_consent, open_head_consent
from .eligibility import check_eligible, check_recruitment_open, refuse_own_team
from .teams import team_withdraw


def membership_apply(*, team: Team, by: User, today: datetime.date | None = None) -> Membership:
    """`by` applies to join `team` and holds a place in it. Refused when the project is not
    recruiting, outside the window, above the grade limit, already in a team of this
    project, or the team is full (checked under a row lock on the team; the database's
    check constraint is the last line)."""
    with transaction.atomic():
        locked = _lock_team(team)
        if locked.status not in (Team.Status.PROPOSED, Team.Status.APPROVED):
            raise WrongState(
                _("このチームには参加を申請できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="team_state",
            )
        check_eligible(locked.project, by, today=today)
        if locked.member_count >= locked.max_size:
            raise TeamFull(code="team_full")
        membership = Membership(team=locked, project=locked.project, user=by)
        try:
            with transaction.atomic():
                Team.objects.filter(pk=locked.pk).update(member_count=F("member_count") + 1)
                membership._history_user = by
                membership.save()
        except IntegrityError as error:
            raise _integrity_refusal(error) from error
        open_head_consent(membership=membership, project=locked.project, by=by)
        locked.refresh_from_db(fields=["member_count"])
    return membership


def membership_approve(
    *, membership: Membership, by: User, request: HttpRequest | None = None
) -> Membership:
    """Approve an application to a team that is itself approved."""
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        refuse_own_team(by, team)
        if locked.status == Membership.Status.APPROVED:
            return locked
        if locked.status != Membership.Status.APPLIED:
            raise WrongState(
                _("申請中の参加のみ承認できます（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="membership_state",
            )
        if locked.role == Membership.Role.LEADER:
            raise WrongState(_("リーダーの参加はチームの承認で確定します。"), code="leader")
        if team.status != Team.Status.APPROVED:
            raise WrongState(_("先にチームを承認してください。"), code="team_not_approved")
        check_head_consent(locked, team.project)
        locked.status = Membership.Status.APPROVED
        locked.decided_at = timezone.now()
        locked._history_user = by
        locked.save(update_fields=["status", "decided_at"])
        audit_record(
            actor=by, action=AuditAction.MEMBERSHIP_APPROVE, target=locked, request=request
        )
    return locked


def _release(membership: Membership, team: Team, *, by: User, status: str) -> Membership:
    """Close a live membership and free its place (the team is already locked)."""
    membership.status = status
    now = timezone.now()
    if status == Membership.Status.WITHDRAWN:
        membership.withdrawn_at = now
    else:
        membership.decided_at = now
    membership._history_user = by
    membership.save(update_fields=["status", "decided_at", "withdrawn_at"])
    Team.objects.filter(pk=team.pk).update(member_count=F("member_count") - 1)
    return membership


def membership_reject(
    *, membership: Membership, by: User, request: HttpRequest | None = None
) -> Membership:
    """Reject an application (not a leader's: reject the team instead); frees the place."""
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        refuse_own_team(by, team)
        if locked.status == Membership.Status.REJECTED:
            return locked
        if locked.status != Membership.Status.APPLIED:
            raise WrongState(
                _("申請中の参加のみ却下できます（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="membership_state",
            )
        if locked.role == Membership.Role.LEADER:
            raise WrongState(
                _("リーダーの申請は却下できません。チームを却下してください。"), code="leader"
            )
        _release(locked, team, by=by, status=Membership.Status.REJECTED)
        audit_record(actor=by, action=AuditAction.MEMBERSHIP_REJECT, target=locked, request=request)
    return locked


def membership_withdraw(
    *, membership: Membership, by: User, today: datetime.date | None = None
) -> Membership:
    """The person withdraws from a team while recruitment is open; the place is freed.

    A leader of a team still waiting for approval withdraws the whole team (every
    application to it is withdrawn). A leader of an approved team cannot withdraw: the
    team would be left without its one leader, so the organiser must sort it out.
    """
    if membership.user_id != by.pk:
        raise NotAllowed(_("本人のみ辞退できます。"), code="not_self")
    if membership.role == Membership.Role.LEADER:
        team_withdraw(team=Team(pk=membership.team_id), by=by, today=today)
        membership.refresh_from_db()
        return membership
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        if locked.status == Membership.Status.WITHDRAWN:
            return locked
        if locked.status not in Membership.LIVE:
            raise WrongState(
                _("この参加は辞退できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="membership_state",
            )
        check_recruitment_open(team.project, today=today)
        return _release(locked, team, by=by, status=Membership.Status.WITHDRAWN)
