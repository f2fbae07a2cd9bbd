"""Finding 5 of issue #9: only a superuser creates a superuser, sets スタッフ権限 or gives
the HR admin or organiser role; HR keeps editing people and departments."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry, User
from accounts.roles import Role
from tests import factories
from tests.admin_forms import admin_form_data


def _change(client, user, **changes):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = admin_form_data(client, url)
    data.update(changes)
    return client.post(url, data)


@pytest.fixture
def hr(client, hr_admin):
    client.force_login(hr_admin)
    return client


def test_hr_cannot_make_itself_superuser_or_staff(hr, hr_admin):
    _change(hr, hr_admin, is_superuser="on", is_staff="on")

    hr_admin.refresh_from_db()
    assert not hr_admin.is_superuser
    assert not hr_admin.is_staff


def test_hr_cannot_make_anyone_superuser_or_staff(hr, staff):
    _change(hr, staff, is_superuser="on", is_staff="on")

    staff.refresh_from_db()
    assert not staff.is_superuser
    assert not staff.is_staff


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.ORGANISER])
def test_hr_cannot_give_an_admin_role(hr, staff, role):
    groups = [str(g.pk) for g in staff.groups.all()] + [str(Group.objects.get(name=role).pk)]

    response = _change(hr, staff, groups=groups)

    assert "スーパーユーザーのみが行えます" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.ROLE_CHANGE).exists()
    assert not User.objects.get(pk=staff.pk).groups.filter(name=role.value).exists()


def test_hr_cannot_take_an_admin_role_away(hr, organiser):
    staff_group = str(Group.objects.get(name=Role.STAFF).pk)

    _change(hr, organiser, groups=[staff_group])

    assert User.objects.get(pk=organiser.pk).groups.filter(name=Role.ORGANISER).exists()


def test_hr_gives_the_executive_role_and_it_is_recorded(hr, hr_admin, staff):
    groups = [str(g.pk) for g in staff.groups.all()]
    groups.append(str(Group.objects.get(name=Role.EXECUTIVE).pk))

    response = _change(hr, staff, groups=groups)

    assert response.status_code == 302
    assert User.objects.get(pk=staff.pk).groups.filter(name=Role.EXECUTIVE).exists()
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert (entry.actor, entry.target_id) == (hr_admin, str(staff.pk))
    assert entry.detail == {"added": [Role.EXECUTIVE.value], "removed": []}


def test_hr_still_edits_a_persons_department_and_grade(hr, staff):
    department = factories.DepartmentFactory()

    # A department change is a transfer: it carries its 異動日 (issue #14).
    today = timezone.localdate().isoformat()
    response = _change(hr, staff, department=str(department.pk), grade="3", transfer_on=today)

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.department == department


def test_a_superuser_gives_the_hr_role_and_staff_status(client, staff):
    root = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    groups = [str(g.pk) for g in staff.groups.all()]
    groups.append(str(Group.objects.get(name=Role.HR_ADMIN).pk))

    response = _change(client, staff, groups=groups, is_staff="on")

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.is_staff
    assert staff.groups.filter(name=Role.HR_ADMIN).exists()


def test_hr_cannot_revert_a_person_to_an_earlier_superuser_state(hr, staff):
    staff.is_superuser = True
    staff.save()
    staff.is_superuser = False
    staff.save()
    earlier = staff.history.filter(is_superuser=True).get()

    response = hr.post(
        reverse("admin:accounts_user_simple_history", args=[staff.pk, earlier.history_id]),
        admin_form_data(hr, reverse("admin:accounts_user_change", args=[staff.pk])),
    )

    assert response.status_code == 403
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_hr_cannot_edit_a_superusers_account(hr):
    root = factories.UserFactory(is_superuser=True, is_staff=True)

    response = hr.post(
        reverse("admin:accounts_user_change", args=[root.pk]), {"email": "hr@example.jp"}
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.email != "hr@example.jp"
