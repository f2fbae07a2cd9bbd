"""HR's correction of a closed report meeting or leadership window (issue #9).

Closed is closed: no page, admin form or service changes a closed meeting or window, its
presentations, materials or evaluations. When a closed thing must be corrected, HR reopens
it explicitly, with a reason, through these services only: the reopening is locked,
checked (separation of duties), kept in the model's history with the reason, written to
the audit log, and, after commit, announced with `report_meeting_reopened` /
`leadership_window_reopened` so that certification recomputes everyone affected. The
organiser then corrects what must be corrected and closes it again as usual.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.history import change_reason
from accounts.models import AuditAction, User
from projects.models import LeaderTerm, Membership, Team

from .. import permissions
from ..exceptions import EvaluationError, NotAllowed, ScoringClosed
from ..models import LeadershipWindow, ReportMeeting
from ..signals import leadership_window_reopened, report_meeting_reopened

REASON_MAX = 2000


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("再開の理由を入力してください。"))
    if len(reason) > REASON_MAX or "\x00" in reason:
        raise EvaluationError(
            _("再開の理由は%(max)s文字以内で入力してください。") % {"max": REASON_MAX}
        )
    return reason


def _reopen(obj, *, by: User, reason: str, request, action: AuditAction) -> None:
    """What reopening a meeting and a window share: open again, the closing forgotten,
    the reason in the history row (as long as it can hold) and in the 操作ログ (whole)."""
    obj.status = obj.Status.OPEN
    obj.closed_at = None
    obj.closed_by = None
    obj._history_user = by
    obj._change_reason = change_reason(reason)
    obj.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(actor=by, action=action, target=obj, request=request, detail={"reason": reason})


def meeting_reopen(*, meeting: ReportMeeting, by: User, reason: str, request=None) -> ReportMeeting:
    """Reopen a closed report meeting for correction (HR only, never by someone whose
    team presented). Idempotent: an open meeting is returned unchanged and nothing is
    logged. Side effects: history row with the reason, an audit entry, and after commit
    `report_meeting_reopened(sender=ReportMeeting, meeting_id, user_ids)`."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        meeting = ReportMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == ReportMeeting.Status.OPEN:
            return meeting
        if meeting.status != ReportMeeting.Status.CLOSED:
            raise ScoringClosed(_("締切済みの報告会のみ再開できます。"))
        team_ids = list(meeting.presentations.values_list("team_id", flat=True))
        if not permissions.can_reopen(by, team_ids=team_ids):
            raise NotAllowed(_("この報告会を再開することはできません。"))
        _reopen(meeting, by=by, reason=reason, request=request, action=AuditAction.MEETING_REOPEN)
        user_ids = sorted(
            set(
                Membership.objects.filter(
                    team_id__in=team_ids, status=Membership.Status.APPROVED
                ).values_list("user_id", flat=True)
            )
        )
        meeting_id = meeting.pk
        transaction.on_commit(
            lambda: report_meeting_reopened.send(
                sender=ReportMeeting, meeting_id=meeting_id, user_ids=user_ids
            )
        )
    return meeting


def window_reopen(
    *, window: LeadershipWindow, by: User, reason: str, request=None
) -> LeadershipWindow:
    """Reopen a closed leadership window for correction (HR only, never by someone in
    one of the project's teams). Idempotent like `meeting_reopen`; after commit
    `leadership_window_reopened(sender=LeadershipWindow, window_id, user_ids)` with the
    project's leaders."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        window = LeadershipWindow.objects.select_for_update().get(pk=window.pk)
        if window.status == LeadershipWindow.Status.OPEN:
            return window
        if window.status != LeadershipWindow.Status.CLOSED:
            raise ScoringClosed(_("締切済みのリーダーシップ評価のみ再開できます。"))
        team_ids = list(
            Team.objects.filter(project_id=window.project_id).values_list("pk", flat=True)
        )
        if not permissions.can_reopen(by, team_ids=team_ids):
            raise NotAllowed(_("このリーダーシップ評価を再開することはできません。"))
        _reopen(window, by=by, reason=reason, request=request, action=AuditAction.WINDOW_REOPEN)
        user_ids = sorted(
            set(
                Membership.objects.filter(
                    team_id__in=team_ids,
                    role=Membership.Role.LEADER,
                    status=Membership.Status.APPROVED,
                ).values_list("user_id", flat=True)
            )
            # Every leader of a term (issue 14): the evaluated one among them.
            | set(LeaderTerm.objects.filter(team_id__in=team_ids).values_list("user_id", flat=True))
        )
        window_id = window.pk
        transaction.on_commit(
            lambda: leadership_window_reopened.send(
                sender=LeadershipWindow, window_id=window_id, user_ids=user_ids
            )
        )
    return window
