import datetime
import logging
import smtplib
from unittest import mock

import kombu.exceptions
import pytest
from django.core import mail

from evaluations import services
from evaluations.models import Perspective, ReminderLog, ReportMeeting
from evaluations.tasks import send_reminders
from tests import factories
from tests.mail import FlakyBackend, outbox_recipients


def run(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.reminders_send(**kwargs)


def test_raters_of_an_open_meeting_who_have_not_scored_get_one_reminder(
    w, django_capture_on_commit_callbacks
):
    services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=w.policy(),
    )

    run(django_capture_on_commit_callbacks, today=datetime.date(2025, 2, 10))

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([w.executive.email, w.expert.email])
    assert "報告会の評価をお願いします" in mail.outbox[0].subject
    body = next(m.body for m in mail.outbox if m.to == [w.executive.email])
    assert w.other_presentation.title in body and f"{w.presentation.title}（" not in body


def test_reminders_are_never_sent_twice_for_the_same_deadline(
    w, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks, today=datetime.date(2025, 2, 10))
    first = len(mail.outbox)

    sent = run(django_capture_on_commit_callbacks, today=datetime.date(2025, 2, 10))

    assert sent == 0 and len(mail.outbox) == first
    assert ReminderLog.objects.count() == first


def test_a_rater_who_scored_everything_gets_no_reminder(w, django_capture_on_commit_callbacks):
    for presentation in (w.presentation, w.other_presentation):
        services.evaluation_submit(
            evaluator=w.expert,
            perspective=Perspective.TECHNICAL,
            presentation=presentation,
            scores=w.technical(),
        )

    run(django_capture_on_commit_callbacks, today=datetime.date(2025, 2, 10))

    assert w.expert.email not in [m.to[0] for m in mail.outbox]


def test_the_day_before_a_window_closes_members_who_have_not_answered_are_reminded(
    w, django_capture_on_commit_callbacks
):
    ReportMeeting.objects.update(status=ReportMeeting.Status.CLOSED, closed_at="2025-02-10T12:00Z")
    services.evaluation_submit(
        evaluator=w.members[0],
        perspective=Perspective.LEADERSHIP,
        team=w.team,
        scores=w.leadership(),
    )

    run(django_capture_on_commit_callbacks, today=datetime.date(2025, 3, 18))
    assert mail.outbox == []  # two days before: nothing yet

    run(django_capture_on_commit_callbacks, today=datetime.date(2025, 3, 19))

    recipients = {m.to[0] for m in mail.outbox}
    other_members = {m.user.email for m in w.other_team.memberships.filter(role="member")}
    assert recipients == {w.members[1].email} | other_members
    assert all("締切は明日" in m.subject for m in mail.outbox)


def test_opening_a_meeting_enqueues_the_reminders_after_commit(
    db, organiser, django_capture_on_commit_callbacks
):
    executive = factories.ExecutiveFactory()
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.SCHEDULED)
    services.rubric_ensure_defaults(fiscal_year=meeting.project.fiscal_year)
    factories.PresentationFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.meeting_open(meeting=meeting, by=organiser)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert [m.to for m in mail.outbox] == [[executive.email]]


def test_the_beat_task_has_the_scheduled_name(db):
    assert send_reminders.name == "evaluations.send_reminders"
    assert send_reminders.delay().get() == 0


def test_opening_a_meeting_with_the_broker_down_opens_it_and_logs_the_outage(
    db, organiser, django_capture_on_commit_callbacks, caplog
):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.SCHEDULED)
    factories.PresentationFactory(meeting=meeting)
    down = kombu.exceptions.OperationalError("connection refused")

    with (
        mock.patch.object(send_reminders, "apply_async", side_effect=down) as apply_async,
        caplog.at_level(logging.WARNING, logger="accounts.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.meeting_open(meeting=meeting, by=organiser)

    apply_async.assert_called_once()
    meeting.refresh_from_db()
    assert meeting.status == ReportMeeting.Status.OPEN
    assert "evaluations.send_reminders not queued (broker down: OperationalError)" in caplog.text


def test_a_bug_while_enqueueing_is_not_taken_for_a_broker_outage(
    db, organiser, django_capture_on_commit_callbacks
):
    meeting = factories.ReportMeetingFactory(status=ReportMeeting.Status.SCHEDULED)
    factories.PresentationFactory(meeting=meeting)

    with (
        mock.patch.object(send_reminders, "apply_async", side_effect=TypeError("bug")),
        pytest.raises(TypeError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.meeting_open(meeting=meeting, by=organiser)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.mail.FlakyBackend"
    FlakyBackend.refuse = {}
    yield FlakyBackend.refuse
    FlakyBackend.refuse = {}


def test_one_refused_reminder_does_not_stop_the_others_and_is_not_recorded(w, flaky_smtp):
    flaky_smtp[w.executive.email] = 1

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.reminders_send(today=datetime.date(2025, 2, 10))

    assert outbox_recipients() == [w.expert.email]
    assert list(ReminderLog.objects.values_list("user_id", flat=True)) == [w.expert.pk]


def test_a_retry_after_an_smtp_error_delivers_every_reminder_exactly_once(w, flaky_smtp):
    flaky_smtp[w.executive.email] = 1

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.reminders_send(today=datetime.date(2025, 2, 10))
    sent = services.reminders_send(today=datetime.date(2025, 2, 10))

    assert sent == 1
    assert outbox_recipients() == sorted([w.executive.email, w.expert.email])
    assert ReminderLog.objects.count() == 2


def test_the_reminder_task_fails_retryably_and_its_retry_delivers_the_rest(w, flaky_smtp):
    """The first attempt raises an error the task's `autoretry_for` covers (so Celery
    retries it with backoff); the retry sends the missing mail and nobody gets two."""
    flaky_smtp[w.executive.email] = 1

    with pytest.raises(send_reminders.autoretry_for):
        send_reminders.run()
    assert outbox_recipients() == [w.expert.email]
    send_reminders.run()

    assert outbox_recipients() == sorted([w.executive.email, w.expert.email])
    assert ReminderLog.objects.count() == 2
