"""Rubrics of a fiscal year and their criteria."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..exceptions import (
    EvaluationError,
    RubricLocked,
)
from ..models import (
    Criterion,
    Evaluation,
    Rubric,
)
from ..rubrics import DEFAULT_RUBRICS


def rubric_is_locked(*, rubric: Rubric) -> bool:
    """A rubric with at least one evaluation keeps its criteria and weights."""
    return Evaluation.objects.filter(rubric=rubric).exists()


def rubric_ensure_defaults(*, fiscal_year: int) -> list[Rubric]:
    """Make sure the year has a rubric for each perspective, seeded with the defaults.

    Idempotent: an existing rubric (edited or not) is left as it is."""
    rubrics = []
    for perspective, criteria in DEFAULT_RUBRICS.items():
        with transaction.atomic():
            rubric, created = Rubric.objects.get_or_create(
                fiscal_year=fiscal_year, perspective=perspective
            )
            if created:
                Criterion.objects.bulk_create(
                    Criterion(rubric=rubric, order=order, **spec)
                    for order, spec in enumerate(criteria, start=1)
                )
        rubrics.append(rubric)
    return rubrics


def rubric_copy(*, source: Rubric, fiscal_year: int) -> Rubric:
    """Copy `source`'s criteria into the rubric of `fiscal_year` for the same perspective.

    The target is created if missing; an existing target is replaced only while it has
    no evaluations. Copying a rubric onto itself is refused."""
    if source.fiscal_year == fiscal_year:
        raise EvaluationError(_("同じ年度にはコピーできません。別の年度を指定してください。"))
    with transaction.atomic():
        target, _created = Rubric.objects.get_or_create(
            fiscal_year=fiscal_year, perspective=source.perspective
        )
        target = Rubric.objects.select_for_update().get(pk=target.pk)
        if rubric_is_locked(rubric=target):
            raise RubricLocked(_("コピー先の評価基準には既に評価があるため、置き換えられません。"))
        target.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(
                rubric=target,
                order=c.order,
                label_ja=c.label_ja,
                label_en=c.label_en,
                description=c.description,
                weight=c.weight,
                point_labels=list(c.point_labels),
            )
            for c in source.criteria.all()
        )
    return target


def _lock_unused_rubric(rubric_id: int) -> Rubric:
    rubric = Rubric.objects.select_for_update().get(pk=rubric_id)
    if rubric_is_locked(rubric=rubric):
        raise RubricLocked(
            _(
                "この評価基準には既に評価があるため、項目や重みを変更できません。"
                "別の年度にコピーして編集してください。"
            )
        )
    return rubric


def _clean_point_labels(point_labels) -> list[str]:
    labels = [str(p).strip() for p in (point_labels or [])]
    if labels and len(labels) != 5:
        raise EvaluationError(_("1〜5点の目安は5つ入力してください。"))
    return labels


def criterion_add(
    *,
    rubric: Rubric,
    label_ja: str,
    weight: Decimal,
    label_en: str = "",
    description: str = "",
    point_labels: list[str] | None = None,
) -> Criterion:
    """Add a criterion at the end of an unused rubric."""
    with transaction.atomic():
        rubric = _lock_unused_rubric(rubric.pk)
        order = (rubric.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
        criterion = Criterion(
            rubric=rubric,
            order=order,
            label_ja=label_ja,
            label_en=label_en,
            description=description,
            weight=weight,
            point_labels=_clean_point_labels(point_labels),
        )
        criterion.full_clean()
        criterion.save()
    return criterion


def criterion_update(
    *,
    criterion: Criterion,
    label_ja: str,
    weight: Decimal,
    label_en: str = "",
    description: str = "",
    point_labels: list[str] | None = None,
) -> Criterion:
    """Edit a criterion of an unused rubric (refused once the rubric has evaluations)."""
    with transaction.atomic():
        _lock_unused_rubric(criterion.rubric_id)
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        criterion.label_ja = label_ja
        criterion.label_en = label_en
        criterion.description = description
        criterion.weight = weight
        criterion.point_labels = _clean_point_labels(point_labels)
        criterion.full_clean()
        criterion.save()
    return criterion


def criterion_delete(*, criterion: Criterion) -> None:
    """Remove a criterion of an unused rubric; a rubric keeps at least one."""
    with transaction.atomic():
        rubric = _lock_unused_rubric(criterion.rubric_id)
        if rubric.criteria.count() <= 1:
            raise EvaluationError(_("評価項目は少なくとも1つ必要です。"))
        Criterion.objects.filter(pk=criterion.pk).delete()
