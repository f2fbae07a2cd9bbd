"""Closes and exports of individual scores leave a 操作ログ entry; per-rater exports are
never kept by a cache (finding 12: `Cache-Control: private, no-store`)."""

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from evaluations.models import LeadershipWindow, ReportMeeting

pytestmark = pytest.mark.django_db

EXPORTS = ["organiser_meeting_export_csv", "organiser_meeting_export_xlsx"]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("name", EXPORTS)
def test_a_per_rater_export_is_private_and_never_stored(client, w, name):
    client.force_login(w.hr)

    response = client.get(reverse(f"evaluations:{name}", args=[w.meeting.pk]))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_the_per_rater_results_page_is_private_and_never_stored(client, w):
    client.force_login(w.organiser)

    response = client.get(reverse("evaluations:organiser_meeting_results", args=[w.meeting.pk]))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


@pytest.mark.parametrize(("name", "fmt"), list(zip(EXPORTS, ["csv", "xlsx"], strict=True)))
def test_an_export_of_individual_scores_is_recorded(client, w, name, fmt):
    client.force_login(w.organiser)

    client.get(reverse(f"evaluations:{name}", args=[w.meeting.pk]), REMOTE_ADDR="192.0.2.7")

    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.EXPORT
    assert entry.actor == w.organiser
    assert entry.ip_address == "192.0.2.7"
    assert entry.target_id == str(w.meeting.pk)
    assert entry.detail["format"] == fmt
    assert entry.detail["what"] == "report_meeting_evaluations"


def test_a_refused_export_records_nothing(client, w):
    client.force_login(w.leader)

    response = client.get(reverse("evaluations:organiser_meeting_export_csv", args=[w.meeting.pk]))

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_closing_a_report_meeting_is_recorded(client, w):
    client.force_login(w.organiser)

    client.post(
        reverse("evaluations:organiser_meeting_close", args=[w.meeting.pk]),
        REMOTE_ADDR="192.0.2.8",
    )

    w.meeting.refresh_from_db()
    assert w.meeting.status == ReportMeeting.Status.CLOSED
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.ip_address) == (
        AuditAction.MEETING_CLOSE,
        w.organiser,
        "192.0.2.8",
    )
    assert entry.target_id == str(w.meeting.pk)


def test_closing_an_already_closed_meeting_records_nothing_more(client, w):
    client.force_login(w.organiser)
    url = reverse("evaluations:organiser_meeting_close", args=[w.meeting.pk])

    client.post(url)
    client.post(url)

    assert AuditEntry.objects.filter(action=AuditAction.MEETING_CLOSE).count() == 1


def test_closing_a_leadership_window_is_recorded(client, w):
    client.force_login(w.organiser)

    client.post(reverse("evaluations:organiser_window_close", args=[w.project.pk]))

    w.window.refresh_from_db()
    assert w.window.status == LeadershipWindow.Status.CLOSED
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == (AuditAction.WINDOW_CLOSE, w.organiser)
    assert entry.target_id == str(w.window.pk)
