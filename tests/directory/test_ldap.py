"""Sign-in against a real OpenLDAP server (Debian's slapd, started per test)."""

from django.urls import reverse

from accounts.models import Grade, User
from accounts.roles import Role
from tests import factories

from .conftest import configure_ldap, ldap_env
from .ldap_server import ORGANISER_GROUP

PERSON_FIELDS = [
    f.attname for f in User._meta.concrete_fields if f.attname not in {"last_login"}
]


def sign_in(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def signed_in_user(client):
    response = client.get(reverse("home"))
    return response.wsgi_request.user if response.status_code == 200 else None


def snapshot():
    """Everything a refused sign-in must leave as it was (a sign-in's last_login aside)."""
    return (
        list(User.objects.order_by("pk").values(*PERSON_FIELDS)),
        list(User.history.order_by("pk").values_list("pk", flat=True)),
        list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
    )


def test_staff_sign_in_with_their_employee_number_and_directory_password(client, directory, roster):
    response = sign_in(client, "70001", "pass-70001")

    assert response.status_code == 302
    assert signed_in_user(client) == roster["70001"]


def test_the_directory_updates_the_grade_by_the_roster_rules(client, directory, roster):
    sign_in(client, "70001", "pass-70001")

    person = User.objects.get(employee_number="70001")
    assert person.grade == Grade.SHUNIN  # the directory's title 主任
    assert person.department.code == "D-SOMU"
    assert person.history.filter(grade=Grade.SHUNIN).exists()


def test_signing_in_twice_writes_nothing_the_second_time(client, directory, roster):
    sign_in(client, "70001", "pass-70001")
    client.logout()
    before = snapshot()

    sign_in(client, "70001", "pass-70001")

    assert snapshot()[0] == before[0]
    assert snapshot()[2] == before[2]


def test_a_directory_group_gives_its_mapped_role(client, directory, roster):
    sign_in(client, "70002", "pass-70002")

    assert roster["70002"].has_role(Role.ORGANISER)


def test_a_mapped_role_follows_the_directory_when_the_group_drops_the_person(
    client, directory, roster
):
    sign_in(client, "70002", "pass-70002")
    client.logout()
    directory.modify(
        f"dn: {ORGANISER_GROUP}\nchangetype: modify\n"
        "replace: member\nmember: cn=dx-portal,ou=services,dc=city,dc=moka,dc=example\n"
    )

    sign_in(client, "70002", "pass-70002")

    assert not User.objects.get(employee_number="70002").has_role(Role.ORGANISER)


def test_roles_outside_the_mapping_are_left_as_hr_gave_them(client, directory, roster):
    person = roster["70001"]
    person.groups.add(factories.Group.objects.get(name=Role.EXECUTIVE.value))

    sign_in(client, "70001", "pass-70001")

    assert User.objects.get(pk=person.pk).has_role(Role.EXECUTIVE)


def test_a_wrong_password_is_refused_in_japanese_and_changes_nothing(client, directory, roster):
    before = snapshot()

    response = sign_in(client, "70001", "wrong")

    assert response.status_code == 200
    assert "正しくありません" in response.content.decode()
    assert signed_in_user(client) is None
    assert snapshot() == before


def test_an_account_disabled_in_the_directory_cannot_sign_in(client, directory, roster):
    before = snapshot()

    response = sign_in(client, "70004", "pass-70004")

    assert response.status_code == 200
    assert signed_in_user(client) is None
    assert snapshot() == before


def test_someone_in_the_directory_but_not_in_the_roster_is_not_created(client, directory, roster):
    before = snapshot()

    response = sign_in(client, "70003", "pass-70003")

    assert response.status_code == 200
    assert not User.objects.filter(employee_number="70003").exists()
    assert snapshot() == before


def test_the_city_can_allow_first_sign_in_to_create_the_person(
    client, directory, departments, settings
):
    settings.DIRECTORY_CREATE_USERS = True

    sign_in(client, "70003", "pass-70003")

    person = User.objects.get(employee_number="70003")
    assert (person.last_name, person.first_name_kana, person.department.code) == (
        "佐野", "ヒカル", "D-JINJI"
    )
    assert person.has_role(Role.STAFF) and person.has_role(Role.HR_ADMIN)
    assert not person.has_usable_password()


def test_someone_the_roster_deactivated_cannot_sign_in_with_a_directory_password(
    client, directory, roster
):
    User.objects.filter(employee_number="70001").update(is_active=False)

    sign_in(client, "70001", "pass-70001")

    assert signed_in_user(client) is None


def test_staff_cannot_use_a_portal_password_when_local_login_is_listed(
    client, directory, roster, settings
):
    settings.LOCAL_LOGIN = "listed"

    response = sign_in(client, "70001", "pass-word-123")

    assert signed_in_user(client) is None
    assert "庁内アカウントでログインしてください" in response.content.decode()


def test_a_listed_break_glass_account_signs_in_with_its_portal_password(
    client, directory, departments, settings
):
    settings.LOCAL_LOGIN = "listed"
    keeper = factories.UserFactory(employee_number="99999", local_login_allowed=True)

    sign_in(client, "99999", "pass-word-123")

    assert signed_in_user(client) == keeper


def test_an_external_expert_listed_by_hr_signs_in_with_e_mail(client, directory, settings):
    settings.LOCAL_LOGIN = "listed"
    expert = factories.ExpertFactory(local_login_allowed=True)

    sign_in(client, expert.email, "pass-word-123")

    assert signed_in_user(client) == expert


def test_break_glass_still_works_when_the_directory_is_down(client, directory, settings):
    settings.LOCAL_LOGIN = "listed"
    keeper = factories.UserFactory(employee_number="99998", local_login_allowed=True)
    directory.stop()

    sign_in(client, "99998", "pass-word-123")

    assert signed_in_user(client) == keeper


def test_the_login_page_words_the_password_form_for_the_directory(client, directory):
    response = client.get(reverse("account_login"))

    assert "庁内のパスワード" in response.content.decode()


def test_directory_settings_refuse_a_role_they_cannot_map(slapd, settings):
    import pytest

    from accounts.directory.config import ConfigError

    with pytest.raises(ConfigError):
        configure_ldap(settings, ldap_env(slapd, LDAP_ROLE_GROUPS="superuser=cn=x"))


def test_the_directory_itself_refuses_a_locked_account_that_the_filter_lets_through(
    client, slapd, roster, settings
):
    configure_ldap(settings, ldap_env(slapd, LDAP_USER_FILTER="(objectClass=inetOrgPerson)"))

    sign_in(client, "70004", "pass-70004")

    assert signed_in_user(client) is None


def test_a_role_the_directory_gives_is_recorded_in_the_audit_log(client, directory, roster):
    from accounts.models import AuditAction, AuditEntry

    sign_in(client, "70002", "pass-70002")

    entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert entry.detail == {"source": "directory", "added": ["organiser"], "removed": []}


def test_a_sign_in_that_changes_nothing_leaves_no_roster_entry_in_the_audit_log(
    client, directory, roster
):
    from accounts.models import AuditAction, AuditEntry

    sign_in(client, "70001", "pass-70001")  # 主事 → 主任: one roster change
    client.logout()
    sign_in(client, "70001", "pass-70001")

    assert AuditEntry.objects.filter(action=AuditAction.ROSTER_IMPORT).count() == 1


def test_a_directory_organiser_reaches_the_organiser_pages_and_staff_do_not(
    client, directory, roster
):
    from django.test import Client

    sign_in(client, "70002", "pass-70002")  # in the DX推進担当 group
    staff = Client()
    sign_in(staff, "70001", "pass-70001")

    assert client.get(reverse("projects:organiser_project_list")).status_code == 200
    assert staff.get(reverse("projects:organiser_project_list")).status_code in (403, 404)


def test_a_directory_organiser_must_set_up_totp_in_production(client, directory, roster, settings):
    settings.MFA_REQUIRED_ROLES = ["hr_admin", "organiser"]

    sign_in(client, "70002", "pass-70002")

    response = client.get(reverse("projects:organiser_project_list"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_hr_lists_a_break_glass_account_in_the_user_admin(client, db):
    hr = factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN], is_staff=True)
    keeper = factories.UserFactory(employee_number="99997")
    client.force_login(hr)

    page = client.get(reverse("admin:accounts_user_change", args=[keeper.pk]))

    assert 'name="local_login_allowed"' in page.content.decode()
