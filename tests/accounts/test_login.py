import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory

PASSWORD = "pass-word-123"


def test_staff_log_in_with_their_employee_number(client, db):
    user = UserFactory(employee_number="20999")

    response = client.post(reverse("account_login"), {"login": "20999", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_log_in_with_their_email_address(client, db):
    user = UserFactory(email="hanako@city.test")

    response = client.post(
        reverse("account_login"), {"login": "Hanako@city.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_is_refused_with_a_japanese_message(client, db):
    UserFactory(employee_number="20998")

    response = client.post(reverse("account_login"), {"login": "20998", "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "正しくありません" in response.content.decode()


def test_there_is_no_sign_up_page(client, db):
    response = client.get("/accounts/signup/")

    assert response.status_code == 404


def test_posting_to_the_sign_up_address_creates_nobody(client, db):
    before = get_user_model().objects.count()

    client.post(
        "/accounts/signup/",
        {
            "email": "x@example.com",
            "employee_number": "1",
            "password1": "a" * 12,
            "password2": "a" * 12,
        },
    )

    assert get_user_model().objects.count() == before


def test_the_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.ORGANISER])
def test_hr_and_organisers_without_mfa_cannot_reach_the_admin_in_production(
    client, db, settings, role
):
    settings.MFA_REQUIRED_ROLES = ["hr_admin", "organiser"]
    client.force_login(UserFactory(roles=[Role.STAFF, role]))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_hr_with_mfa_reaches_the_admin_in_production(client, db, settings):
    settings.MFA_REQUIRED_ROLES = ["hr_admin", "organiser"]
    user = UserFactory(roles=[Role.STAFF, Role.HR_ADMIN])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 200


def test_in_the_demo_mfa_is_not_required(client, db, settings):
    settings.MFA_REQUIRED_ROLES = []
    client.force_login(UserFactory(roles=[Role.STAFF, Role.HR_ADMIN]))

    assert client.get("/admin/").status_code == 200


def test_plain_staff_cannot_reach_the_admin(client, staff):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "login" in response.url


def test_repeated_failed_logins_for_one_account_are_rate_limited(client, db, settings):
    from django.core.cache import cache

    from moka_dx.settings import base

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    UserFactory(employee_number="20997")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "20997", "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": "20997", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    cache.clear()
