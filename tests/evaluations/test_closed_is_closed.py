"""Findings 2 and 3 of issue #9: after a report meeting or leadership window closes,
nothing about it changes by any path, the admin included."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from certification import receivers
from certification.models import StaleUser
from evaluations import services
from evaluations.exceptions import NotAllowed, ScoringClosed
from evaluations.models import (
    Evaluation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
)
from evaluations.signals import report_meeting_reopened
from tests import factories
from tests.admin_forms import admin_form_data


@pytest.fixture
def closed_meeting(w):
    services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=w.policy(),
    )
    services.presentation_attach_materials(
        presentation=w.presentation,
        materials=SimpleUploadedFile("slides.pdf", b"%PDF-1.7\n%closed\n"),
    )
    services.meeting_close(meeting=w.meeting, by=w.organiser)
    return w.meeting


def test_a_closed_meetings_presentation_cannot_move_to_another_team_in_the_admin(
    client, w, closed_meeting
):
    spare = factories.team_with(project=w.project, members=1)
    client.force_login(w.organiser)
    url = reverse("admin:evaluations_reportmeeting_change", args=[closed_meeting.pk])
    data = admin_form_data(client, url)
    index = next(k for k, v in data.items() if k.endswith("-id") and v == str(w.presentation.pk))
    data[index.replace("-id", "-team")] = str(spare.pk)

    response = client.post(url, data)

    assert response.status_code == 403
    w.presentation.refresh_from_db()
    assert w.presentation.team_id == w.team.pk
    assert Evaluation.objects.get(presentation=w.presentation).presentation.team_id == w.team.pk


def test_the_admin_takes_no_html_as_presentation_materials(client, w, closed_meeting):
    client.force_login(w.organiser)
    url = reverse("admin:evaluations_reportmeeting_change", args=[closed_meeting.pk])
    data = admin_form_data(client, url)
    index = next(k for k, v in data.items() if k.endswith("-id") and v == str(w.presentation.pk))
    data[index.replace("-id", "-materials")] = SimpleUploadedFile(
        "x.html", b"<script>alert(1)</script>", content_type="text/html"
    )

    client.post(url, data)

    w.presentation.refresh_from_db()
    assert w.presentation.materials.name.endswith("slides.pdf")


def test_the_admin_change_form_of_a_meeting_offers_no_presentation_fields(client, w):
    client.force_login(w.organiser)

    page = client.get(reverse("admin:evaluations_reportmeeting_change", args=[w.meeting.pk]))

    body = page.content.decode()
    assert "presentations-0-team" not in body
    assert "presentations-0-materials" not in body


def test_the_admin_cannot_add_a_presentation_to_a_closed_meeting_by_hand(w, closed_meeting):
    with pytest.raises(ScoringClosed):
        services.presentation_add(meeting=closed_meeting, team=w.other_team)
    assert Presentation.objects.filter(meeting=closed_meeting).count() == 2


@pytest.fixture
def closed_window(w):
    for member in w.members:
        services.evaluation_submit(
            evaluator=member,
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(2),
        )
    services.window_close(window=w.window, by=w.organiser)
    return w.window


def test_a_closed_window_cannot_be_deleted_in_the_admin(client, w, closed_window):
    client.force_login(w.organiser)

    response = client.post(
        reverse("admin:evaluations_leadershipwindow_delete", args=[closed_window.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 403
    assert LeadershipWindow.objects.filter(pk=closed_window.pk).exists()


def test_a_closed_meeting_cannot_be_deleted_in_the_admin(client, w, closed_meeting):
    client.force_login(w.organiser)

    response = client.post(
        reverse("admin:evaluations_reportmeeting_delete", args=[closed_meeting.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 403
    assert type(closed_meeting).objects.filter(pk=closed_meeting.pk).exists()


def test_a_window_deleted_after_its_close_never_reopens(client, w, closed_window):
    # However the row went (on PostgreSQL a trigger refuses it: bypassed here, as a
    # database superuser could), its evaluations and history remain.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        LeadershipWindow.objects.filter(pk=closed_window.pk).delete()
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    client.force_login(w.organiser)

    response = client.post(
        reverse("evaluations:organiser_window_open", args=[w.project.pk]),
        {"closes_on": "2099-03-01"},
        follow=True,
    )

    assert not LeadershipWindow.objects.filter(project=w.project).exists()
    assert "締切済みのリーダーシップ評価は再開できません。" in response.content.decode()
    with pytest.raises(ScoringClosed):
        services.evaluation_submit(
            evaluator=w.members[0],
            perspective=Perspective.LEADERSHIP,
            team=w.team,
            scores=w.leadership(5),
        )
    assert {e.score for e in Evaluation.objects.filter(team=w.team)} == {25}


# --- HR's explicit, reasoned reopening ----------------------------------------------------


def _reopen_url(obj):
    return reverse(f"admin:evaluations_{obj._meta.model_name}_reopen", args=[obj.pk])


def test_hr_reopens_a_closed_meeting_with_a_reason_and_a_recompute_is_queued(
    client, w, closed_meeting, django_capture_on_commit_callbacks, monkeypatch
):
    sent, queued = [], []
    monkeypatch.setattr(receivers, "enqueue_recompute_users", queued.extend)

    def listen(sender, **kwargs):
        sent.append(kwargs)

    report_meeting_reopened.connect(listen)
    client.force_login(w.hr)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_reopen_url(closed_meeting), {"reason": "採点漏れの訂正"})
    finally:
        report_meeting_reopened.disconnect(listen)

    assert response.status_code == 302
    closed_meeting.refresh_from_db()
    assert closed_meeting.status == ReportMeeting.Status.OPEN
    assert closed_meeting.closed_at is None
    last = closed_meeting.history.latest("history_date")
    assert (last.history_user, last.history_change_reason) == (w.hr, "採点漏れの訂正")
    entry = AuditEntry.objects.get(action=AuditAction.MEETING_REOPEN)
    assert (entry.actor, entry.detail) == (w.hr, {"reason": "採点漏れの訂正"})
    member_ids = set(w.team.memberships.values_list("user_id", flat=True))
    assert member_ids <= set(sent[0]["user_ids"])
    assert member_ids <= set(queued)
    assert member_ids <= set(StaleUser.objects.values_list("user_id", flat=True))


def test_a_reopening_needs_a_reason(client, w, closed_meeting):
    client.force_login(w.hr)

    response = client.post(_reopen_url(closed_meeting), {"reason": "  "})

    assert response.status_code == 200
    closed_meeting.refresh_from_db()
    assert closed_meeting.status == ReportMeeting.Status.CLOSED


def test_the_organiser_cannot_reopen_a_closed_meeting(client, w, closed_meeting):
    client.force_login(w.organiser)

    response = client.post(_reopen_url(closed_meeting), {"reason": "やり直したい"})

    assert response.status_code == 403
    closed_meeting.refresh_from_db()
    assert closed_meeting.status == ReportMeeting.Status.CLOSED


def test_hr_never_reopens_a_meeting_where_its_own_team_presented(w, closed_meeting):
    factories.MembershipFactory(team=w.other_team, user=w.hr)

    with pytest.raises(NotAllowed):
        services.meeting_reopen(meeting=closed_meeting, by=w.hr, reason="自分のチームの訂正")

    closed_meeting.refresh_from_db()
    assert closed_meeting.status == ReportMeeting.Status.CLOSED


def test_hr_reopens_a_closed_window_and_a_member_corrects_the_score(client, w, closed_window):
    client.force_login(w.hr)

    client.post(_reopen_url(closed_window), {"reason": "入力誤りの申出"})
    services.evaluation_submit(
        evaluator=w.members[0],
        perspective=Perspective.LEADERSHIP,
        team=w.team,
        scores=w.leadership(3),
    )
    services.window_close(window=closed_window, by=w.organiser)

    closed_window.refresh_from_db()
    assert closed_window.status == LeadershipWindow.Status.CLOSED
    assert AuditEntry.objects.filter(action=AuditAction.WINDOW_REOPEN, actor=w.hr).count() == 1
    assert sorted(e.score for e in Evaluation.objects.filter(team=w.team)) == [25, 50]


def test_reopening_an_open_meeting_changes_nothing(w):
    history = w.meeting.history.count()

    services.meeting_reopen(meeting=w.meeting, by=w.hr, reason="念のため")

    assert w.meeting.history.count() == history


def test_a_closed_meeting_cannot_be_reverted_to_its_open_version_from_history(
    client, w, closed_meeting
):
    open_version = closed_meeting.history.filter(status=ReportMeeting.Status.OPEN).first()
    if open_version is None:  # the factory made it open without a history row of its own
        open_version = closed_meeting.history.earliest("history_date")
    client.force_login(w.organiser)

    response = client.post(
        reverse(
            "admin:evaluations_reportmeeting_simple_history",
            args=[closed_meeting.pk, open_version.history_id],
        ),
        {},
    )

    assert response.status_code == 403
    closed_meeting.refresh_from_db()
    assert closed_meeting.status == ReportMeeting.Status.CLOSED


# --- in the database (PostgreSQL triggers) ----------------------------------------------


@pytest.mark.postgres
def test_the_database_refuses_to_delete_a_closed_meeting_window_or_their_evaluations(
    w, closed_meeting, closed_window
):
    for queryset in (
        Evaluation.objects.filter(presentation=w.presentation),
        Evaluation.objects.filter(team=w.team),
        LeadershipWindow.objects.filter(pk=closed_window.pk),
        ReportMeeting.objects.filter(pk=closed_meeting.pk),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset._raw_delete(queryset.db)

    assert Evaluation.objects.filter(presentation=w.presentation).exists()
    assert LeadershipWindow.objects.filter(pk=closed_window.pk).exists()


@pytest.mark.postgres
def test_the_database_refuses_to_move_a_closed_meetings_presentation(w, closed_meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Presentation.objects.filter(pk=w.presentation.pk).update(team=w.other_team)

    w.presentation.refresh_from_db()
    assert w.presentation.team_id == w.team.pk


@pytest.mark.postgres
def test_the_database_lets_an_open_meetings_evaluation_go(w):
    evaluation = factories.EvaluationFactory(presentation=w.presentation, evaluator=w.executive)

    Evaluation.objects.filter(pk=evaluation.pk).delete()

    assert not Evaluation.objects.filter(pk=evaluation.pk).exists()


def test_the_reopen_link_is_shown_to_hr_only(client, w, closed_meeting):
    url = reverse("admin:evaluations_reportmeeting_change", args=[closed_meeting.pk])
    link = _reopen_url(closed_meeting)

    client.force_login(w.hr)
    shown_to_hr = link in client.get(url).content.decode()
    client.force_login(w.organiser)
    shown_to_organiser = link in client.get(url).content.decode()

    assert (shown_to_hr, shown_to_organiser) == (True, False)
