"""The 操作ログ: append-only records of privileged operations, read by HR in the admin."""

import csv
import io

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.urls import reverse

from accounts.audit import audit_record
from accounts.exceptions import AuditLogIsAppendOnly
from accounts.models import AuditAction, AuditEntry, Department
from accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def a_request(remote_addr="192.0.2.10", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


# --- the service ------------------------------------------------------------------------


def test_an_entry_records_who_when_from_where_what_and_on_what(hr_admin):
    department = factories.DepartmentFactory(name="人事課")

    entry = audit_record(
        actor=hr_admin,
        action=AuditAction.ROLE_CHANGE,
        target=department,
        request=a_request("192.0.2.10"),
        detail={"reason": "異動"},
    )

    entry.refresh_from_db()
    assert entry.actor == hr_admin
    assert entry.actor_login == hr_admin.employee_number
    assert entry.ip_address == "192.0.2.10"
    assert entry.action == AuditAction.ROLE_CHANGE
    assert entry.target_type.model_class() is Department
    assert entry.target_id == str(department.pk)
    assert entry.target_repr == "人事課"
    assert entry.detail == {"reason": "異動"}
    assert entry.at is not None


def test_the_login_id_survives_a_renamed_account(hr_admin):
    entry = audit_record(actor=hr_admin, action=AuditAction.EXPORT)
    login = hr_admin.employee_number

    type(hr_admin).objects.filter(pk=hr_admin.pk).update(employee_number="99999")

    entry.refresh_from_db()
    assert entry.actor_login == login


def test_an_external_expert_is_recorded_by_e_mail(expert):
    entry = audit_record(actor=expert, action=AuditAction.EXPORT)

    assert entry.actor_login == expert.email


def test_the_system_is_recorded_without_a_person():
    entry = audit_record(actor=None, action=AuditAction.MEETING_CLOSE)

    assert entry.actor is None
    assert entry.actor_login == ""
    assert entry.ip_address is None


def test_an_unknown_action_is_refused_and_nothing_is_written(hr_admin):
    with pytest.raises(ValueError):
        audit_record(actor=hr_admin, action="make_coffee")

    assert not AuditEntry.objects.exists()


def test_the_service_takes_keyword_arguments_only(hr_admin):
    with pytest.raises(TypeError):
        audit_record(hr_admin, AuditAction.EXPORT)


def test_an_entry_is_rolled_back_with_the_operation_it_records(hr_admin):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=hr_admin, action=AuditAction.EXPORT)
        raise RuntimeError("the operation failed")

    assert not AuditEntry.objects.exists()


# --- append-only ------------------------------------------------------------------------


def test_an_existing_entry_cannot_be_saved_again(hr_admin):
    entry = audit_record(actor=hr_admin, action=AuditAction.EXPORT)
    entry.action = AuditAction.ROLE_CHANGE

    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()

    entry.refresh_from_db()
    assert entry.action == AuditAction.EXPORT


def test_an_entry_cannot_be_deleted(hr_admin):
    entry = audit_record(actor=hr_admin, action=AuditAction.EXPORT)

    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_or_deleted_in_bulk(hr_admin):
    audit_record(actor=hr_admin, action=AuditAction.EXPORT)

    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().update(action=AuditAction.ROLE_CHANGE)
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(action=AuditAction.EXPORT).delete()

    assert AuditEntry.objects.get().action == AuditAction.EXPORT


def test_a_person_with_entries_cannot_be_deleted_away_from_the_log(hr_admin):
    from django.db.models import ProtectedError

    audit_record(actor=hr_admin, action=AuditAction.EXPORT)

    with pytest.raises(ProtectedError):
        hr_admin.delete()


@pytest.mark.postgres
def test_on_postgresql_even_a_raw_sql_update_is_refused(hr_admin):
    entry = audit_record(actor=hr_admin, action=AuditAction.EXPORT)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE accounts_auditentry SET action = %s WHERE id = %s", ["role_change", entry.pk]
        )

    entry.refresh_from_db()
    assert entry.action == AuditAction.EXPORT


@pytest.mark.postgres
def test_on_postgresql_even_a_raw_sql_delete_is_refused(hr_admin):
    entry = audit_record(actor=hr_admin, action=AuditAction.EXPORT)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_auditentry WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- HR reads it in the admin -----------------------------------------------------------

CHANGELIST = "admin:accounts_auditentry_changelist"


@pytest.fixture
def entries(hr_admin, organiser):
    first = audit_record(
        actor=organiser,
        action=AuditAction.MEETING_CLOSE,
        request=a_request("192.0.2.20"),
        detail={"meeting": 1},
    )
    second = audit_record(
        actor=hr_admin, action=AuditAction.ROSTER_IMPORT, request=a_request("192.0.2.30")
    )
    third = audit_record(actor=None, action=AuditAction.EXPORT, detail={"what": "scores"})
    return first, second, third


def test_hr_reads_the_log_in_the_admin(client, hr_admin, entries):
    client.force_login(hr_admin)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(reversed(entries))
    assert "192.0.2.20" in response.content.decode()


def test_the_log_is_listed_in_the_admin_menu_for_hr(client, hr_admin, entries):
    client.force_login(hr_admin)

    response = client.get(reverse("admin:index"))

    assert reverse(CHANGELIST) in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action__exact": AuditAction.MEETING_CLOSE}, [0]),
        ({"actor": "system"}, [2]),
        ({"q": "192.0.2.30"}, [1]),
    ],
)
def test_hr_filters_the_log_by_action_person_and_search(client, hr_admin, entries, query, expected):
    client.force_login(hr_admin)

    response = client.get(reverse(CHANGELIST), query)

    assert [e.pk for e in response.context["cl"].result_list] == [entries[i].pk for i in expected]


def test_hr_filters_the_log_by_the_person_who_acted(client, hr_admin, organiser, entries):
    client.force_login(hr_admin)

    response = client.get(reverse(CHANGELIST), {"actor": str(organiser.pk)})

    assert [e.pk for e in response.context["cl"].result_list] == [entries[0].pk]


def test_hr_filters_the_log_by_date(client, hr_admin, entries):
    from django.utils import timezone

    client.force_login(hr_admin)
    today = timezone.localdate()

    on_the_day = client.get(
        reverse(CHANGELIST),
        {"at__year": today.year, "at__month": today.month, "at__day": today.day},
    )
    the_day_before = client.get(
        reverse(CHANGELIST),
        {"at__year": today.year - 1},
    )

    assert len(on_the_day.context["cl"].result_list) == 3
    assert len(the_day_before.context["cl"].result_list) == 0


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.STAFF, Role.EXECUTIVE])
def test_nobody_but_hr_reads_the_log(client, db, role):
    client.force_login(factories.UserFactory(roles=[Role.STAFF, role]))

    response = client.get(reverse(CHANGELIST))

    assert response.status_code in (302, 403)


def test_hr_cannot_add_an_entry_in_the_admin(client, hr_admin):
    client.force_login(hr_admin)

    response = client.post(reverse("admin:accounts_auditentry_add"), {"action": AuditAction.EXPORT})

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_hr_cannot_change_an_entry_in_the_admin(client, hr_admin, entries):
    client.force_login(hr_admin)
    entry = entries[0]
    url = reverse("admin:accounts_auditentry_change", args=[entry.pk])

    page = client.get(url)
    client.post(url, {"action": AuditAction.EXPORT, "target_repr": "forged"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    entry.refresh_from_db()
    assert entry.action == AuditAction.MEETING_CLOSE


def test_a_superuser_cannot_delete_an_entry_in_the_admin(client, db, entries):
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    entry = entries[0]

    single = client.post(
        reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    bulk = client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    assert single.status_code == 403
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_hr_exports_the_filtered_log_as_csv_and_the_export_is_recorded(client, hr_admin, entries):
    client.force_login(hr_admin)

    response = client.get(
        reverse("admin:accounts_auditentry_export"), {"action__exact": AuditAction.MEETING_CLOSE}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    header, *rows = _csv_rows(response)
    assert header[0] == "日時"
    assert len(rows) == 1
    assert rows[0][3] == "192.0.2.20"
    latest = AuditEntry.objects.first()
    assert latest.action == AuditAction.EXPORT
    assert latest.actor == hr_admin
    assert latest.detail["what"] == "audit_log"


def test_the_csv_export_is_safe_from_formula_injection(client, hr_admin):
    department = factories.DepartmentFactory(name='=HYPERLINK("http://evil.example","x")')
    audit_record(actor=hr_admin, action=AuditAction.EXPORT, target=department)
    client.force_login(hr_admin)

    response = client.get(reverse("admin:accounts_auditentry_export"))

    _header, *rows = _csv_rows(response)
    assert rows[0][7] == '\'=HYPERLINK("http://evil.example","x")'


def test_an_organiser_cannot_export_the_log(client, organiser, entries):
    client.force_login(organiser)

    response = client.get(reverse("admin:accounts_auditentry_export"))

    assert response.status_code == 403


# --- roster imports are recorded --------------------------------------------------------


def test_an_applied_roster_import_is_recorded_with_the_address_and_counts(client, hr_admin):
    factories.DepartmentFactory(code="410")
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_roster_import")
    content = (
        "職員番号,姓,名,セイ,メイ,所属コード,職位,メールアドレス\r\n"
        "40001,真岡,花子,モオカ,ハナコ,410,主事,40001@city.test\r\n"
    ).encode("utf-8-sig")
    upload = io.BytesIO(content)
    upload.name = "roster.csv"

    preview = client.post(url, {"file": upload, "action": "preview"}, REMOTE_ADDR="192.0.2.44")
    assert not AuditEntry.objects.exists()  # a preview changes nothing, records nothing
    client.post(
        url, {"action": "confirm", "token": preview.context["token"]}, REMOTE_ADDR="192.0.2.44"
    )

    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.ROSTER_IMPORT
    assert entry.actor == hr_admin
    assert entry.ip_address == "192.0.2.44"
    assert entry.detail["created"] == 1
    assert entry.detail["full_roster"] is False
