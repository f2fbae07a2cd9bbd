"""The full recompute, streamed by ranges of user ids and sharded across Celery workers.

A full recompute reads, decides and writes one range of user ids at a time
(`recompute_slice` with `id_range`), so its memory is bounded by the range, not by the
programme, and each range runs the same fixed number of queries. The ranges cover every
id: [0, first + size), …, [last, MAX_ID), so a person created during the run is in one.

With a `RecomputeRun`, the plan is written on the run (`RecomputeRun.ranges`, one entry
per range: its people, how many are done, whether it is finished, its counts) and the
run's `total`, `done` and counts are the sums of its ranges: the admin's progress bar
sums them. "Recompute everyone" queues one Celery task per range (`tasks.recompute_range`,
a group), so two workers finish it sooner than one. A range is idempotent and safe to
retry: its changes and its "finished" mark commit in one transaction, a finished range is
not run again, and a range run twice at once is serialised by the per-person locks of
the recompute (the second finds nothing to change). A worker killed mid-range loses
nothing: the range's transaction is rolled back and the range stays unfinished, so
queueing the run again (`recompute_all`) runs exactly the unfinished ranges.

In approval mode each range that has something to propose writes its own machine-
prepared `DecisionBatch` (HR approves them one by one, as any batch).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import User

from ..models import RecomputeRun
from .recompute import recompute_one_pass, recompute_slice

logger = logging.getLogger(__name__)

#: Progress is written this many times per range while its people are decided.
RANGE_PROGRESS_STEPS = 4
#: The upper bound of the last range: beyond any id.
MAX_ID = 2**62

COUNTS = ("created", "flagged", "restored", "proposed", "superseded")


def certifications_recompute(
    *,
    user_ids=None,
    run: RecomputeRun | None = None,
    notify: bool = True,
    chunk_size: int | None = None,
    range_size: int | None = None,
) -> dict[str, int]:
    """Recompute the certifications of `user_ids` (None: everyone concerned) and apply
    the difference (`recompute.recompute_one_pass` says what that means).

    Everyone is streamed by ranges of user ids (`range_size` ids at a time, by default
    settings.CERTIFICATION_RECOMPUTE_RANGE), so memory is bounded by the range, not the
    programme; `range_size=0` reads everyone in one pass. Given people are read in one
    pass. With `run`, its progress is written (summed over the ranges). Idempotent: a
    second run with the same data writes nothing but `run`'s progress. Returns counts:
    people, created, flagged, restored, proposed, superseded."""
    if user_ids is None:
        size = settings.CERTIFICATION_RECOMPUTE_RANGE if range_size is None else range_size
        if size:
            return recompute_streamed(
                run=run, notify=notify, range_size=size, chunk_size=chunk_size
            )
    return recompute_one_pass(user_ids=user_ids, run=run, notify=notify, chunk_size=chunk_size)


def plan(range_size: int) -> list[tuple[int, int]]:
    """The ranges [low, high) covering every user id, at most `range_size` ids each and
    as equal as can be (one query). Empty if there is nobody."""
    bounds = User.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    span = bounds["high"] + 1 - bounds["low"]
    count = -(-span // range_size)
    size = -(-span // count)
    starts = list(range(bounds["low"], bounds["high"] + 1, size))
    ends = [*starts[1:], MAX_ID]
    starts[0] = 0
    return list(zip(starts, ends, strict=True))


def _empty_counts() -> dict[str, int]:
    return {"people": 0, **dict.fromkeys(COUNTS, 0)}


def run_plan(run_id: int, range_size: int) -> list[tuple[int, int]]:
    """Write the plan on run `run_id` once (a redelivered or re-queued run keeps its plan)
    and return its unfinished ranges. A run with nobody to look at is DONE at once."""
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().get(pk=run_id)
        if not run.ranges:
            run.ranges = {
                str(low): {"high": high, "total": 0, "done": 0, "finished": False}
                for low, high in plan(range_size)
            }
            run.status = RecomputeRun.Status.RUNNING
            run.total = run.done = run.created = run.flagged = 0
            run.restored = run.proposed = 0
            if not run.ranges:
                run.status = RecomputeRun.Status.DONE
                run.finished_at = timezone.now()
            run.save(
                update_fields=[
                    "ranges",
                    "status",
                    "total",
                    "done",
                    "created",
                    "flagged",
                    "restored",
                    "proposed",
                    "finished_at",
                ]
            )
        return [
            (int(low), entry["high"])
            for low, entry in sorted(run.ranges.items(), key=lambda item: int(item[0]))
            if not entry["finished"]
        ]


def _update_range(run_id: int, low: int, **values) -> None:
    """Update one range's entry and the run's sums, under the run's row lock (callers are
    in a transaction). The run is DONE when its last range finishes."""
    run = RecomputeRun.objects.select_for_update().get(pk=run_id)
    entry = run.ranges[str(low)]
    if entry["finished"]:
        return  # a concurrent copy of this range finished first: keep its numbers
    entry.update(values)
    entries = run.ranges.values()
    fields = {
        "ranges": run.ranges,
        "total": sum(e["total"] for e in entries),
        "done": sum(e["done"] for e in entries),
        **{name: sum(e.get(name, 0) for e in entries) for name in COUNTS if name != "superseded"},
    }
    if all(e["finished"] for e in entries):
        fields.update(status=RecomputeRun.Status.DONE, finished_at=timezone.now())
    RecomputeRun.objects.filter(pk=run_id).update(**fields)


def recompute_range(
    run_id: int, low: int, high: int, *, notify: bool = True, chunk_size: int | None = None
) -> dict[str, int]:
    """Recompute the people of run `run_id`'s range [low, high), reporting its progress
    on the run. A finished range (or a range the run does not have) is not run again:
    returns {}."""
    run = RecomputeRun.objects.filter(pk=run_id).only("ranges").first()
    entry = None if run is None else run.ranges.get(str(low))
    if entry is None or entry["finished"]:
        return {}

    def on_start(total: int) -> None:
        with transaction.atomic():
            _update_range(run_id, low, total=total, done=0)

    def on_step(done: int) -> None:
        with transaction.atomic():
            _update_range(run_id, low, done=done)

    def on_commit(people: int, counts: dict[str, int]) -> None:
        _update_range(run_id, low, total=people, done=people, finished=True, **counts)

    totals = recompute_slice(
        id_range=(low, high),
        notify=notify,
        on_start=on_start,
        on_step=on_step,
        step=chunk_size,
        steps=RANGE_PROGRESS_STEPS,
        on_commit=on_commit,
    )
    logger.info("certification recompute run %s range %s: %s", run_id, low, totals)
    return totals


def recompute_streamed(
    *,
    run: RecomputeRun | None = None,
    notify: bool = True,
    range_size: int,
    chunk_size: int | None = None,
) -> dict[str, int]:
    """Everyone, one range after the other in this process (the nightly sweep's and
    the demo's way; the admin's run shards the same ranges across workers)."""
    totals = _empty_counts()
    if run is None:
        for low, high in plan(range_size):
            result = recompute_slice(id_range=(low, high), notify=notify, step=chunk_size)
            for name, value in result.items():
                totals[name] += value
        logger.info("certification recompute: %s", totals)
        return totals
    for low, high in run_plan(run.pk, range_size):
        result = recompute_range(run.pk, low, high, notify=notify, chunk_size=chunk_size)
        totals["superseded"] += result.get("superseded", 0)
    run.refresh_from_db()
    totals.update(
        people=run.total,
        created=run.created,
        flagged=run.flagged,
        restored=run.restored,
        proposed=run.proposed,
    )
    logger.info("certification recompute: %s", totals)
    return totals
