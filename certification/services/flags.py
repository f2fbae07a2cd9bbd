"""HR settles a flagged certification."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.history import change_reason
from accounts.models import User

from .. import permissions
from ..exceptions import NotDecider, NotFlagged, SelfDecision
from ..models import Certification, DecisionLine
from . import audit, decisions


def certification_resolve_flag(
    *, certification: Certification, by: User, keep: bool, reason: str, request=None
) -> Certification | DecisionLine:
    """HR settles a flagged certification (reason required; never about themself).

    keep=True: it stays held and becomes MANUAL at once (HR now vouches for it, so a later
    recompute treats it as prior and will not flag it again; nothing is published or
    taken away). keep=False: a revocation is proposed (`certification_revoke_propose`),
    decided like any other; the line is returned.
    """
    reason = decisions.clean_reason(reason)
    if not permissions.can_decide_certifications(by):
        raise NotDecider()
    if permissions.concerns(by, certification.user_id):
        raise SelfDecision()
    if not keep:
        if certification.status != Certification.Status.FLAGGED:
            raise NotFlagged()
        return decisions.certification_revoke_propose(
            certification=certification, reason=reason, by=by, request=request
        )
    with transaction.atomic():
        cert = Certification.objects.select_for_update().get(pk=certification.pk)
        if cert.status != Certification.Status.FLAGGED:
            raise NotFlagged()
        cert.changed_by = by
        cert._history_user = by
        cert.reason = reason
        cert.flag_reason = ""
        cert.status = Certification.Status.ACTIVE
        cert.source = Certification.Source.MANUAL
        cert._change_reason = change_reason(
            _("確認の上、認定を維持：%(reason)s") % {"reason": reason}
        )
        cert.full_clean()
        cert.save()
        audit.record(actor=by, action="certification.flag_kept", target=cert, request=request)
    return cert
