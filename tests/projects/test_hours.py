"""Activity hours (業務外活動の記録, issue 12): entries, weekly totals, the cap, the notice
to the 所属長, the pages of the member, the 所属長 and the organiser, and the export."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry, Grade
from accounts.roles import Role
from projects import selectors_hours, services
from projects.exceptions import InvalidData, NotAllowed, WrongState
from projects.models import ActivityLog, HoursNotice, Membership, Project
from tests import factories

MONDAY = datetime.date(2024, 6, 3)
TODAY = datetime.date(2024, 7, 1)


@pytest.fixture
def world(db):
    project = factories.ProjectFactory(
        fiscal_year=2024,
        status=Project.Status.IN_PROGRESS,
        recruitment_starts_on=datetime.date(2024, 4, 1),
        recruitment_ends_on=datetime.date(2024, 5, 31),
        weekly_hours_cap=Decimal(4),
    )
    team = factories.TeamFactory(project=project, name="窓口DXチーム")
    member = factories.UserFactory(email="member@city.example.jp")
    factories.MembershipFactory(team=team, user=member)
    head = factories.UserFactory(
        department=member.department, grade=Grade.KACHO, email="head@city.example.jp"
    )
    return type("World", (), {"project": project, "team": team, "member": member, "head": head})


def log(world, *, day=MONDAY, hours="1", note="聞き取り", by=None):
    return services.activity_log_create(
        by=by or world.member, team=world.team, worked_on=day, hours=hours, note=note, today=TODAY
    )


# --- entries ---------------------------------------------------------------------------


def test_a_member_logs_hours_for_their_team(world):
    entry = log(world, hours="1.5")

    assert entry.project == world.project
    assert entry.hours == Decimal("1.5")
    assert entry.history.count() == 1


@pytest.mark.parametrize("hours", ["0.5", "24"])
def test_hours_at_the_bounds_are_accepted(world, hours):
    assert log(world, hours=hours).hours == Decimal(hours)


@pytest.mark.parametrize("hours", ["0", "-1", "24.5", "1.25", "NaN", "abc"])
def test_hours_outside_half_hour_steps_or_bounds_are_refused(world, hours):
    with pytest.raises(InvalidData):
        log(world, hours=hours)
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize("hours", [Decimal(0), Decimal("1.3"), Decimal(25)])
def test_the_database_refuses_hours_the_service_would_refuse(world, hours):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityLog.objects.create(
            user=world.member,
            team=world.team,
            project=world.project,
            worked_on=MONDAY,
            hours=hours,
            note="x",
        )


def test_a_day_holds_at_most_24_hours_across_entries(world):
    log(world, hours="20")
    log(world, hours="4")

    with pytest.raises(InvalidData, match="24時間"):
        log(world, hours="0.5")


def test_a_future_day_is_refused(world):
    with pytest.raises(InvalidData):
        log(world, day=TODAY + datetime.timedelta(days=1))


def test_today_is_accepted(world):
    assert log(world, day=TODAY).worked_on == TODAY


def test_a_day_before_recruitment_started_is_refused(world):
    with pytest.raises(InvalidData):
        log(world, day=datetime.date(2024, 3, 31))


def test_an_empty_note_is_refused(world):
    with pytest.raises(InvalidData):
        log(world, note="  ")


def test_someone_outside_the_team_cannot_log_for_it(world):
    with pytest.raises(NotAllowed):
        log(world, by=factories.UserFactory())


def test_an_applicant_not_yet_approved_cannot_log(world):
    applicant = factories.UserFactory()
    factories.MembershipFactory(team=world.team, user=applicant, status=Membership.Status.APPLIED)

    with pytest.raises(NotAllowed):
        log(world, by=applicant)


def test_nobody_logs_hours_in_a_closed_project(world):
    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.CLOSED)

    with pytest.raises(WrongState):
        log(world)


def test_the_author_edits_their_entry(world):
    entry = log(world)

    services.activity_log_update(
        log=entry, by=world.member, worked_on=MONDAY, hours="2", note="修正", today=TODAY
    )

    entry.refresh_from_db()
    assert (entry.hours, entry.note) == (Decimal(2), "修正")
    assert entry.history.count() == 2


def test_nobody_else_edits_or_deletes_an_entry(world):
    entry = log(world)
    other = factories.UserFactory()

    with pytest.raises(NotAllowed):
        services.activity_log_update(log=entry, by=other, worked_on=MONDAY, hours="2", note="x")
    with pytest.raises(NotAllowed):
        services.activity_log_delete(log=entry, by=other)
    assert ActivityLog.objects.filter(pk=entry.pk).exists()


def test_an_entry_of_a_closed_project_can_no_longer_be_deleted(world):
    entry = log(world)
    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.CLOSED)

    with pytest.raises(WrongState):
        services.activity_log_delete(log=entry, by=world.member)


def test_the_author_deletes_their_entry_and_history_keeps_it(world):
    entry = log(world)

    services.activity_log_delete(log=entry, by=world.member)

    assert not ActivityLog.objects.exists()
    assert ActivityLog.history.filter(id=entry.pk, history_type="-").exists()


# --- weeks -----------------------------------------------------------------------------


def test_a_week_runs_from_monday_to_sunday(world):
    log(world, day=MONDAY + datetime.timedelta(days=6), hours="1")  # Sunday
    log(world, day=MONDAY + datetime.timedelta(days=7), hours="2")  # next Monday

    weeks = selectors_hours.weekly_totals(user_ids=[world.member.pk])

    assert [(w.starts_on, w.total) for w in weeks] == [
        (MONDAY + datetime.timedelta(days=7), Decimal(2)),
        (MONDAY, Decimal(1)),
    ]


def test_attended_workshops_count_in_the_week_and_absences_do_not(world):
    attended = factories.WorkshopFactory(project=world.project, held_on=MONDAY, hours=Decimal(2))
    missed = factories.WorkshopFactory(project=world.project, held_on=MONDAY, hours=Decimal(3))
    factories.AttendanceFactory(workshop=attended, user=world.member, attended=True)
    factories.AttendanceFactory(workshop=missed, user=world.member, attended=False)
    log(world, hours="1")

    (week,) = selectors_hours.weekly_totals(user_ids=[world.member.pk])

    assert (week.logged, week.workshops, week.total) == (Decimal(1), Decimal(2), Decimal(3))
    assert week.team_id == world.team.pk


def test_a_week_at_the_cap_is_not_over_and_above_it_is(world):
    log(world, hours="4")
    (week,) = selectors_hours.weekly_totals(user_ids=[world.member.pk])
    assert (week.over, week.near) == (False, True)

    log(world, hours="0.5")
    (week,) = selectors_hours.weekly_totals(user_ids=[world.member.pk])
    assert week.over


def test_a_project_without_a_cap_never_goes_over(world):
    Project.objects.filter(pk=world.project.pk).update(weekly_hours_cap=None)
    log(world, hours="24")

    (week,) = selectors_hours.weekly_totals(user_ids=[world.member.pk])

    assert not week.over
    assert not HoursNotice.objects.exists()


def test_the_week_label_is_a_wareki_date_range():
    assert selectors_hours.week_label(MONDAY) == "令和6年6月3日〜令和6年6月9日"


def test_the_week_label_in_english_is_a_plain_date_range():
    from django.utils import translation

    with translation.override("en"):
        assert selectors_hours.week_label(MONDAY) == "3 Jun 2024 – 9 Jun 2024"


def test_the_member_page_reads_in_english(client, world):
    log(world, hours="5")
    client.force_login(world.member)
    client.cookies["django_language"] = "en"

    text = client.get(reverse("projects:hours_mine")).content.decode()

    assert "Activity hours" in text
    assert "Over the cap" in text
    assert "3 Jun 2024 – 9 Jun 2024" in text


# --- the notice to the 所属長 ---------------------------------------------------------------


def test_a_week_going_over_mails_the_head_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log(world, hours="3")
    assert not HoursNotice.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        log(world, hours="1.5")
        log(world, hours="1")

    notice = HoursNotice.objects.get()
    assert (notice.week_starts_on, notice.hours, notice.sent_at is not None) == (
        MONDAY,
        Decimal("4.5"),
        True,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["head@city.example.jp"]
    assert "令和6年6月3日" in mail.outbox[0].body


def test_an_attended_workshop_that_pushes_the_week_over_makes_a_notice(world):
    log(world, hours="3")
    workshop = factories.WorkshopFactory(project=world.project, held_on=MONDAY, hours=Decimal(2))
    organiser = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])

    services.attendance_record(workshop=workshop, by=organiser, attended_user_ids=[])
    assert not HoursNotice.objects.exists()
    services.attendance_record(workshop=workshop, by=organiser, attended_user_ids=[world.member.pk])

    assert HoursNotice.objects.get().hours == Decimal(5)


def test_the_notice_is_queued_only_after_the_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log(world, hours="5")

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_an_unsent_notice_is_sent_by_the_next_run(world):
    log(world, hours="5")  # the on_commit callback never ran (broker down)
    assert HoursNotice.objects.get().sent_at is None

    assert services.hours_notices_send() == 1
    assert services.hours_notices_send() == 0
    assert len(mail.outbox) == 1


def test_a_failed_mail_stays_unsent_for_the_retry(world, monkeypatch):
    log(world, hours="5")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("projects.services.hours.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        services.hours_notices_send()

    assert HoursNotice.objects.get().sent_at is None


# --- pages ------------------------------------------------------------------------------


def test_the_member_logs_on_their_page_and_is_warned_over_the_cap(client, world):
    log(world, hours="3")
    client.force_login(world.member)

    response = client.post(
        reverse("projects:hours_mine"),
        {"team": world.team.pk, "worked_on": "2024-06-04", "hours": "1.5", "note": "資料作成"},
        follow=True,
    )

    text = response.content.decode()
    assert "活動時間を記録しました。" in text
    assert "上限（週 4 時間）を超えました" in text
    assert "上限超過" in text


def test_the_page_refuses_a_quarter_hour_with_a_message(client, world):
    client.force_login(world.member)

    response = client.post(
        reverse("projects:hours_mine"),
        {"team": world.team.pk, "worked_on": "2024-06-04", "hours": "1.25", "note": "x"},
    )

    assert "0.5時間単位" in response.content.decode()
    assert not ActivityLog.objects.exists()


def test_the_member_page_has_no_form_without_an_open_team(client, db):
    client.force_login(factories.UserFactory())

    response = client.get(reverse("projects:hours_mine"))

    assert "記録できるのは" in response.content.decode()


def test_the_head_sees_their_staff_and_not_other_departments(client, world):
    log(world, hours="5")
    outsider = factories.UserFactory(last_name="他課")
    factories.MembershipFactory(team=world.team, user=outsider)
    log(world, hours="2", by=outsider)
    client.force_login(world.head)

    response = client.get(reverse("projects:hours_staff"), {"fiscal_year": 2024})

    text = response.content.decode()
    assert world.member.full_name in text
    assert "他課" not in text
    assert "上限超過" in text


def test_a_member_of_staff_who_heads_nobody_may_not_see_the_head_page(client, world):
    client.force_login(world.member)

    assert client.get(reverse("projects:hours_staff")).status_code == 403


def test_the_organiser_sees_totals_per_team_and_department(client, world):
    log(world, hours="5")
    client.force_login(factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER]))

    response = client.get(reverse("projects:organiser_hours"), {"fiscal_year": 2024})

    text = response.content.decode()
    assert "窓口DXチーム" in text
    assert world.member.department.name in text


def test_the_csv_export_has_a_bom_the_week_and_keeps_a_formula_as_text(client, world):
    log(world, hours="5", note="x")
    type(world.team).objects.filter(pk=world.team.pk).update(name="=HYPERLINK(1)")
    organiser = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])
    client.force_login(organiser)

    response = client.get(reverse("projects:organiser_hours_export_csv"), {"fiscal_year": 2024})

    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][5] == "'=HYPERLINK(1)"
    assert rows[1][6] == "2024-06-03"
    assert rows[1][10] == "5.0"
    assert AuditEntry.objects.filter(actor=organiser, action=AuditAction.EXPORT).exists()


def test_the_xlsx_export_has_three_sheets_and_no_formula(client, world):
    from openpyxl import load_workbook

    log(world, hours="5")
    type(world.team).objects.filter(pk=world.team.pk).update(name="@SUM(1)")
    client.force_login(factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER]))

    response = client.get(reverse("projects:organiser_hours_export_xlsx"), {"fiscal_year": 2024})

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["週別", "チーム別", "所属別"]
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_the_organiser_sets_the_weekly_cap_on_the_project_form_and_staff_see_it(client, world):
    organiser = factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])
    client.force_login(organiser)
    project = world.project
    data = {
        "fiscal_year": project.fiscal_year,
        "title": project.title,
        "description": "",
        "recruitment_starts_on": project.recruitment_starts_on.isoformat(),
        "recruitment_ends_on": project.recruitment_ends_on.isoformat(),
        "max_grade": project.max_grade,
        "team_size_min": project.team_size_min,
        "team_size_max": project.team_size_max,
        "coaching_vendor": "",
        "weekly_hours_cap": "6.5",
    }

    client.post(reverse("projects:organiser_project_edit", kwargs={"pk": project.pk}), data)

    project.refresh_from_db()
    assert project.weekly_hours_cap == Decimal("6.5")
    client.force_login(world.member)
    detail = client.get(reverse("projects:project_detail", kwargs={"pk": project.pk}))
    assert "週 6.5 時間" in detail.content.decode()
