"""Approval mode: the recompute's difference as proposals (認定決裁の起案).

`proposals` turns the difference into award / flag / restore proposals; `changes` compares
them with the machine's pending and rejected lines (a pending identical line is kept, a
rejected identical one is not proposed again, a pending line no longer supported is
superseded); `propose` writes the new batch and lines (with history).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history

from accounts.history import change_reason

from .. import rules, selectors
from ..models import DecisionBatch, DecisionLine
from . import copy_rows, publishing

Kind = DecisionLine.Kind
LineStatus = DecisionLine.Status


@dataclass(frozen=True)
class _Proposal:
    user_id: int
    kind: str
    level: int
    fiscal_year: int
    certification_id: int | None
    evidence: dict = field(hash=False)
    reason: str = ""

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.user_id, self.level, self.kind)

    def same_as(self, line) -> bool:
        return (
            line.fiscal_year == self.fiscal_year
            and line.certification_id == self.certification_id
            and line.evidence == self.evidence
        )


def proposals(diff, outcomes, rows, teams) -> list[_Proposal]:
    by_pk = {pk: (user_id, level, year) for pk, user_id, level, _s, _src, year in rows}
    result = [
        _Proposal(
            user_id,
            Kind.AWARD,
            int(award.level),
            award.fiscal_year,
            None,
            publishing.enrich(award.evidence, teams),
        )
        for user_id, award in diff.create
    ]
    for pk, reason in diff.flag.items():
        user_id, level, year = by_pk[pk]
        result.append(_Proposal(user_id, Kind.FLAG, level, year, pk, {}, reason))
    for pk in diff.restore:
        user_id, level, year = by_pk[pk]
        award = outcomes[user_id].award_for(rules.Level(level))
        evidence = publishing.enrich(award.evidence, teams) if award is not None else {}
        result.append(_Proposal(user_id, Kind.RESTORE, level, year, pk, evidence))
    return result


def machine_lines(user_ids: list[int] | None, id_range: tuple[int, int] | None = None):
    """Pending and rejected machine proposals of `user_ids` (None: everyone; `id_range`:
    only ids in [low, high)), one query."""
    qs = DecisionLine.objects.filter(
        kind__in=DecisionLine.MACHINE_KINDS, status__in=[LineStatus.PENDING, LineStatus.REJECTED]
    )
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    if id_range is not None:
        qs = qs.filter(user_id__gte=id_range[0], user_id__lt=id_range[1])
    return list(
        qs.only(
            "pk",
            "user_id",
            "kind",
            "level",
            "fiscal_year",
            "certification_id",
            "evidence",
            "status",
        ).order_by()
    )


def changes(proposals: list[_Proposal], lines, scope: set[int]):
    """(new proposals, pending lines to supersede) given the existing machine lines."""
    pending = {(ln.user_id, ln.level, ln.kind): ln for ln in lines if ln.status == "pending"}
    rejected: dict[tuple, list] = {}
    for line in lines:
        if line.status == LineStatus.REJECTED:
            rejected.setdefault((line.user_id, line.level, line.kind), []).append(line)
    new, keep = [], set()
    for proposal in proposals:
        current = pending.get(proposal.key)
        if current is not None and proposal.same_as(current):
            keep.add(current.pk)
        elif not any(proposal.same_as(line) for line in rejected.get(proposal.key, ())):
            new.append(proposal)
    supersede = [
        line.pk for key, line in pending.items() if key[0] in scope and line.pk not in keep
    ]
    return new, supersede


def rule_sets_json(data: selectors.Gathered, years: Iterable[int]) -> dict[str, dict]:
    return {
        str(year): dataclasses.asdict(data.rule_sets.get(year) or rules.RuleSet(fiscal_year=year))
        for year in sorted(set(years))
    }


def propose(new: list[_Proposal], supersede: list[int], data) -> dict[str, int]:
    superseded = publishing.supersede_lines(
        supersede, reason="再計算の結果、この起案は現在のデータと一致しなくなりました"
    )
    if new:
        batch = DecisionBatch(rule_sets=rule_sets_json(data, (p.fiscal_year for p in new)))
        batch._change_reason = change_reason("再計算による起案")
        batch.full_clean()
        batch.save()
        if copy_rows.available(len(new)):  # PostgreSQL, many lines: COPY, same rows
            copy_rows.create_with_history(
                DecisionLine,
                [
                    {
                        "batch_id": batch.pk,
                        "user_id": p.user_id,
                        "kind": p.kind,
                        "level": p.level,
                        "fiscal_year": p.fiscal_year,
                        "certification_id": p.certification_id,
                        "evidence": p.evidence,
                        "reason": p.reason,
                    }
                    for p in new
                ],
                reason=change_reason("再計算による起案"),
            )
            return {"proposed": len(new), "superseded": superseded}
        lines = []
        for p in new:
            line = DecisionLine(
                batch=batch,
                user_id=p.user_id,
                kind=p.kind,
                level=p.level,
                fiscal_year=p.fiscal_year,
                certification_id=p.certification_id,
                evidence=p.evidence,
                reason=p.reason,
            )
            line._change_reason = change_reason("再計算による起案")
            lines.append(line)
        bulk_create_with_history(lines, DecisionLine)
    return {"proposed": len(new), "superseded": superseded}
