"""Issue #14, the HR side of careers: transfers (人事異動) as dated periods, name changes
with the 旧姓 rule, and the anonymisation of leavers after the retention period."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import CareerChangeRefused
from accounts.models import AuditAction, AuditEntry, DepartmentAssignment, NameChange, User
from accounts.selectors import department_at, departments_on, work_name_on
from accounts.services import RosterRow, roster_import
from accounts.services.careers import (
    leavers_anonymise,
    leavers_to_anonymise,
    name_change_record,
    transfer,
)
from tests import factories
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

D = datetime.date
APRIL = D(2025, 4, 1)


@pytest.fixture
def person():
    return factories.UserFactory(department=factories.DepartmentFactory(code="220", name="税務課"))


@pytest.fixture
def digital():
    return factories.DepartmentFactory(code="120", name="デジタル戦略課")


def _rename(user, **overrides):
    values = {
        "changed_on": D(2025, 6, 1),
        "uses_maiden_name_at_work": False,
        "last_name": "小林",
        "first_name": user.first_name,
        "last_name_kana": "コバヤシ",
        "first_name_kana": user.first_name_kana,
    }
    return name_change_record(user=user, **(values | overrides))


# --- transfers ---------------------------------------------------------------------------


def test_a_transfer_changes_the_department_today(person, digital):
    transfer(user=person, department=digital, on=APRIL)

    assert User.objects.get(pk=person.pk).department == digital


def test_the_department_before_the_transfer_day_is_the_old_one(person, digital):
    old = person.department
    transfer(user=person, department=digital, on=APRIL)

    assert department_at(person, D(2025, 3, 31)) == old


def test_the_department_on_the_transfer_day_is_the_new_one(person, digital):
    transfer(user=person, department=digital, on=APRIL)

    assert department_at(person, APRIL) == digital


def test_someone_never_transferred_was_always_in_their_current_department(person):
    assert department_at(person, D(2001, 1, 1)) == person.department


def test_a_second_transfer_closes_the_first_period_the_day_before(person, digital):
    transfer(user=person, department=digital, on=APRIL)
    third = factories.DepartmentFactory()

    transfer(user=person, department=third, on=D(2025, 10, 1))

    periods = list(DepartmentAssignment.objects.filter(user=person))
    assert [(p.starts_on, p.ends_on) for p in periods] == [
        (None, D(2025, 3, 31)),
        (APRIL, D(2025, 9, 30)),
        (D(2025, 10, 1), None),
    ]


def test_a_transfer_on_or_before_the_current_periods_start_is_refused(person, digital):
    transfer(user=person, department=digital, on=APRIL)

    with pytest.raises(CareerChangeRefused, match="より後の日付"):
        transfer(user=person, department=factories.DepartmentFactory(), on=APRIL)
    assert DepartmentAssignment.objects.filter(user=person).count() == 2


def test_a_transfer_the_day_after_the_current_periods_start_is_accepted(person, digital):
    transfer(user=person, department=digital, on=APRIL)

    transfer(user=person, department=factories.DepartmentFactory(), on=D(2025, 4, 2))

    assert DepartmentAssignment.objects.filter(user=person).count() == 3


def test_a_transfer_dated_tomorrow_is_refused(person, digital):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(CareerChangeRefused, match="未来の日付"):
        transfer(user=person, department=digital, on=tomorrow)
    assert not DepartmentAssignment.objects.exists()


def test_a_transfer_dated_today_is_accepted(person, digital):
    transfer(user=person, department=digital, on=timezone.localdate())

    assert department_at(person, timezone.localdate()) == digital


def test_a_transfer_to_the_same_department_is_refused(person):
    with pytest.raises(CareerChangeRefused, match="既にその所属"):
        transfer(user=person, department=person.department, on=APRIL)


def test_a_transfer_is_in_the_audit_log(person, digital, hr_admin):
    transfer(user=person, department=digital, on=APRIL, by=hr_admin)

    entry = AuditEntry.objects.get(action=AuditAction.TRANSFER)
    assert (entry.actor, entry.detail["to"], entry.detail["on"]) == (hr_admin, "120", "2025-04-01")


def test_departments_on_answers_many_people_in_two_queries(
    person, digital, django_assert_num_queries
):
    transfer(user=person, department=digital, on=APRIL)
    other = factories.UserFactory()

    with django_assert_num_queries(2):
        found = departments_on([(person.pk, D(2025, 3, 31)), (person.pk, APRIL), (other.pk, APRIL)])

    assert found == {
        (person.pk, D(2025, 3, 31)): User.objects.get(pk=person.pk)
        .department_assignments.first()
        .department_id,
        (person.pk, APRIL): digital.pk,
        (other.pk, APRIL): other.department_id,
    }


def test_the_roster_moves_people_on_its_effective_date(person, digital):
    row = RosterRow(
        line=2,
        values={
            "employee_number": person.employee_number,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "last_name_kana": person.last_name_kana,
            "first_name_kana": person.first_name_kana,
            "department": "120",
            "grade": "1",
            "email": person.email,
        },
    )
    old = person.department

    result = roster_import(rows=[row], full_roster=False, dry_run=False, effective_on=APRIL)

    assert result.applied
    assert (department_at(person, D(2025, 3, 31)), department_at(person, APRIL)) == (old, digital)


def test_the_roster_refuses_a_move_dated_before_the_current_period(person, digital):
    transfer(user=person, department=digital, on=APRIL)
    row = RosterRow(
        line=2,
        values={
            "employee_number": person.employee_number,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "last_name_kana": person.last_name_kana,
            "first_name_kana": person.first_name_kana,
            "department": "220",
            "grade": "1",
            "email": person.email,
        },
    )

    result = roster_import(rows=[row], full_roster=False, dry_run=False, effective_on=D(2025, 3, 1))

    assert not result.applied and "より後の日付" in result.errors[0].messages[0]
    assert User.objects.get(pk=person.pk).department == digital


def test_a_full_roster_gives_the_missing_their_last_day(person, hr_admin):
    result = roster_import(
        rows=[], full_roster=True, dry_run=False, by=hr_admin, effective_on=APRIL
    )

    assert result.applied
    left = User.objects.get(pk=person.pk)
    assert (left.is_active, left.left_on) == (False, D(2025, 3, 31))


def test_hr_transfers_through_the_admin_with_a_date(client, hr_admin, person, digital):
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = admin_form_data(client, url) | {
        "department": str(digital.pk),
        "transfer_on": "2025-04-01",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert department_at(person, APRIL) == digital
    assert AuditEntry.objects.filter(action=AuditAction.TRANSFER).count() == 1


def test_the_admin_refuses_a_department_change_without_a_date(client, hr_admin, person, digital):
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = admin_form_data(client, url) | {"department": str(digital.pk), "transfer_on": ""}

    response = client.post(url, data)

    assert "異動日を入力してください" in response.content.decode()
    assert User.objects.get(pk=person.pk).department != digital


def test_deactivating_in_the_admin_records_the_day_the_person_left(client, hr_admin, person):
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = admin_form_data(client, url)
    data.pop("is_active", None)

    client.post(url, data)

    assert User.objects.get(pk=person.pk).left_on == timezone.localdate()


# --- name changes ------------------------------------------------------------------------


def test_a_name_change_without_maiden_name_use_renames_the_person(person):
    _rename(person)

    assert User.objects.get(pk=person.pk).full_name == f"小林 {person.first_name}"


def test_a_name_change_with_maiden_name_use_keeps_the_name_at_work(person):
    before = person.full_name

    change = _rename(person, uses_maiden_name_at_work=True)

    assert User.objects.get(pk=person.pk).full_name == before
    assert (change.new_last_name, change.work_name) == ("小林", before)


def test_reading_order_follows_the_new_reading(person):
    other = factories.UserFactory(last_name="川口", last_name_kana="カワグチ", first_name_kana="ア")
    _rename(person)  # モオカ → コバヤシ: after カワグチ

    ordered = list(User.objects.filter(pk__in=[person.pk, other.pk]))

    assert ordered == [other, User.objects.get(pk=person.pk)]
    _rename(
        User.objects.get(pk=person.pk),
        changed_on=D(2025, 7, 1),
        last_name="安藤",
        last_name_kana="アンドウ",
    )
    assert list(User.objects.filter(pk__in=[person.pk, other.pk]))[0].pk == person.pk


def test_hiragana_readings_are_stored_in_katakana(person):
    _rename(person, last_name_kana="こばやし")

    assert User.objects.get(pk=person.pk).last_name_kana == "コバヤシ"


def test_a_latin_reading_is_refused_and_nothing_changes(person):
    with pytest.raises(CareerChangeRefused, match="カタカナ"):
        _rename(person, last_name_kana="Kobayashi")
    assert not NameChange.objects.exists()


def test_an_empty_new_surname_is_refused(person):
    with pytest.raises(CareerChangeRefused):
        _rename(person, last_name=" ")


def test_a_name_change_dated_before_the_last_one_is_refused(person):
    _rename(person)

    with pytest.raises(CareerChangeRefused, match="以降の日付"):
        _rename(User.objects.get(pk=person.pk), changed_on=D(2025, 5, 31), last_name="安藤")


def test_the_name_at_work_on_a_day_before_the_change_is_the_old_one(person):
    before = person.full_name
    _rename(person)
    person.refresh_from_db()

    assert (work_name_on(person, D(2025, 5, 31)), work_name_on(person, D(2025, 6, 1))) == (
        before,
        person.full_name,
    )


def test_a_name_change_is_in_the_audit_log(person, hr_admin):
    _rename(person, by=hr_admin)

    assert AuditEntry.objects.filter(action=AuditAction.NAME_CHANGE, actor=hr_admin).exists()


def test_hr_records_a_name_change_on_its_admin_page(client, hr_admin, person):
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_name_change", args=[person.pk])

    response = client.post(
        url,
        {
            "last_name": "小林",
            "first_name": person.first_name,
            "last_name_kana": "コバヤシ",
            "first_name_kana": person.first_name_kana,
            "changed_on": "2025-06-01",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).last_name == "小林"


def test_the_name_change_page_shows_a_refusal_and_changes_nothing(client, hr_admin, person):
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_name_change", args=[person.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        url,
        {
            "last_name": "小林",
            "first_name": "花子",
            "last_name_kana": "コバヤシ",
            "first_name_kana": "ハナコ",
            "changed_on": tomorrow.isoformat(),
        },
    )

    assert "未来の日付" in response.content.decode()
    assert not NameChange.objects.exists()


def test_names_are_not_edited_directly_on_the_persons_admin_page(client, hr_admin, person):
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = admin_form_data(client, url) | {"last_name": "小林"}

    client.post(url, data)

    assert User.objects.get(pk=person.pk).last_name == person.last_name


# --- leavers -----------------------------------------------------------------------------


@pytest.fixture
def leaver(settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    user = factories.UserFactory(is_active=False, left_on=D(2020, 3, 31))
    _rename(user, changed_on=D(2019, 6, 1))
    return User.objects.get(pk=user.pk)


def test_a_leaver_past_the_retention_period_is_a_candidate(leaver):
    assert list(leavers_to_anonymise(today=D(2025, 3, 31))) == [leaver]


def test_a_leaver_one_day_inside_the_retention_period_is_not(leaver):
    assert list(leavers_to_anonymise(today=D(2025, 3, 30))) == []


def test_someone_still_active_is_never_a_candidate(leaver):
    User.objects.filter(pk=leaver.pk).update(is_active=True)

    assert list(leavers_to_anonymise(today=D(2030, 1, 1))) == []


def test_the_preview_changes_nothing(leaver):
    result = leavers_anonymise(dry_run=True, today=D(2025, 4, 1))

    assert result.people == [leaver] and not result.applied
    assert User.objects.get(pk=leaver.pk).email == leaver.email


def test_anonymising_blanks_the_email_and_reading(leaver):
    leavers_anonymise(dry_run=False, today=D(2025, 4, 1))

    user = User.objects.get(pk=leaver.pk)
    assert (user.email, user.last_name_kana, user.first_name_kana) == ("", "", "")
    assert user.anonymised_at is not None and not user.has_usable_password()


def test_anonymising_someone_without_a_certification_replaces_the_name(leaver):
    leavers_anonymise(dry_run=False, today=D(2025, 4, 1))

    assert User.objects.get(pk=leaver.pk).last_name == "匿名化済み"


def test_anonymising_a_certificate_holder_keeps_the_name(leaver):
    factories.CertificationFactory(user=leaver)

    leavers_anonymise(dry_run=False, today=D(2025, 4, 1))

    assert User.objects.get(pk=leaver.pk).full_name == leaver.full_name


def test_anonymising_blanks_the_history_rows_too(leaver):
    email = leaver.email

    leavers_anonymise(dry_run=False, today=D(2025, 4, 1))

    history = User.history.filter(id=leaver.pk)
    assert history.exists()
    assert not history.filter(email=email).exists()
    assert not history.exclude(last_name_kana="").exists()
    assert not NameChange.history.filter(user_id=leaver.pk).exclude(old_last_name="").exists()


def test_anonymising_keeps_the_audit_trail(leaver, hr_admin):
    transfer_entries = AuditEntry.objects.count()

    leavers_anonymise(dry_run=False, by=hr_admin, today=D(2025, 4, 1))

    entry = AuditEntry.objects.get(action=AuditAction.ANONYMISE)
    assert entry.detail["employee_number"] == leaver.employee_number
    assert AuditEntry.objects.count() == transfer_entries + 1


def test_anonymising_twice_does_nothing_the_second_time(leaver):
    leavers_anonymise(dry_run=False, today=D(2025, 4, 1))

    assert leavers_anonymise(dry_run=False, today=D(2025, 4, 1)).people == []


def test_the_command_previews_without_apply(leaver):
    out = io.StringIO()

    call_command("anonymise_leavers", "--dry-run", stdout=out)

    assert leaver.employee_number in out.getvalue() and "--apply" in out.getvalue()
    assert User.objects.get(pk=leaver.pk).anonymised_at is None


def test_the_command_anonymises_with_apply(leaver, hr_admin):
    call_command(
        "anonymise_leavers", "--apply", "--by", hr_admin.employee_number, stdout=io.StringIO()
    )

    assert User.objects.get(pk=leaver.pk).anonymised_at is not None


def test_an_external_expert_without_an_employee_number_gets_a_placeholder_address(settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    expert = factories.ExpertFactory(is_active=False, left_on=D(2020, 3, 31))

    leavers_anonymise(dry_run=False, today=D(2025, 4, 1))

    assert User.objects.get(pk=expert.pk).email == f"anonymised-{expert.pk}@anonymised.invalid"


def test_a_name_the_roster_changes_is_a_dated_name_change(person):
    before = person.full_name
    row = RosterRow(
        line=2,
        values={
            "employee_number": person.employee_number,
            "last_name": "小林",
            "first_name": person.first_name,
            "last_name_kana": "コバヤシ",
            "first_name_kana": person.first_name_kana,
            "department": "220",
            "grade": "1",
            "email": person.email,
        },
    )

    roster_import(rows=[row], full_roster=False, dry_run=False, effective_on=APRIL)

    change = NameChange.objects.get(user=person)
    assert (change.changed_on, change.old_name, change.new_name) == (
        APRIL,
        before,
        f"小林 {person.first_name}",
    )
