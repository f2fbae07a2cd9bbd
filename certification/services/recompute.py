"""The recompute: what the 認定基準 say each person has earned, turned into changes.

Locking: a person's certifications and proposals are serialised on the person's `User`
row (`select_for_update`). The recompute takes that lock only for the people it is about
to change, so a run with nothing to change takes no lock and writes nothing.

What the rules' outcome means (docs/decisions/0005-certification-recompute.md says why):

- Manual HELD certifications are `prior` for `decide`; automatic ones are what `decide`
  must reproduce, so they are not.
- A level `decide` awards that the person does not hold → an award (evidence from
  `Award.evidence` plus team names, the award's 年度).
- An automatic ACTIVE certification whose level `decide` no longer awards → a flag (with
  a reason); never revoked, never deleted. HR resolves it.
- An automatic FLAGGED certification whose level `decide` awards again → a restore.
- A still-supported certification whose evidence or 年度 would now differ is left alone.
- A level the person has a REVOKED certification of is not awarded again by the machine,
  nor is any level above it (`selectors.revocation_floor`).

What happens to those changes depends on `settings.CERTIFICATION_PUBLISH_MODE`
(docs/decisions/0016-certification-decisions.md):

- ``automatic``: published at once (決裁日 = today, no 決裁番号), e-mails after commit;
- ``approval`` (default): written as pending `DecisionLine`s of a new machine-prepared
  `DecisionBatch`, nothing published. A change already pending (same person, level, kind,
  year, certification and evidence) is not proposed again; one HR rejected is not proposed
  again while it would be identical; a pending machine line the data no longer supports
  (or supports with other evidence) becomes SUPERSEDED.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User

from .. import rules, selectors
from ..enqueue import enqueue_recompute_all
from ..models import Certification, DecisionLine, RecomputeRun, StaleUser
from . import proposing, publishing

logger = logging.getLogger(__name__)

#: A run's progress (RecomputeRun.done) is written this many times while people are
#: decided, whatever their number, so the query count stays constant.
PROGRESS_STEPS = 20

Status = Certification.Status
Source = Certification.Source
Kind = DecisionLine.Kind
LineStatus = DecisionLine.Status


def approval_mode() -> bool:
    """True unless the city publishes automatically (settings.CERTIFICATION_PUBLISH_MODE)."""
    return settings.CERTIFICATION_PUBLISH_MODE != "automatic"


# --- what must change --------------------------------------------------------------------


@dataclass
class _Diff:
    create: list[tuple[int, rules.Award]] = field(default_factory=list)  # (user, award)
    flag: dict[int, str] = field(default_factory=dict)  # pk → flag reason
    restore: set[int] = field(default_factory=set)

    def __bool__(self):
        return bool(self.create or self.flag or self.restore)

    def user_ids(self, rows) -> set[int]:
        ids = {user_id for user_id, _award in self.create}
        ids |= {user_id for pk, user_id, *_ in rows if pk in self.flag or pk in self.restore}
        return ids


def _diff(outcomes: dict[int, rules.Outcome], rows) -> _Diff:
    """What must change, given each person's outcome and their certification rows
    (pk, user_id, level, status, source, fiscal_year)."""
    held_auto: dict[tuple[int, int], tuple[int, str]] = {}
    blocked: set[tuple[int, int]] = set()  # (user, level) held manually or revoked
    statuses: dict[int, list[tuple[int, str]]] = {}
    for pk, user_id, level, status, source, _year in rows:
        statuses.setdefault(user_id, []).append((level, status))
        if status == Status.REVOKED or source == Source.MANUAL:
            blocked.add((user_id, level))
        else:
            held_auto[(user_id, level)] = (pk, status)
    floors = {user_id: selectors.revocation_floor(pairs) for user_id, pairs in statuses.items()}

    diff = _Diff()
    for user_id, outcome in outcomes.items():
        awarded = {int(a.level): a for a in outcome.awards}
        for level, award in awarded.items():
            key = (user_id, level)
            if key in held_auto:
                pk, status = held_auto[key]
                if status == Status.FLAGGED:
                    diff.restore.add(pk)
            elif key not in blocked and (floors.get(user_id) is None or level < floors[user_id]):
                diff.create.append((user_id, award))
    for (user_id, level), (pk, status) in held_auto.items():
        if (
            user_id in outcomes
            and status == Status.ACTIVE
            and level not in {int(a.level) for a in outcomes[user_id].awards}
        ):
            diff.flag[pk] = publishing.flag_reason(level)
    return diff


def _certification_rows(user_ids: list[int] | None, id_range: selectors.IdRange | None = None):
    """(pk, user_id, level, status, source, fiscal_year) of every certification of
    `user_ids` (None: of everyone; `id_range`: only ids in [low, high)), in one query."""
    qs = Certification.objects.all()
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    if id_range is not None:
        qs = qs.filter(user_id__gte=id_range[0], user_id__lt=id_range[1])
    return list(
        qs.values_list("pk", "user_id", "level", "status", "source", "fiscal_year").order_by()
    )


def _candidates(data: selectors.Gathered, rows, stale, proposed) -> list[int]:
    """Everyone a full recompute must look at, sorted: people with an approved membership
    of an approved team (the gathered participations), people holding an automatic
    certification (which may need flagging), people with a pending machine proposal
    (which may be superseded) and people marked stale."""
    ids = set(data.participations)
    ids.update(
        user_id
        for _pk, user_id, _level, status, source, _year in rows
        if source == Source.AUTOMATIC and status in Certification.HELD
    )
    ids.update(line.user_id for line in proposed if line.status == LineStatus.PENDING)
    ids.update(user_id for user_id, _at in stale)
    return sorted(ids)


def _decide(
    ids: list[int],
    data: selectors.Gathered,
    *,
    on_step=None,
    step: int | None = None,
    steps: int = PROGRESS_STEPS,
) -> dict[int, rules.Outcome]:
    """`rules.decide` for each person of `ids`. `decide` is pure, so people with the same
    participations and prior awards (the members of one team, say) share one outcome,
    computed once; outcomes are only read afterwards. `on_step(done)` is called after
    every `step` people (by default `steps` times in all)."""
    outcomes: dict[int, rules.Outcome] = {}
    memo: dict[tuple, rules.Outcome] = {}
    no_prior: list[rules.PriorAward] = []
    total = len(ids)
    if step is None:
        bounds = [total * i // steps for i in range(1, steps + 1)]
    else:
        bounds = list(range(step, total, step)) + [total]
    start = 0
    for bound in bounds:
        for user_id in ids[start:bound]:
            participations = data.participations.get(user_id, no_prior)
            prior = data.prior.get(user_id, no_prior)
            credentials = data.credentials.get(user_id, frozenset())
            key = (tuple(participations), tuple(prior), credentials)
            outcome = memo.get(key)
            if outcome is None:
                outcome = memo[key] = rules.decide(
                    participations, data.rule_sets, prior, credentials=credentials, progress=False
                )
            outcomes[user_id] = outcome
        start = bound
        if on_step is not None:
            on_step(bound)
    return outcomes


# --- automatic mode: publish ---------------------------------------------------------------


def _publish(diff: _Diff, teams, *, notify: bool) -> dict[str, int]:
    new = [
        publishing.NewCertification(
            user_id=user_id,
            level=int(award.level),
            fiscal_year=award.fiscal_year,
            evidence=publishing.enrich(award.evidence, teams),
        )
        for user_id, award in diff.create
    ]
    created = publishing.publish_many(new, decided_on=timezone.localdate(), notify=notify)
    flagged, restored = publishing.set_flags(diff.flag, diff.restore)
    return {"created": created, "flagged": flagged, "restored": restored}


# --- the recompute ---------------------------------------------------------------------------


def _changes(outcomes, rows, lines, data, scope: set[int]):
    """The difference and, in approval mode, the proposals it makes."""
    diff = _diff(outcomes, rows)
    if not approval_mode():
        return diff, [], []
    proposals = proposing.proposals(diff, outcomes, rows, data.teams)
    new, supersede = proposing.changes(proposals, lines, scope)
    return diff, new, supersede


def _affected(diff: _Diff, rows, new, supersede_lines, lines) -> list[int]:
    if not approval_mode():
        return sorted(diff.user_ids(rows))
    by_pk = {line.pk: line.user_id for line in lines}
    ids = {p.user_id for p in new} | {by_pk[pk] for pk in supersede_lines}
    return sorted(ids)


def recompute_one_pass(
    *,
    user_ids: Iterable[int] | None = None,
    run: RecomputeRun | None = None,
    notify: bool = True,
    chunk_size: int | None = None,
) -> dict[str, int]:
    """Recompute the certifications of `user_ids` (None: everyone concerned) in one pass
    and apply the difference: published at once in automatic mode, proposed to HR in
    approval mode (see the module docstring). `certifications_recompute`
    (recompute_ranges.py) is the entry point: it streams everyone by ranges and calls
    this for given people. The pass (`recompute_slice`) runs a fixed number of queries
    whatever the number of people.

    With `run`, its progress is written while people are decided (PROGRESS_STEPS times,
    or every `chunk_size` people if given), and `done` reaches `total` only once the
    changes are committed. Idempotent: a second run with the same data changes nothing
    and writes nothing (except `run`'s progress). Newly published certifications are
    e-mailed after commit unless `notify` is False. Returns counts: people, created,
    flagged, restored, proposed, superseded.
    """
    explicit = None if user_ids is None else sorted({int(i) for i in user_ids})
    on_start = on_step = None
    if run is not None:

        def on_start(total: int) -> None:
            RecomputeRun.objects.filter(pk=run.pk).update(
                status=RecomputeRun.Status.RUNNING,
                total=total,
                done=0,
                created=0,
                flagged=0,
                restored=0,
                proposed=0,
            )

        def on_step(done: int) -> None:
            RecomputeRun.objects.filter(pk=run.pk).update(done=done)

    totals = recompute_slice(
        user_ids=explicit,
        notify=notify,
        on_start=on_start,
        on_step=on_step,
        step=chunk_size,
    )
    if run is not None:
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.DONE,
            done=totals["people"],
            created=totals["created"],
            flagged=totals["flagged"],
            restored=totals["restored"],
            proposed=totals["proposed"],
            finished_at=timezone.now(),
        )
    logger.info("certification recompute: %s", totals)
    return totals


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a slice reads, decides and writes.
    A slice allocates tens of thousands of small objects that all stay alive until it
    ends (participations, outcomes, rows), so each automatic collection walks all of them
    again for nothing: at 50,000 staff that was a third of a range's time (0.23 of
    0.7 s). The collector is turned back on afterwards (if it was on), and its next run
    frees whatever cycles the slice left."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def recompute_slice(
    *,
    user_ids: list[int] | None = None,
    id_range: selectors.IdRange | None = None,
    notify: bool = True,
    on_start=None,
    on_step=None,
    step: int | None = None,
    steps: int = PROGRESS_STEPS,
    on_commit=None,
) -> dict[str, int]:
    """One pass over `user_ids` (None: everyone concerned), or over everyone concerned
    whose id is in `id_range`, in a fixed number of queries whatever the number of
    people: the stale markers, `selectors.gather` (six reads), every
    certification row and machine proposal of those people, then `decide` for each
    person in memory. If anything must change, one transaction locks the people to
    change, re-reads their rows, applies the difference in bulk (with history) and
    deletes the stale markers read at the start (a marker written after that read is
    left for the next run).

    Hooks: `on_start(total)` once the people are known, `on_step(done)` while they are
    decided (never with done == total), `on_commit(people, counts)` inside the write
    transaction, last (a range task marks its range finished there, so the range's
    changes and its "finished" commit together or not at all).
    """
    explicit = user_ids

    def scoped(qs):
        if explicit is not None:
            qs = qs.filter(user_id__in=explicit)
        if id_range is not None:
            qs = qs.filter(user_id__gte=id_range[0], user_id__lt=id_range[1])
        return qs

    # Stored reasons are personnel records: always Japanese, whoever triggered the run.
    with translation.override("ja"), _collector_paused():
        # Read the stale markers first: a marker written after this read is left for the
        # next run (its close may carry data this run did not see).
        stale = list(scoped(StaleUser.objects.values_list("user_id", "marked_at").order_by()))
        data = selectors.gather(user_ids=explicit, id_range=id_range)
        rows = _certification_rows(explicit, id_range)
        lines = proposing.machine_lines(explicit, id_range) if approval_mode() else []
        ids = _candidates(data, rows, stale, lines) if explicit is None else explicit
        if on_start is not None:
            on_start(len(ids))

        def step_done(done: int) -> None:
            if on_step is not None and done < len(ids):  # the last step: after commit
                on_step(done)

        outcomes = _decide(ids, data, on_step=step_done, step=step, steps=steps)
        counts = {"created": 0, "flagged": 0, "restored": 0, "proposed": 0, "superseded": 0}
        scope = set(ids)
        with transaction.atomic():
            diff, new, supersede = _changes(outcomes, rows, lines, data, scope)
            if new or supersede or (diff and not approval_mode()):
                # Lock the people we are about to change, then decide the difference
                # again on fresh rows: a concurrent run, an HR grant or an approval may
                # have changed them since the read.
                affected = _affected(diff, rows, new, supersede, lines)
                list(
                    User.objects.select_for_update()
                    .filter(pk__in=affected)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                rows = _certification_rows(affected)
                lines = proposing.machine_lines(affected) if approval_mode() else []
                mine = {u: outcomes[u] for u in affected if u in outcomes}
                diff, new, supersede = _changes(mine, rows, lines, data, set(affected))
                if approval_mode():
                    counts.update(proposing.propose(new, supersede, data))
                else:
                    counts.update(_publish(diff, data.teams, notify=notify))
            if stale:
                StaleUser.objects.filter(
                    user_id__in=[user_id for user_id, _at in stale],
                    marked_at__lte=max(at for _user, at in stale),
                ).delete()
            if on_commit is not None:
                on_commit(len(ids), counts)
    return {"people": len(ids), **counts}


def recompute_run_start(*, by: User, user_ids: Iterable[int] | None = None) -> RecomputeRun:
    """Create a RecomputeRun and queue it after commit: everyone, or only `user_ids`
    (the admin's "recompute selected", whose people are marked stale first so the nightly
    sweep catches up if the broker is down). If the broker is down, the run is marked
    failed (and logged); nothing else changes."""
    ids = None if user_ids is None else sorted({int(i) for i in user_ids})
    with transaction.atomic():
        run = RecomputeRun.objects.create(requested_by=by, user_ids=ids)
        if ids:
            mark_stale(user_ids=ids)

        def enqueue():
            if not enqueue_recompute_all(run.pk):
                RecomputeRun.objects.filter(pk=run.pk).update(
                    status=RecomputeRun.Status.FAILED, finished_at=timezone.now()
                )

        transaction.on_commit(enqueue, robust=True)
    return run


def mark_stale(*, user_ids: Iterable[int]) -> int:
    """Mark people whose certification must be recomputed (one upsert; re-marking only
    refreshes `marked_at`). Returns how many were marked."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return 0
    now = timezone.now()
    StaleUser.objects.bulk_create(
        [StaleUser(user_id=i, marked_at=now) for i in ids],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["marked_at"],
    )
    return len(ids)
