"""HR's 認定基準 per 年度: saved and deleted only through here.

A rule set that a certification or a proposal of its 年度 was decided by is never deleted:
the evidence of those decisions names it, and a year without a row silently falls back to
the defaults. HR changes it instead (with history) and recomputes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.history import change_reason
from accounts.models import User

from ..exceptions import RuleSetInUse
from ..models import Certification, DecisionLine, RuleSet


def ruleset_in_use(ruleset: RuleSet) -> bool:
    year = ruleset.fiscal_year
    return (
        Certification.objects.filter(fiscal_year=year).exists()
        or DecisionLine.objects.filter(fiscal_year=year).exists()
    )


def ruleset_save(*, ruleset: RuleSet, by: User) -> RuleSet:
    """Validate and save a year's rule set, recording who and why in its history."""
    created = ruleset.pk is None
    with transaction.atomic():
        ruleset.full_clean()
        ruleset._history_user = by
        ruleset._change_reason = change_reason(
            _("認定基準を登録") if created else _("人事担当が認定基準を変更")
        )
        ruleset.save()
    return ruleset


def ruleset_delete(*, ruleset: RuleSet, by: User) -> None:
    """Delete a year's rule set nobody was certified by. Raises `RuleSetInUse`."""
    with transaction.atomic():
        locked = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
        if ruleset_in_use(locked):
            raise RuleSetInUse(
                _("この年度の認定基準で認定・決裁が行われているため削除できません。")
            )
        locked._history_user = by
        locked.delete()
