import logging

import pytest
from django.urls import reverse


@pytest.fixture
def production_security(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def test_http_is_redirected_to_https_in_production(client, db, production_security):
    response = client.get(reverse("account_login"))

    assert response.status_code == 301
    assert response.url.startswith("https://")


def test_https_responses_carry_the_security_headers(client, db, production_security):
    response = client.get(reverse("account_login"), secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_content_security_policy_allows_only_our_own_origin(client, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in policy  # no CDN or other origin anywhere


def test_pages_load_no_asset_from_another_origin(client, staff):
    client.force_login(staff)
    html = client.get(reverse("home")).content.decode()

    assert "cdn" not in html.lower()
    assert 'src="http' not in html and 'href="http' not in html


def test_the_session_cookie_is_secure_and_http_only_in_production(client, db, production_security):
    from tests.factories import UserFactory

    UserFactory(employee_number="55555")
    response = client.post(
        reverse("account_login"), {"login": "55555", "password": "pass-word-123"}, secure=True
    )

    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]


def test_a_failed_login_logs_neither_the_password_nor_the_login(client, db, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("account_login"), {"login": "77777", "password": "s3cret-pass"})

    assert "s3cret-pass" not in caplog.text
    assert "77777" not in caplog.text
