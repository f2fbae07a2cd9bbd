"""横展開: staff register interest in adopting a case in their 課; the organiser tracks it."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User

from ..exceptions import InvalidData, NotAllowed, WrongState
from ..models import AdoptionInterest, ShowcaseCase
from ..permissions import can_manage_showcase, can_see_showcase, is_case_team_member
from ._common import full_clean

S = AdoptionInterest.Status
#: Where the organiser may move an interest from each status. 導入済み may go back to
#: 検討中 only (a correction; the history and the 操作ログ keep both).
ADOPTION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.INTERESTED: (S.CONSIDERING, S.ADOPTED, S.DROPPED),
    S.CONSIDERING: (S.INTERESTED, S.ADOPTED, S.DROPPED),
    S.ADOPTED: (S.CONSIDERING,),
    S.DROPPED: (S.INTERESTED, S.CONSIDERING),
}


def adoption_interest_register(*, case: ShowcaseCase, by: User, note: str = "") -> AdoptionInterest:
    """「自分の課でも取り入れたい」: `by` registers interest in adopting `case` in their own
    課 (their department in the roster), with a short note. One per person × case × 課
    (also a database constraint). Refused for an unpublished case, for someone without a
    department, and for the case's own team."""
    if not can_see_showcase(by):
        raise NotAllowed(_("職員のみ登録できます。"))
    if by.department_id is None:
        raise InvalidData(
            _("所属が登録されていないため、登録できません。人事課にお問い合わせください。")
        )
    interest = AdoptionInterest(
        case=case, user=by, department_id=by.department_id, note=(note or "").strip()
    )
    try:
        with transaction.atomic():
            locked = ShowcaseCase.objects.select_for_update().get(pk=case.pk)
            if not locked.is_published:
                raise WrongState(_("この事例は公開されていません。"))
            if is_case_team_member(by, locked):
                raise NotAllowed(_("自分のチームの事例には登録できません。"))
            if AdoptionInterest.objects.filter(
                case=locked, user=by, department_id=by.department_id
            ).exists():
                raise InvalidData(_("この事例には既にこの課で登録しています。"))
            interest.case = locked
            full_clean(interest, validate_unique=False, validate_constraints=False)
            interest._history_user = by
            interest.save()
    except IntegrityError as error:
        raise InvalidData(_("この事例には既にこの課で登録しています。")) from error
    return interest


def adoption_status_set(
    *,
    interest: AdoptionInterest,
    status: str,
    by: User,
    request=None,
    today: datetime.date | None = None,
) -> AdoptionInterest:
    """The organiser moves an interest along ADOPTION_TRANSITIONS. 導入済み records the
    day (`adopted_on`), which the dashboard's 横展開の効果 counts from. Returns early when
    already in `status`. Audited."""
    if not can_manage_showcase(by):
        raise NotAllowed(_("導入状況を更新できるのはDX推進担当だけです。"))
    if status not in S.values:
        raise InvalidData(_("状況を選んでください。"))
    with transaction.atomic():
        locked = AdoptionInterest.objects.select_for_update().get(pk=interest.pk)
        if locked.status == status:
            return locked
        if status not in ADOPTION_TRANSITIONS[locked.status]:
            raise WrongState(
                _("「%(from)s」から「%(to)s」には変更できません。")
                % {"from": S(locked.status).label, "to": S(status).label}
            )
        before = locked.status
        locked.status = status
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        locked.adopted_on = (today or timezone.localdate()) if status == S.ADOPTED else None
        locked._history_user = by
        locked.save(
            update_fields=["status", "status_changed_at", "status_changed_by", "adopted_on"]
        )
        audit_record(
            actor=by,
            action=AuditAction.ADOPTION_STATUS,
            target=locked,
            request=request,
            detail={"from": before, "to": status, "case": locked.case_id},
        )
    return locked
