"""Outages with real processes (PostgreSQL and a private Redis; CI runs these).

- Redis is down when a report meeting closes: the close succeeds, the people are marked
  stale, and once Redis is back the sweep recomputes them and the certification appears.
- A worker is SIGKILLed in the middle of a range of a full recompute (one Celery task per
  range of user ids): the finished ranges are committed, the killed range wrote nothing
  (no proposal, no history, its stale markers kept), the run stays visibly unfinished;
  queueing the run again runs its unfinished ranges and proposes exactly what the rules
  give, each once, and consumes the markers.
"""

import pytest

from certification import rules
from certification.models import Certification, DecisionLine, RecomputeRun, StaleUser
from certification.selectors import gather
from certification.services import mark_stale
from evaluations import services as evaluation_services
from evaluations.models import Perspective, ReportMeeting
from projects.models import Membership
from tests import factories
from tests.processes import PrivateRedis, Worker, run_in_app, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.broker]


def scored_meeting():
    """An open meeting whose one team will qualify (2 executives, 1 expert, all 5s)."""
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.OPEN)
    presentation = factories.PresentationFactory(meeting=meeting)
    for perspective, raters in (
        (Perspective.POLICY, factories.ExecutiveFactory.create_batch(2)),
        (Perspective.TECHNICAL, [factories.ExpertFactory()]),
    ):
        rubric = factories.RubricFactory(
            fiscal_year=meeting.project.fiscal_year, perspective=perspective
        )
        for rater in raters:
            evaluation_services.evaluation_submit(
                evaluator=rater,
                perspective=perspective,
                presentation=presentation,
                scores={c.pk: 5 for c in rubric.criteria.all()},
            )
    members = list(
        Membership.objects.filter(team=presentation.team).values_list("user_id", flat=True)
    )
    return meeting, members


def test_a_meeting_closed_while_redis_is_down_is_certified_once_redis_returns(
    transactional_db, tmp_path
):
    meeting, members = scored_meeting()
    organiser = factories.UserFactory(roles=["staff", "organiser"])
    redis = PrivateRedis().start()
    worker = Worker(redis.url, tmp_path / "worker.log").start()
    try:
        redis.stop()

        closed = run_in_app(
            "from evaluations.models import ReportMeeting; from accounts.models import User;"
            "from evaluations.services import meeting_close;"
            f"meeting_close(meeting=ReportMeeting.objects.get(pk={meeting.pk}),"
            f" by=User.objects.get(pk={organiser.pk})); print('closed')",
            redis.url,
        )

        assert closed.returncode == 0, closed.stderr[-2000:]
        assert "closed" in closed.stdout
        meeting.refresh_from_db()
        assert meeting.status == ReportMeeting.Status.CLOSED
        assert set(StaleUser.objects.values_list("user_id", flat=True)) == set(members)
        assert not Certification.objects.exists()

        redis.start()  # same port: the worker reconnects
        swept = run_in_app(
            "from certification.tasks import recompute_stale; recompute_stale.delay()",
            redis.url,
        )
        assert swept.returncode == 0, swept.stderr[-2000:]

        assert wait_until(
            # Approval mode (the default): the recompute proposes each member's award.
            lambda: (
                DecisionLine.objects.filter(
                    user_id__in=members, kind="award", status="pending"
                ).count()
                == len(members)
            ),
            90,
        ), worker.log_path.read_text()[-3000:]
        assert not Certification.objects.exists()  # nothing published before HR decides
        assert not StaleUser.objects.exists()
    finally:
        worker.stop()
        redis.stop()


def expected_awards() -> set[tuple[int, int, int]]:
    """What the pure rules say, person by person, from the data as it stands (read before
    any recompute runs, so nothing a run writes can feed the expectation)."""
    gathered = gather()
    expected = set()
    for user_id, participations in gathered.participations.items():
        outcome = rules.decide(participations, gathered.rule_sets, gathered.prior.get(user_id, ()))
        expected |= {(user_id, int(a.level), a.fiscal_year) for a in outcome.awards}
    return expected


def _mid_range(run_id: int) -> bool:
    """A range has finished and another is half-way (decided, not yet committed)."""
    ranges = RecomputeRun.objects.get(pk=run_id).ranges.values()
    return any(e["finished"] for e in ranges) and any(
        e["done"] > 0 and not e["finished"] for e in ranges
    )


def test_a_worker_killed_in_the_middle_of_a_range_loses_nothing_and_the_rerun_finishes(
    transactional_db, tmp_path
):
    from bench.synthetic import build

    build(staff=9000, years=3, teams=2100, evaluations=21000, seed=7)
    expected = expected_awards()
    assert len(expected) > 1000  # a run long enough to be killed in the middle
    stale = sorted({user_id for user_id, _level, _year in expected})
    stale = stale[:3] + stale[-3:]  # in the first range and in the last
    mark_stale(user_ids=stale)
    redis = PrivateRedis().start()
    ranges = {"CERTIFICATION_RECOMPUTE_RANGE": "2000"}  # five ranges of user ids
    worker = Worker(redis.url, tmp_path / "worker.log", **ranges).start()
    try:
        run = RecomputeRun.objects.create()
        queued = run_in_app(
            f"from certification.tasks import recompute_all; recompute_all.delay({run.pk})",
            redis.url,
        )
        assert queued.returncode == 0, queued.stderr[-2000:]
        assert wait_until(lambda: _mid_range(run.pk), 120, 0.01), worker.log_path.read_text()[
            -3000:
        ]
        worker.kill()

        # The finished ranges are committed; the range being written when the worker died
        # wrote nothing (its changes and its "finished" mark are one transaction), and
        # the later ranges have not started. The run is visibly unfinished.
        run.refresh_from_db()
        assert run.status == RecomputeRun.Status.RUNNING and run.finished_at is None
        assert len(run.ranges) == 5
        finished = [(int(low), e["high"]) for low, e in run.ranges.items() if e["finished"]]
        assert 0 < len(finished) < 5

        def in_finished(user_id):
            return any(low <= user_id < high for low, high in finished)

        proposed = set(
            DecisionLine.objects.filter(kind="award").values_list("user_id", "level", "fiscal_year")
        )
        assert proposed == {award for award in expected if in_finished(award[0])}
        assert DecisionLine.history.count() == len(proposed)
        assert sorted(StaleUser.objects.values_list("user_id", flat=True)) == [
            user_id for user_id in stale if not in_finished(user_id)
        ]

        # The rerun: the same run queued again runs its unfinished ranges only.
        worker = Worker(redis.url, tmp_path / "worker2.log", **ranges).start()
        run_in_app(
            f"from certification.tasks import recompute_all; recompute_all.delay({run.pk})",
            redis.url,
        )
        assert wait_until(
            lambda: RecomputeRun.objects.filter(
                pk=run.pk, status=RecomputeRun.Status.DONE
            ).exists(),
            180,
        ), worker.log_path.read_text()[-3000:]
    finally:
        worker.stop()
        redis.stop()

    # Approval mode (the default): exactly what the rules say, one pending award per
    # person × level (one history row each), nothing published until HR decides, and
    # every stale marker consumed.
    proposed = list(
        DecisionLine.objects.filter(kind="award", status="pending").values_list(
            "user_id", "level", "fiscal_year"
        )
    )
    assert len(proposed) == len(set(proposed)), "duplicate proposals"
    assert set(proposed) == expected
    assert DecisionLine.history.count() == len(expected)
    assert not Certification.objects.exists()
    run.refresh_from_db()
    assert run.done == run.total == sum(e["total"] for e in run.ranges.values())
    assert run.proposed == len(expected)
    assert not StaleUser.objects.exists()
