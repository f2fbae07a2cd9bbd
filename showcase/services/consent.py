"""A member's own choice whether the showcase shows their name."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from projects.models import Membership, Team

from ..exceptions import NotAllowed
from ..models import NameConsent


def name_consent_set(*, team: Team, user: User, show_name: bool) -> NameConsent:
    """Set whether `user`'s name is shown with `team` on the showcase (default: shown).
    Only the member themself, an approved member of the team. Idempotent."""
    if not Membership.objects.filter(
        team=team, user=user, status=Membership.Status.APPROVED
    ).exists():
        raise NotAllowed(_("このチームのメンバーだけが設定できます。"))
    with transaction.atomic():
        consent, created = NameConsent.objects.select_for_update().get_or_create(
            team=team, user=user, defaults={"show_name": bool(show_name)}
        )
        if not created and consent.show_name != bool(show_name):
            consent.show_name = bool(show_name)
            consent._history_user = user
            consent.save(update_fields=["show_name", "updated_at"])
    return consent
