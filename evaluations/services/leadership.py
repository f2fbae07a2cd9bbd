"""Leadership windows and the invitations of colleagues to rate a leader."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from projects import permissions as project_permissions
from projects.models import LeaderTerm, Membership, Project, Team
from projects.selectors import unavailable_memberships

from ..exceptions import EvaluationError, NotAllowed, ScoringClosed
from ..models import Evaluation, LeadershipInvitation, LeadershipWindow, Perspective
from ..permissions import invitation_refusal
from ..selectors import team_leader
from ..signals import leadership_window_closed
from ._windows import close_scoring
from .rubrics import rubric_ensure_defaults


def window_was_closed(*, project: Project) -> bool:
    """The project's window was closed once (its history says so), or leadership scores
    of its teams exist: such a project never gets a fresh window."""
    return (
        LeadershipWindow.history.filter(
            project_id=project.pk, status=LeadershipWindow.Status.CLOSED
        ).exists()
        or Evaluation.objects.filter(
            perspective=Perspective.LEADERSHIP, team__project_id=project.pk
        ).exists()
    )


def window_open(
    *,
    project: Project,
    closes_on: datetime.date,
    by: User,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> LeadershipWindow:
    """Open (or move the deadline of) the project's leadership-evaluation window.
    A closed window never reopens; the deadline may not lie in the past."""
    today = today or timezone.localdate()
    if project.status in (Project.Status.DRAFT, Project.Status.RECRUITING):
        # Members evaluate their leader after working together, not before teams exist.
        raise EvaluationError(
            _("リーダーシップ評価は、プロジェクトの実施が始まってから開始できます。")
        )
    if closes_on < today:
        raise EvaluationError(_("締切日は今日以降の日付にしてください。"))
    with transaction.atomic():
        if not LeadershipWindow.objects.filter(project=project).exists() and window_was_closed(
            project=project
        ):
            # Its row went (a stray delete) but its facts stay closed (issue #9, finding 3).
            raise ScoringClosed(_("締切済みのリーダーシップ評価は再開できません。"))
        window, _created = LeadershipWindow.objects.get_or_create(
            project=project, defaults={"closes_on": closes_on}
        )
        window = LeadershipWindow.objects.select_for_update().get(pk=window.pk)
        if window.is_closed:
            raise ScoringClosed(_("締切済みのリーダーシップ評価は再開できません。"))
        rubric_ensure_defaults(fiscal_year=project.fiscal_year)
        window.closes_on = closes_on
        if not window.is_open:
            window.mark_open(now=now or timezone.now())
        window._history_user = by
        window.save()
    return window


def window_close(
    *,
    window: LeadershipWindow,
    by: User,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> LeadershipWindow:
    """Close the window: lock the row, record who closed it and when (on the window and
    in the 操作ログ; `request` gives the address). After commit,
    send `leadership_window_closed(sender=LeadershipWindow, window_id, user_ids)` with
    the leaders of the project's approved teams (the ones evaluated: the leader at each
    team's report meeting). Idempotent when closed."""
    with transaction.atomic():
        window = LeadershipWindow.objects.select_for_update().get(pk=window.pk)
        if not close_scoring(
            window, by=by, now=now, refusal=_("受付中のリーダーシップ評価のみ締め切れます。")
        ):
            return window
        audit_record(actor=by, action=AuditAction.WINDOW_CLOSE, target=window, request=request)
        user_ids = sorted(
            set(
                Membership.objects.filter(
                    team__project_id=window.project_id,
                    team__status=Team.Status.APPROVED,
                    role=Membership.Role.LEADER,
                    status=Membership.Status.APPROVED,
                ).values_list("user_id", flat=True)
            )
            # Whoever led a team at some time (issue 14): the evaluated one among them.
            | set(
                LeaderTerm.objects.filter(
                    team__project_id=window.project_id, team__status=Team.Status.APPROVED
                ).values_list("user_id", flat=True)
            )
        )
        window_id = window.pk
        transaction.on_commit(
            lambda: leadership_window_closed.send(
                sender=LeadershipWindow, window_id=window_id, user_ids=user_ids
            )
        )
    return window


def invitation_add(*, team: Team, user: User, by: User) -> LeadershipInvitation:
    """Invite a colleague of the leader's own department (同一所属職員) to evaluate the
    leader. Refused for other departments, the leader and the team's members.
    Idempotent: inviting twice returns the existing invitation. Nobody picks the raters
    of a team they belong to (separation of duties)."""
    if project_permissions.is_party_to_team(by, team):
        raise NotAllowed(_("自分が参加するチームの評価者は招待できません。"))
    leader = team_leader(team)
    if leader is None:
        raise EvaluationError(_("このチームには承認済みのリーダーがいません。"))
    live_member_ids = set(
        Membership.objects.filter(team=team, status__in=Membership.LIVE).values_list(
            "user_id", flat=True
        )
    )
    if unavailable_memberships(
        Membership.objects.filter(team=team, user=user), on=timezone.localdate()
    ).exists():
        # 休止中・途中終了 (issue 14): not a rater, and not invited in another capacity.
        raise NotAllowed(_("休止中または参加を終了したメンバーは評価者にできません。"))
    refusal = invitation_refusal(user, leader=leader, live_member_ids=live_member_ids)
    if refusal:
        raise NotAllowed(refusal)
    with transaction.atomic():
        window = (
            LeadershipWindow.objects.select_for_update().filter(project_id=team.project_id).first()
        )
        if window and window.is_closed:
            raise ScoringClosed(_("締切済みのリーダーシップ評価には招待できません。"))
        invitation, _created = LeadershipInvitation.objects.get_or_create(
            team=team, user=user, defaults={"invited_by": by}
        )
    return invitation


def invitation_remove(*, invitation: LeadershipInvitation, by: User) -> None:
    """Withdraw an invitation that has not been used yet, while the project's window is
    not closed (the window row is locked, as `invitation_add` and `window_close` do).
    Nobody picks the raters of a team they belong to (separation of duties)."""
    if project_permissions.is_party_to_team(by, invitation.team):
        raise NotAllowed(_("自分が参加するチームの評価者の招待は取り消せません。"))
    with transaction.atomic():
        window = (
            LeadershipWindow.objects.select_for_update()
            .filter(project_id__in=Team.objects.filter(pk=invitation.team_id).values("project_id"))
            .first()
        )
        if window and window.is_closed:
            raise ScoringClosed(_("締切済みのリーダーシップ評価の招待は取り消せません。"))
        if Evaluation.objects.filter(
            team_id=invitation.team_id,
            evaluator_id=invitation.user_id,
            perspective=Perspective.LEADERSHIP,
        ).exists():
            raise EvaluationError(_("既に評価を提出した招待は取り消せません。"))
        LeadershipInvitation.objects.filter(pk=invitation.pk).delete()
