"""所属長の承認 (issue 12): the head of an applicant's 課 consents to the application (or
team proposal) — noting how the work is covered (業務の分担) — or declines it with a
reason, which ends the application (a declined proposal ends the team).

Only the applicant's 所属長 by the roster decides (`accounts.permissions.heads_person`,
checked again here under the row locks); nobody decides on their own application. Locks
follow `_lock_membership`: the team, then the membership, then the consent row.

The e-mail asking the heads is at least once, as the reminders (decision 0012): a pending
consent keeps `notified_at = None` until every head's mail was accepted; the task
retries, and beat sends what is still owed hourly.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.fiscal import wareki_date
from accounts.models import AuditAction, User
from accounts.permissions import heads_person
from accounts.selectors import supervisors_of

from ..consent_models import NOTE_MAX, HeadConsent
from ..exceptions import InvalidData, NotAllowed, WrongState
from ..models import Membership, Team
from ._common import _lock_membership
from .memberships import _release
from .teams import _end_team

logger = logging.getLogger(__name__)


def _clean_note(value: str, *, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidData(_("「%(field)s」を入力してください。") % {"field": label})
    if "\x00" in value:
        raise InvalidData(_("「%(field)s」に使用できない文字が含まれています。") % {"field": label})
    if len(value) > NOTE_MAX:
        raise InvalidData(
            _("「%(field)s」は%(max)s文字以内で入力してください。")
            % {"field": label, "max": NOTE_MAX}
        )
    return value


def _lock_for_decision(consent: HeadConsent, by: User) -> tuple[HeadConsent, Membership, Team]:
    """Lock team, membership and consent; refuse anyone but the applicant's 所属長."""
    membership_id = HeadConsent.objects.values_list("membership_id", flat=True).get(pk=consent.pk)
    membership, team = _lock_membership(Membership(pk=membership_id))
    locked = HeadConsent.objects.select_for_update().get(pk=consent.pk)
    applicant = User.objects.select_related("department").get(pk=membership.user_id)
    if applicant.pk == by.pk or not heads_person(by, applicant):
        raise NotAllowed(_("この申請を判断できるのは申請者の所属長だけです。"), code="not_the_head")
    return locked, membership, team


def _refuse_unless_open(locked: HeadConsent, membership: Membership, team: Team) -> None:
    if not locked.is_pending:
        raise WrongState(
            _("この申請は既に判断済みです（%(decision)s）。")
            % {"decision": locked.get_decision_display()},
            code="consent_state",
        )
    if membership.status != Membership.Status.APPLIED or (
        membership.role == Membership.Role.LEADER and team.status != Team.Status.PROPOSED
    ):
        raise WrongState(
            _("この申請は判断できません（現在：%(status)s）。")
            % {"status": membership.get_status_display()},
            code="membership_state",
        )


def _audit(
    locked: HeadConsent,
    membership: Membership,
    *,
    by: User,
    action: AuditAction,
    request: HttpRequest | None,
) -> None:
    """The decision in the 操作ログ: ids only, never the note (業務の分担, 理由)."""
    audit_record(
        actor=by,
        action=action,
        target=membership,
        request=request,
        detail={"consent": locked.pk, "decision": locked.decision},
    )


def head_consent(
    *, consent: HeadConsent, by: User, coverage: str, request: HttpRequest | None = None
) -> HeadConsent:
    """The 所属長 consents; `coverage` says how the applicant's work is covered. The
    application then waits for the organiser."""
    coverage = _clean_note(coverage, label=_("業務の分担"))
    with transaction.atomic():
        locked, membership, team = _lock_for_decision(consent, by)
        if locked.is_consented:
            return locked
        _refuse_unless_open(locked, membership, team)
        locked.decision = HeadConsent.Decision.CONSENTED
        locked.coverage = coverage
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked._history_user = by
        locked.save(update_fields=["decision", "coverage", "decided_by", "decided_at"])
        _audit(locked, membership, by=by, action=AuditAction.HEAD_CONSENT, request=request)
    return locked


def head_decline(
    *, consent: HeadConsent, by: User, reason: str, request: HttpRequest | None = None
) -> HeadConsent:
    """The 所属長 declines with `reason` (shown to the applicant). The application is
    rejected and its place freed; a declined team proposal ends the team, as the
    organiser's rejection would."""
    reason = _clean_note(reason, label=_("不承認の理由"))
    with transaction.atomic():
        locked, membership, team = _lock_for_decision(consent, by)
        if locked.is_declined:
            return locked
        _refuse_unless_open(locked, membership, team)
        locked.decision = HeadConsent.Decision.DECLINED
        locked.reason = reason
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked._history_user = by
        locked.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        _audit(locked, membership, by=by, action=AuditAction.HEAD_DECLINE, request=request)
        if membership.role == Membership.Role.LEADER:
            _end_team(
                team,
                by=by,
                team_status=Team.Status.REJECTED,
                membership_status=Membership.Status.REJECTED,
            )
        else:
            _release(membership, team, by=by, status=Membership.Status.REJECTED)
    return locked


# --- the e-mail to the heads ---------------------------------------------------------------


class ConsentRequestsFailed(OSError):
    """Some requests could not be e-mailed (ids only); they stay owed and are retried."""


def _messages(consent: HeadConsent) -> list[EmailMessage]:
    membership = consent.membership
    applicant = membership.user
    heads = [h for h in supervisors_of(applicant) if h.email]
    context = {
        "applicant": applicant,
        "membership": membership,
        "team": membership.team,
        "project": membership.team.project,
        "requested_on": wareki_date(timezone.localdate(consent.requested_at)),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    result = []
    for head in heads:
        body = render_to_string("projects/email/consent_request.txt", {**context, "head": head})
        subject = _("【DX人材ポータル】BPRプロジェクト参加の所属長の承認をお願いします")
        result.append(EmailMessage(subject, body, to=[head.email]))
    return result


def consent_requests_send(*, consent_ids: Iterable[int] | None = None) -> int:
    """E-mail the 所属長 of every pending consent of `consent_ids` (None: every one) not yet
    notified, then mark those sent. A failure leaves that request owed (retried by the
    task and the hourly beat) and is raised after trying the others. A crash between
    sending and marking may send a request twice, never not at all."""
    qs = HeadConsent.objects.filter(
        decision=HeadConsent.Decision.PENDING,
        notified_at__isnull=True,
        membership__status=Membership.Status.APPLIED,
        membership__project__requires_head_consent=True,
    ).select_related("membership__user__department", "membership__team__project")
    if consent_ids is not None:
        qs = qs.filter(pk__in=list(consent_ids))
    consents = list(qs.order_by("pk"))
    if not consents:
        return 0
    sent, done, failures = 0, [], []
    connection = get_connection()
    try:
        with translation.override("ja"):
            for consent in consents:
                try:
                    messages = _messages(consent)
                    if messages:
                        connection.send_messages(messages)
                except (smtplib.SMTPException, OSError) as error:
                    logger.warning(
                        "consent request %s not sent: %s", consent.pk, type(error).__name__
                    )
                    failures.append(consent.pk)
                    continue
                sent += len(messages)
                done.append(consent.pk)
    finally:
        if done:
            HeadConsent.objects.filter(pk__in=done).update(notified_at=timezone.now())
    if failures:
        raise ConsentRequestsFailed(failures)
    return sent
