"""The 所属長 step inside applying, proposing and approving (issue 12).

`open_head_consent` is called by `membership_apply` and `team_propose` in their
transaction; `check_head_consent` by `membership_approve` and `team_approve`. Kept apart
from `head_consent` (the head's decisions), which needs the membership and team services:
this module imports none of them, so no circle.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import supervisors_of

from ..consent_models import HeadConsent
from ..exceptions import WrongState
from ..models import Membership, Project
from ..queueing import enqueue_consent_requests


def open_head_consent(*, membership: Membership, project: Project, by: User) -> HeadConsent | None:
    """Ask `by`'s 所属長 to consent to `membership` when `project` asks for it. Nobody is
    asked when the roster gives `by` no 所属長 (the 市長, or a department without a head
    up the chain): the application goes straight to the organiser. The e-mail to the
    heads is queued after the commit."""
    if not project.requires_head_consent or not supervisors_of(by):
        return None
    consent = HeadConsent(membership=membership)
    consent._history_user = by
    consent.save()
    transaction.on_commit(lambda: enqueue_consent_requests(consent.pk), robust=True)
    return consent


def consent_pending(membership: Membership, project: Project) -> bool:
    """The organiser must still wait for the 所属長 (one query)."""
    return (
        project.requires_head_consent
        and HeadConsent.objects.filter(
            membership_id=membership.pk, decision=HeadConsent.Decision.PENDING
        ).exists()
    )


def check_head_consent(membership: Membership, project: Project) -> None:
    """Refuse the organiser's approval while the 所属長 has not consented."""
    if consent_pending(membership, project):
        raise WrongState(
            _("所属長の承認待ちです。所属長が承認してから決定してください。"),
            code="head_consent_pending",
        )
