"""The full recompute streamed by ranges of user ids (certification/services/recompute_ranges.py):
the same answer as one pass, a constant number of queries per range, and a run's
progress summing its ranges. The killed worker is in tests/test_outages.py."""

import gc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification import tasks
from certification.admin.runs import _progress
from certification.models import Certification, DecisionBatch, DecisionLine, RecomputeRun
from certification.services import certifications_recompute, mark_stale
from certification.services.recompute_ranges import plan, recompute_range, run_plan
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def raters():
    return Raters()


def programme(raters):
    """Every branch of the recompute, with people whose ids interleave across teams (so
    a team's members fall in different ranges): awards over three years, a leader, an
    unsupported automatic holder (flagged), a flagged holder supported again (restored),
    a revoked level, a manual prior award and a stale marker."""
    people = [factories.UserFactory() for _ in range(24)]
    for start in range(4):
        team = people[start::4][:5]
        scored_team(raters, leader=team[0], members=team[1:], leadership=(70, 70))
    climber = people[1]
    scored_team(raters, year=2022, members=[climber])
    scored_team(raters, year=2023, leader=climber, leadership=(80, 70))
    factories.CertificationFactory(level=1)  # nothing supports it any more
    factories.CertificationFactory(user=people[2], status=Certification.Status.FLAGGED)
    factories.CertificationFactory(
        user=people[3], level=1, status=Certification.Status.REVOKED, revoked_at=timezone.now()
    )
    factories.CertificationFactory(
        user=people[5], level=1, fiscal_year=2023, source="manual", reason="人事が認定"
    )
    mark_stale(user_ids=[people[7].pk])
    return people


def certifications() -> set[tuple]:
    return {
        (c.user_id, c.level, c.fiscal_year, c.status, c.source, repr(sorted(c.evidence.items())))
        for c in Certification.objects.all()
    }


def proposals() -> set[tuple]:
    return {
        (ln.user_id, ln.kind, ln.level, ln.fiscal_year, ln.certification_id, repr(ln.evidence))
        for ln in DecisionLine.objects.all()
    }


def test_streamed_by_ranges_publishes_what_one_pass_publishes(raters, automatic_mode):
    programme(raters)
    before = {c.pk: (c.status, c.evidence) for c in Certification.objects.all()}
    one_pass = certifications_recompute(range_size=0)
    expected = certifications()
    # Back to the same data, then by ranges of 3 user ids (a dozen ranges).
    Certification.objects.exclude(pk__in=before).delete()
    for pk, (status, evidence) in before.items():
        Certification.objects.filter(pk=pk).update(status=status, evidence=evidence)
    mark_stale(user_ids=[Certification.objects.first().user_id])
    streamed = certifications_recompute(range_size=3)
    assert len(plan(3)) > 10
    assert certifications() == expected
    assert (streamed["created"], streamed["flagged"], streamed["restored"]) == (
        one_pass["created"],
        one_pass["flagged"],
        one_pass["restored"],
    )
    assert one_pass["created"] >= 20 and one_pass["flagged"] == 1 and one_pass["restored"] == 1


def test_streamed_by_ranges_proposes_what_one_pass_proposes(raters, approval_mode):
    programme(raters)
    certifications_recompute(range_size=0)
    expected = proposals()
    DecisionLine.history.all().delete()
    DecisionLine.objects.all().delete()
    DecisionBatch.objects.all().delete()
    certifications_recompute(range_size=3)
    assert proposals() == expected
    assert len(expected) >= 20


def test_a_second_streamed_run_writes_nothing(raters, automatic_mode):
    programme(raters)
    certifications_recompute(range_size=5)
    with CaptureQueriesContext(connection) as queries:
        result = certifications_recompute(range_size=5)
    assert not [
        q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert (result["created"], result["flagged"], result["restored"]) == (0, 0, 0)


def _queries_per_range(range_size):
    with CaptureQueriesContext(connection) as queries:
        certifications_recompute(range_size=range_size)
    ranges = len(plan(range_size))
    return (len(queries) - 1) / ranges  # one query plans the ranges


def test_each_range_runs_as_many_queries_for_many_people_as_for_few(raters, automatic_mode):
    programme(raters)
    certifications_recompute()
    few, many = _queries_per_range(4), _queries_per_range(10_000)
    assert len(plan(10_000)) == 1
    assert few == many == 10  # nothing to change: the reads only


def test_the_ranges_cover_every_user_id_once():
    users = [factories.UserFactory() for _ in range(7)]
    ranges = plan(3)
    assert ranges[0][0] == 0 and ranges[-1][1] > users[-1].pk * 1000
    assert all(high == low for (_l, high), (low, _h) in zip(ranges, ranges[1:], strict=False))
    assert len(ranges) == -(-(users[-1].pk - users[0].pk + 1) // 3)


def test_a_run_sums_its_ranges_progress(raters, automatic_mode):
    programme(raters)
    run = RecomputeRun.objects.create()
    certifications_recompute(run=run, range_size=6)
    run.refresh_from_db()
    assert len(run.ranges) == len(plan(6)) > 3
    assert all(entry["finished"] for entry in run.ranges.values())
    assert run.status == RecomputeRun.Status.DONE and run.finished_at is not None
    assert run.done == run.total == sum(e["total"] for e in run.ranges.values()) >= 20
    assert run.created == Certification.objects.filter(source="automatic").count() - 3
    assert run.flagged == 1 and run.restored == 1
    assert _progress(run)["percent"] == 100


def test_the_progress_bar_weighs_an_unstarted_range_as_nothing_done():
    users = [factories.UserFactory() for _ in range(4)]
    run = RecomputeRun.objects.create()
    first, *_rest = run_plan(run.pk, users[-1].pk - users[0].pk)  # two ranges
    recompute_range(run.pk, *first)
    run.refresh_from_db()
    assert (len(run.ranges), _progress(run)["percent"], _progress(run)["ranges_finished"]) == (
        2,
        50,
        1,
    )
    assert run.status == RecomputeRun.Status.RUNNING


def test_a_finished_range_is_not_run_again(raters, automatic_mode):
    programme(raters)
    run = RecomputeRun.objects.create()
    [(low, high)] = run_plan(run.pk, 10_000)
    assert recompute_range(run.pk, low, high)["created"] > 0
    with CaptureQueriesContext(connection) as queries:
        assert recompute_range(run.pk, low, high) == {}
    assert len(queries) == 1


def test_a_run_queued_again_runs_only_its_unfinished_ranges(raters, automatic_mode, settings):
    programme(raters)
    settings.CERTIFICATION_RECOMPUTE_RANGE = 6
    run = RecomputeRun.objects.create()
    ranges = run_plan(run.pk, 6)
    recompute_range(run.pk, *ranges[0])  # as if a worker had finished one, then died
    ran = []
    real = tasks.services.recompute_range

    def spy(run_id, low, high):
        ran.append(low)
        return real(run_id, low, high)

    tasks.services.recompute_range = spy
    try:
        tasks.recompute_all.delay(run.pk)
    finally:
        tasks.services.recompute_range = real
    run.refresh_from_db()
    assert ran == [low for low, _high in ranges[1:]]
    assert run.status == RecomputeRun.Status.DONE
    assert run.created == Certification.objects.filter(source="automatic").count() - 3


def test_a_range_rolled_back_midway_leaves_nothing_and_its_rerun_finishes_the_run(
    raters, automatic_mode, monkeypatch
):
    programme(raters)
    run = RecomputeRun.objects.create()
    [(low, high)] = run_plan(run.pk, 10_000)
    from certification.services import recompute as core

    real = core._publish
    history = Certification.history.count()

    def dies(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt  # the worker is lost after writing, before the commit

    monkeypatch.setattr(core, "_publish", dies)
    with pytest.raises(KeyboardInterrupt):
        recompute_range(run.pk, low, high)
    assert Certification.objects.count() == 4  # the programme's own four
    assert Certification.history.count() == history
    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.RUNNING and not run.ranges[str(low)]["finished"]

    monkeypatch.setattr(core, "_publish", real)
    recompute_range(run.pk, low, high)
    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.DONE
    assert run.created == Certification.objects.count() - 4


def test_the_garbage_collector_runs_again_after_a_recompute(raters, automatic_mode):
    programme(raters)
    certifications_recompute()
    assert gc.isenabled()


def test_the_garbage_collector_runs_again_after_a_recompute_that_failed(
    raters, automatic_mode, monkeypatch
):
    programme(raters)

    def broken(**_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("certification.selectors.gather", broken)
    with pytest.raises(RuntimeError):
        certifications_recompute()
    assert gc.isenabled()


def test_a_recompute_leaves_the_garbage_collector_off_when_the_caller_turned_it_off(
    raters, automatic_mode
):
    programme(raters)
    gc.disable()
    try:
        certifications_recompute()
        assert not gc.isenabled()
    finally:
        gc.enable()
