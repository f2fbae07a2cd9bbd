"""Outages with real processes (PostgreSQL and a private Redis; CI runs these).

- Redis is down when a report meeting closes: the close succeeds, the people are marked
  stale, and once Redis is back the sweep recomputes them and the certification appears.
- A worker is SIGKILLed in the middle of a full recompute: running it again gives exactly
  the certifications the rules give, with no duplicates.
"""

import pytest

from certification import rules
from certification.models import Certification, DecisionLine, RecomputeRun, StaleUser
from certification.selectors import gather
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

        # Approval mode (the default): the recompute proposes each member's award.
        assert wait_until(
            lambda: (
                DecisionLine.objects.filter(
                    user_id__in=members, kind="award", status="pending"
                ).count()
                == len(members)
            ),
            90,
        ), worker.log_path.read_text()[-3000:]
        assert not StaleUser.objects.exists()
        assert not Certification.objects.exists()  # nothing published before HR decides
    finally:
        worker.stop()
        redis.stop()


def expected_awards() -> set[tuple[int, int, int]]:
    """What the pure rules say, person by person, from the same data."""
    gathered = gather()
    expected = set()
    for user_id, participations in gathered.participations.items():
        outcome = rules.decide(participations, gathered.rule_sets, gathered.prior.get(user_id, ()))
        expected |= {(user_id, int(a.level), a.fiscal_year) for a in outcome.awards}
    return expected


def test_a_worker_killed_in_the_middle_of_a_full_recompute_leaves_no_duplicates(
    transactional_db, tmp_path
):
    from bench.synthetic import build

    build(staff=9000, years=3, teams=2100, evaluations=21000, seed=7)
    redis = PrivateRedis().start()
    worker = Worker(redis.url, tmp_path / "worker.log").start()
    try:
        run = RecomputeRun.objects.create()
        queued = run_in_app(
            f"from certification.tasks import recompute_all; recompute_all.delay({run.pk})",
            redis.url,
        )
        assert queued.returncode == 0, queued.stderr[-2000:]
        assert wait_until(
            lambda: RecomputeRun.objects.filter(pk=run.pk, done__gt=0).exists(), 60, 0.02
        ), worker.log_path.read_text()[-3000:]
        worker.kill()
        run.refresh_from_db()
        killed_at = (run.done, run.total)

        worker = Worker(redis.url, tmp_path / "worker2.log").start()
        rerun = RecomputeRun.objects.create()
        run_in_app(
            f"from certification.tasks import recompute_all; recompute_all.delay({rerun.pk})",
            redis.url,
        )
        assert wait_until(
            lambda: RecomputeRun.objects.filter(pk=rerun.pk, status="done").exists(), 120
        ), worker.log_path.read_text()[-3000:]
    finally:
        worker.stop()
        redis.stop()

    # Approval mode (the default): the runs propose; one pending award per person × level.
    proposed = list(
        DecisionLine.objects.filter(kind="award", status="pending").values_list(
            "user_id", "level", "fiscal_year"
        )
    )
    assert killed_at[0] <= killed_at[1]
    assert len(proposed) == len(set(proposed)), "duplicate proposals"
    assert set(proposed) == expected_awards()
    assert not Certification.objects.exists()
