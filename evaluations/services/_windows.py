"""The close step shared by report meetings and leadership windows (ScoringWindow)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User

from ..exceptions import ScoringClosed
from ..models import ScoringWindow


def close_scoring(
    locked: ScoringWindow, *, by: User, now: datetime.datetime | None, refusal: str
) -> bool:
    """Close `locked` (the caller holds its row lock): record who and when. Returns False
    when it was closed already (nothing written); refuses with `refusal` unless open."""
    if locked.is_closed:
        return False
    if not locked.is_open:
        raise ScoringClosed(refusal)
    locked._history_user = by
    locked.save(update_fields=locked.mark_closed(by=by, now=now or timezone.now()))
    return True
