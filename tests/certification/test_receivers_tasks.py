import logging
from unittest import mock

import kombu.exceptions
import pytest
import redis.exceptions
from django.db import OperationalError

from certification import tasks
from certification.models import Certification, RecomputeRun, StaleUser
from certification.services import mark_stale
from evaluations.models import LeadershipWindow, ReportMeeting
from evaluations.signals import leadership_window_closed, report_meeting_closed
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("automatic_mode")]


@pytest.fixture
def raters():
    return Raters()


def test_a_closed_meeting_marks_its_people_stale_and_queues_their_recompute(
    django_capture_on_commit_callbacks,
):
    people = [factories.UserFactory() for _ in range(3)]
    ids = [p.pk for p in people]
    with (
        mock.patch.object(tasks.recompute_users, "delay") as delay,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        report_meeting_closed.send(sender=ReportMeeting, meeting_id=1, user_ids=ids)
        assert set(StaleUser.objects.values_list("user_id", flat=True)) == set(ids)
        delay.assert_not_called()  # only once the marking has committed
    assert len(callbacks) == 1
    with mock.patch.object(tasks.recompute_users, "delay") as delay:
        callbacks[0]()
    delay.assert_called_once_with(sorted(ids))


def test_a_closed_leadership_window_queues_the_leaders(django_capture_on_commit_callbacks):
    leader = factories.UserFactory()
    with (
        mock.patch.object(tasks.recompute_users, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        leadership_window_closed.send(sender=LeadershipWindow, window_id=1, user_ids=[leader.pk])
    delay.assert_called_once_with([leader.pk])


@pytest.mark.parametrize(
    "error",
    [
        kombu.exceptions.OperationalError("broker down"),
        redis.exceptions.ConnectionError("refused"),
        ConnectionRefusedError(111, "refused"),
    ],
)
def test_a_close_with_the_broker_down_still_succeeds_and_leaves_markers(
    error, raters, django_capture_on_commit_callbacks, caplog
):
    from evaluations.services import meeting_close

    member = factories.UserFactory()
    team = scored_team(raters, members=[member], meeting_status=ReportMeeting.Status.OPEN)
    meeting = team.presentations.get().meeting
    organiser = factories.UserFactory()
    with (
        mock.patch.object(tasks.recompute_users, "delay", side_effect=error),
        caplog.at_level(logging.WARNING, logger="certification.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        meeting_close(meeting=meeting, by=organiser)
    meeting.refresh_from_db()
    assert meeting.status == ReportMeeting.Status.CLOSED
    assert StaleUser.objects.filter(user=member).exists()
    assert not Certification.objects.filter(user=member).exists()
    assert str(member.pk) in caplog.text
    assert member.email not in caplog.text and member.last_name not in caplog.text


def test_the_nightly_sweep_recomputes_the_stale_people_and_clears_the_markers(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    mark_stale(user_ids=[member.pk])
    result = tasks.recompute_stale.delay().get()
    assert result["created"] == 1
    assert Certification.objects.filter(user=member, level=1).exists()
    assert not StaleUser.objects.exists()


def test_a_closed_meeting_ends_in_certifications_when_the_broker_works(
    raters, django_capture_on_commit_callbacks
):
    from evaluations.services import meeting_close

    member = factories.UserFactory()
    team = scored_team(raters, members=[member], meeting_status=ReportMeeting.Status.OPEN)
    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly in tests
        meeting_close(meeting=team.presentations.get().meeting, by=factories.UserFactory())
    assert Certification.objects.filter(user=member, level=1, status="active").exists()
    assert not StaleUser.objects.exists()


def test_recompute_all_finishes_its_run_and_a_redelivery_does_nothing(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    run = RecomputeRun.objects.create()
    tasks.recompute_all.delay(run.pk)
    run.refresh_from_db()
    assert (run.status, run.created) == ("done", 2)  # leader and member
    assert tasks.recompute_all.delay(run.pk).get() == {}


@pytest.fixture
def eager_retries():
    """Run tasks as a worker would, in-process: a retry runs again at once, and a failure
    is the task's result instead of an exception in the caller."""
    from moka_dx.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.update(task_eager_propagates=False)
    yield
    app.conf.update(task_eager_propagates=saved)


@pytest.mark.usefixtures("eager_retries")
@pytest.mark.parametrize(
    "error",
    [
        OperationalError("the database went away"),
        kombu.exceptions.OperationalError("the broker went away"),
        redis.exceptions.ConnectionError("redis went away"),
    ],
    ids=["database", "broker", "redis"],
)
@pytest.mark.parametrize(
    ("task", "args"),
    [(tasks.recompute_users, ([1],)), (tasks.recompute_stale, ())],
    ids=["recompute_users", "recompute_stale"],
)
def test_a_recompute_hit_by_a_transient_error_is_retried_until_it_succeeds(task, args, error):
    if task is tasks.recompute_stale:
        StaleUser.objects.create(user=factories.UserFactory())  # something to sweep
    with mock.patch.object(
        tasks.services, "certifications_recompute", side_effect=[error, error, {"people": 1}]
    ) as recompute:
        result = task.apply(args=args)
    assert result.successful(), result.traceback
    assert result.get() == {"people": 1}
    assert recompute.call_count == 3


@pytest.mark.usefixtures("eager_retries")
def test_a_full_recompute_hit_by_a_transient_error_is_retried_and_finishes_its_run(raters):
    member = factories.UserFactory()
    scored_team(raters, members=[member])
    run = RecomputeRun.objects.create()
    real = tasks.services.recompute_range
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        return real(*args, **kwargs)

    # Everyone is recomputed by ranges of user ids, one task each: the range is retried.
    with mock.patch.object(tasks.services, "recompute_range", side_effect=flaky):
        result = tasks.recompute_all.apply(args=(run.pk,))
    assert result.successful(), result.traceback
    run.refresh_from_db()
    assert (len(calls), run.status, run.created) == (2, RecomputeRun.Status.DONE, 2)


@pytest.mark.usefixtures("eager_retries")
def test_a_full_recompute_that_fails_for_good_is_marked_failed_and_not_retried():
    factories.UserFactory()  # someone to recompute: one range
    run = RecomputeRun.objects.create()
    with mock.patch.object(
        tasks.services, "recompute_range", side_effect=ValueError("a bug")
    ) as recompute:
        tasks.recompute_all.apply(args=(run.pk,))
    assert recompute.call_count == 1
    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.FAILED and run.finished_at is not None


@pytest.mark.usefixtures("eager_retries")
def test_a_recompute_gives_up_after_its_retries_and_reports_the_error():
    with mock.patch.object(
        tasks.services,
        "certifications_recompute",
        side_effect=OperationalError("the database is down for good"),
    ) as recompute:
        result = tasks.recompute_users.apply(args=([1],))
    assert result.failed() and isinstance(result.result, OperationalError)
    assert recompute.call_count == tasks.recompute_users.max_retries + 1


def test_award_emails_stay_owed_when_the_broker_is_down_and_the_sweep_sends_them(
    raters, django_capture_on_commit_callbacks
):
    from django.core import mail

    from certification.services import certifications_recompute

    member = factories.UserFactory()
    scored_team(raters, members=[member])
    with (
        mock.patch.object(
            tasks.send_award_emails, "delay", side_effect=ConnectionRefusedError(111, "x")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        certifications_recompute(user_ids=[member.pk])
    assert mail.outbox == []
    cert = Certification.objects.get(user=member)
    assert cert.announced_at is None  # still owed
    assert tasks.send_owed_award_emails.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    cert.refresh_from_db()
    assert cert.announced_at is not None
    assert tasks.send_owed_award_emails.delay().get() == 0  # never twice


def test_a_failing_smtp_server_loses_no_award_email_and_a_retry_delivers_the_rest(raters):
    """At-least-once: each mail is independent; those not sent stay owed; the retry
    sends exactly those."""
    from django.core import mail

    from certification.services import AwardEmailsFailed, send_award_emails

    people = [factories.UserFactory() for _ in range(3)]
    certs = [factories.CertificationFactory(user=p, announced_at=None) for p in people]
    real_send = mail.backends.locmem.EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages[0].to)
        if len(calls) == 2:
            import smtplib

            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, messages)

    with (
        mock.patch.object(mail.backends.locmem.EmailBackend, "send_messages", flaky),
        pytest.raises(AwardEmailsFailed),
    ):
        send_award_emails(certification_ids=[c.pk for c in certs])
    assert len(mail.outbox) == 2
    owed = Certification.objects.filter(announced_at__isnull=True)
    assert list(owed) == [certs[1]]
    assert send_award_emails(certification_ids=[c.pk for c in certs]) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
