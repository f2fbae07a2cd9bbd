import pytest

from accounts.tasks import health_check
from tests.factories import UserFactory


def test_the_health_check_counts_active_users_when_run_in_process(db):
    UserFactory()

    assert health_check.apply().get() == {"ok": True, "active_users": 1}


@pytest.mark.broker
@pytest.mark.postgres
def test_a_task_makes_the_round_trip_through_redis_a_real_worker_and_postgresql(
    celery_worker_process,
):
    UserFactory.create_batch(3)

    result = health_check.apply_async(queue=celery_worker_process.queue)

    assert result.get(timeout=30) == {"ok": True, "active_users": 3}
