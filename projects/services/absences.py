"""Leave mid-project, early end and leader change (issue 14; decision record 0024).

The organiser records these on the team page. Each service: organiser only, never for a
team they are party to, never once the project is closed, only for an approved
membership of an approved team, dates within the project (its recruitment start to the
end of its 年度); every change is kept in the models' history and the 操作ログ.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.fiscal import date_label, fiscal_year_bounds
from accounts.models import AuditAction, User
from accounts.permissions import is_organiser

from ..exceptions import InvalidData, NotAllowed, WrongState
from ..models import LeaderTerm, Membership, MembershipLeave, Project, Team
from ._common import _full_clean, _integrity_refusal, _lock_membership, _lock_team
from .eligibility import is_party_to_team

ONE_DAY = datetime.timedelta(days=1)


def project_span(project: Project) -> tuple[datetime.date, datetime.date]:
    """The days a leave, an end or a leader change may fall on: from the project's
    recruitment start to the last day of its 年度."""
    return project.recruitment_starts_on, fiscal_year_bounds(project.fiscal_year)[1]


def _check_may_record(by: User, team: Team) -> None:
    if not is_organiser(by):
        raise NotAllowed(_("休止・途中終了・リーダー交代はDX推進担当のみが記録できます。"))
    if is_party_to_team(by, team):
        raise NotAllowed(
            _("自分が参加するチームの休止・途中終了・リーダー交代は記録できません。"),
            code="own_team",
        )
    if team.project.status == Project.Status.CLOSED:
        raise WrongState(_("終了したプロジェクトのメンバーは変更できません。"))
    if team.status != Team.Status.APPROVED:
        raise WrongState(_("承認済みのチームのみ変更できます。"))


def _check_within(project: Project, day: datetime.date, label: str) -> None:
    first, last = project_span(project)
    if not first <= day <= last:
        raise InvalidData(
            _("%(label)sはプロジェクトの期間（%(first)s〜%(last)s）内にしてください。")
            % {"label": label, "first": date_label(first), "last": date_label(last)}
        )


def _check_approved(membership: Membership) -> None:
    if membership.status != Membership.Status.APPROVED:
        raise WrongState(
            _("承認済みのメンバーのみ変更できます（現在：%(status)s）。")
            % {"status": membership.get_status_display()},
            code="membership_state",
        )


def membership_leave_add(
    *,
    membership: Membership,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    reason: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> MembershipLeave:
    """Record a leave (休止) of an approved member from `starts_on` to `ends_on` inclusive
    (open-ended when None). Refused when the dates are outside the project or reversed,
    the leave overlaps another of the same membership, or starts after the membership
    ended. The membership row is locked, so two overlapping leaves cannot both pass."""
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        _check_may_record(by, team)
        _check_approved(locked)
        if kind not in MembershipLeave.Kind.values:
            raise InvalidData(_("休止の種類が正しくありません。"))
        _check_within(team.project, starts_on, _("休止開始日"))
        if ends_on is not None:
            if ends_on < starts_on:
                raise InvalidData(_("休止終了日は休止開始日以降にしてください。"))
            _check_within(team.project, ends_on, _("休止終了日"))
        if locked.ended_on is not None and starts_on > locked.ended_on:
            raise InvalidData(
                _("途中終了日（%(date)s）より後の休止は記録できません。")
                % {"date": date_label(locked.ended_on)}
            )
        for other in MembershipLeave.objects.filter(membership=locked):
            other_end = other.ends_on or datetime.date.max
            new_end = ends_on or datetime.date.max
            if other.starts_on <= new_end and starts_on <= other_end:
                raise InvalidData(
                    _("既に記録された休止（%(start)s〜%(end)s）と期間が重なっています。")
                    % {
                        "start": date_label(other.starts_on),
                        "end": date_label(other.ends_on) if other.ends_on else "",
                    }
                )
        leave = MembershipLeave(
            membership=locked,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=(reason or "").strip(),
            recorded_by=by,
        )
        _full_clean(leave)
        leave._history_user = by
        leave.save()
        audit_record(
            actor=by,
            action=AuditAction.MEMBERSHIP_LEAVE,
            target=locked,
            request=request,
            detail={
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
            },
        )
    return leave


def membership_leave_end(
    *,
    leave: MembershipLeave,
    ends_on: datetime.date,
    by: User,
    request: HttpRequest | None = None,
) -> MembershipLeave:
    """Close an open-ended leave, or shorten one, so that it ends on `ends_on` (the last
    day of the leave). Refused when `ends_on` is before the leave starts, outside the
    project, or later than the leave's recorded end (a leave is never lengthened here:
    record a new one). The same end again changes nothing."""
    with transaction.atomic():
        membership_id = MembershipLeave.objects.values_list("membership_id", flat=True).get(
            pk=leave.pk
        )
        locked_membership, team = _lock_membership(Membership(pk=membership_id))
        _check_may_record(by, team)
        _check_approved(locked_membership)
        locked = MembershipLeave.objects.select_for_update().get(pk=leave.pk)
        if locked.ends_on == ends_on:
            return locked
        if ends_on < locked.starts_on:
            raise InvalidData(_("休止終了日は休止開始日以降にしてください。"))
        _check_within(team.project, ends_on, _("休止終了日"))
        if locked.ends_on is not None and ends_on > locked.ends_on:
            raise InvalidData(
                _("休止終了日は記録済みの終了日（%(date)s）より短くする場合のみ変更できます。")
                % {"date": date_label(locked.ends_on)}
            )
        was = locked.ends_on
        locked.ends_on = ends_on
        _full_clean(locked)
        locked._history_user = by
        locked.save(update_fields=["ends_on"])
        audit_record(
            actor=by,
            action=AuditAction.MEMBERSHIP_LEAVE_END,
            target=locked_membership,
            request=request,
            detail={
                "leave": locked.pk,
                "ends_on": ends_on.isoformat(),
                "was": was.isoformat() if was else None,
            },
        )
    return locked


def membership_end(
    *,
    membership: Membership,
    ended_on: datetime.date,
    by: User,
    request: HttpRequest | None = None,
) -> Membership:
    """Record that an approved member left the project early; `ended_on` is the last day
    they took part. The membership stays approved (they did take part) and keeps its place
    in the team's count. A leader cannot end: change the leader first. Recording the same
    date again changes nothing; another date replaces it (history keeps both)."""
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        _check_may_record(by, team)
        _check_approved(locked)
        if locked.role == Membership.Role.LEADER:
            raise WrongState(
                _("リーダーの参加を終了するには、先にリーダーを交代してください。"),
                code="leader",
            )
        _check_within(team.project, ended_on, _("途中終了日"))
        if locked.ended_on == ended_on:
            return locked
        later = (
            MembershipLeave.objects.filter(membership=locked, starts_on__gt=ended_on)
            .order_by("starts_on")
            .first()
        )
        if later is not None:
            raise InvalidData(
                _("途中終了日より後に始まる休止（%(date)s〜）が記録されています。")
                % {"date": date_label(later.starts_on)}
            )
        locked.ended_on = ended_on
        locked._history_user = by
        locked.save(update_fields=["ended_on"])
        audit_record(
            actor=by,
            action=AuditAction.MEMBERSHIP_END,
            target=locked,
            request=request,
            detail={"ended_on": ended_on.isoformat()},
        )
    return locked


def leader_change(
    *,
    team: Team,
    new_leader: Membership,
    on: datetime.date,
    by: User,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> LeaderTerm:
    """Make the approved member `new_leader` the team's leader from `on` (not in the
    future). The former leader becomes a member; their term ends the day before `on`
    (the first change records it from the start). Refused when `new_leader` is not an
    active member of this team on `on` (ended or on leave), or `on` is not after the
    current term's start."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked_team = _lock_team(team)
        _check_may_record(by, locked_team)
        if on > today:
            raise InvalidData(_("交代日は今日以前の日付にしてください。"))
        _check_within(locked_team.project, on, _("交代日"))
        candidate = Membership.objects.select_for_update().filter(pk=new_leader.pk).first()
        if candidate is None or candidate.team_id != locked_team.pk:
            raise InvalidData(_("このチームのメンバーから新しいリーダーを選んでください。"))
        _check_approved(candidate)
        if candidate.role == Membership.Role.LEADER:
            raise InvalidData(_("この職員は既にリーダーです。"))
        if candidate.ended_on is not None and candidate.ended_on < on:
            raise InvalidData(_("参加を終了したメンバーはリーダーにできません。"))
        if any(leave.covers(on) for leave in MembershipLeave.objects.filter(membership=candidate)):
            raise InvalidData(_("休止中のメンバーはリーダーにできません。"))
        former = (
            Membership.objects.select_for_update()
            .filter(
                team=locked_team, role=Membership.Role.LEADER, status=Membership.Status.APPROVED
            )
            .first()
        )
        current = (
            LeaderTerm.objects.select_for_update()
            .filter(team=locked_team, ends_on__isnull=True)
            .first()
        )
        if current is not None and current.starts_on is not None and on <= current.starts_on:
            raise InvalidData(
                _("交代日は現在のリーダーの就任日（%(date)s）より後にしてください。")
                % {"date": date_label(current.starts_on)}
            )
        try:
            with transaction.atomic():
                if current is None and former is not None:
                    current = LeaderTerm(
                        team=locked_team, user_id=former.user_id, starts_on=None, recorded_by=by
                    )
                if current is not None:
                    current.ends_on = on - ONE_DAY
                    current._history_user = by
                    current.save()
                if former is not None:
                    former.role = Membership.Role.MEMBER
                    former._history_user = by
                    former.save(update_fields=["role"])
                candidate.role = Membership.Role.LEADER
                candidate._history_user = by
                candidate.save(update_fields=["role"])
                term = LeaderTerm(
                    team=locked_team, user_id=candidate.user_id, starts_on=on, recorded_by=by
                )
                term._history_user = by
                term.save()
        except IntegrityError as error:
            raise _integrity_refusal(error) from error
        audit_record(
            actor=by,
            action=AuditAction.LEADER_CHANGE,
            target=locked_team,
            request=request,
            detail={
                "from_user": former.user_id if former else None,
                "to_user": candidate.user_id,
                "on": on.isoformat(),
            },
        )
    return term
