"""Finding 8: in production MFA is required by role on every page, not only /admin/ and
/organiser/. A person of an MFA-required role, and every superuser, who has not set up an
authenticator reaches only the set-up pages, logout and the language switch.

Each test logs in through the real login form (a real session), as in production."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import Role
from tests import factories

PASSWORD = "pass-word-123"
SETUP = "mfa_activate_totp"


@pytest.fixture
def production_mfa(settings):
    settings.MFA_REQUIRED_ROLES = ["hr_admin", "organiser"]
    settings.MFA_REQUIRED_FOR_ADMIN_FLAGS = True


def log_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.employee_number, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session["_auth_user_id"] == str(user.pk)


def _pages():
    team = factories.TeamFactory()
    cert = factories.CertificationFactory()
    return [
        reverse("home"),
        reverse("evaluations:team_results", args=[team.pk]),
        reverse("certification:certificate_pdf", args=[cert.public_id]),
        reverse("certification:my_certification"),
        reverse("projects:project_list"),
        reverse("admin:index"),
        reverse("certification:dashboard"),
    ]


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.ORGANISER])
def test_hr_and_organisers_without_an_authenticator_reach_no_page_but_the_set_up(
    client, db, production_mfa, role
):
    user = factories.UserFactory(roles=[Role.STAFF, role])
    log_in(client, user)

    for url in _pages():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse(SETUP), url


def test_a_superuser_without_a_role_and_without_an_authenticator_is_sent_to_the_set_up(
    client, db, production_mfa
):
    user = factories.UserFactory(roles=[], is_superuser=True, is_staff=True)
    log_in(client, user)

    for url in _pages():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse(SETUP), url


def test_a_user_with_the_staff_flag_only_is_sent_to_the_set_up(client, db, production_mfa):
    user = factories.UserFactory(roles=[Role.STAFF], is_staff=True)
    log_in(client, user)

    response = client.get(reverse("admin:index"))

    assert response.url == reverse(SETUP)


def test_the_set_up_pages_logout_and_the_language_switch_stay_reachable(
    client, db, production_mfa, hr_admin
):
    log_in(client, hr_admin)

    assert client.get(reverse(SETUP)).status_code in (200, 302)
    setup = client.get(reverse(SETUP), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain == [] or all(
        "/accounts/" in url for url, _code in setup.redirect_chain
    )
    assert client.get(reverse("mfa_index")).status_code == 200
    language = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert language.status_code == 302
    assert client.get(reverse("healthz")).status_code == 200
    logout = client.post(reverse("account_logout"))
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session


def test_plain_staff_are_not_asked_for_mfa(client, db, production_mfa, staff):
    log_in(client, staff)

    assert client.get(reverse("home")).status_code == 200


def test_hr_with_an_authenticator_reaches_the_pages(client, db, production_mfa, hr_admin):
    Authenticator.objects.create(user=hr_admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(hr_admin)  # the TOTP login stage itself is allauth's, tested there

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_in_the_demo_nobody_is_asked_for_mfa(client, db, settings, hr_admin):
    settings.MFA_REQUIRED_ROLES = []
    settings.MFA_REQUIRED_FOR_ADMIN_FLAGS = False
    superuser = factories.UserFactory(roles=[], is_superuser=True, is_staff=True)
    log_in(client, superuser)

    assert client.get(reverse("home")).status_code == 200


def test_production_settings_require_mfa_for_hr_organisers_and_admin_flags():
    from tests.accounts.test_settings import PRODUCTION_ENV, run_manage

    code = (
        "from django.conf import settings;"
        "print(sorted(settings.MFA_REQUIRED_ROLES), settings.MFA_REQUIRED_FOR_ADMIN_FLAGS)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['hr_admin', 'organiser'] True"
