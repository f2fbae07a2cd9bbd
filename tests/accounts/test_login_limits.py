"""Finding 10: logins fit a city network (decision 0010).

Behind the city's HTTPS proxy every client used to share one address, so ten failed
logins for made-up names locked everybody out; five wrong passwords for a named account
locked that account, correct password included. Now:

- the client address comes from the proxy's header (trusted proxy count);
- failures are counted per (account, address): a stranger elsewhere cannot use up the
  holder's budget;
- a slower per-account budget stops a distributed attack, but never the holder at an
  address they have logged in from before;
- a per-address budget slows one terminal spraying many names.

Every test logs in through the real login form with the production rate limits."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from moka_dx.settings import base
from tests import factories

PASSWORD = "pass-word-123"
TOO_MANY = "ログイン失敗が連続しています"


@pytest.fixture(autouse=True)
def production_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    settings.LOGIN_USUAL_ADDRESS_DAYS = base.LOGIN_USUAL_ADDRESS_DAYS
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def holder(db):
    return factories.UserFactory(employee_number="20500", email="holder@city.test")


def attempt(client, login, password, address, **extra):
    client.cookies.clear()
    response = client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )
    logged_in = "_auth_user_id" in client.session
    if logged_in:
        client.logout()
    return response, logged_in


def fail(client, login, address, times):
    for _ in range(times):
        response, logged_in = attempt(client, login, "wrong-password", address)
        assert not logged_in


# --- per (account, address) -------------------------------------------------------------


def test_four_wrong_passwords_from_one_address_still_let_the_right_one_in(client, holder):
    fail(client, "20500", "198.51.100.1", 4)

    _response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.1")

    assert logged_in


def test_five_wrong_passwords_from_one_address_stop_that_address_for_that_account(client, holder):
    fail(client, "20500", "198.51.100.1", 5)

    response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.1")

    assert not logged_in
    assert TOO_MANY in response.content.decode()


def test_a_stranger_cannot_lock_the_holder_out_from_another_address(client, holder):
    fail(client, "20500", "198.51.100.66", 5)  # the attacker

    _response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.1")  # the holder

    assert logged_in


def test_the_e_mail_and_the_employee_number_share_one_budget(client, holder):
    fail(client, "20500", "198.51.100.66", 3)
    fail(client, "HOLDER@city.test", "198.51.100.66", 2)

    response, logged_in = attempt(client, "holder@city.test", PASSWORD, "198.51.100.66")

    assert not logged_in
    assert TOO_MANY in response.content.decode()


# --- per account, across addresses -----------------------------------------------------

ACCOUNT_BUDGET = 30  # login_failed_account: 30 an hour


def spread_failures(client, login, count):
    """`count` failures from addresses 203.0.113.x, four each (under the per-address
    budget, so only the per-account budget can stop them)."""
    for n in range(count):
        attempt(client, login, "wrong-password", f"203.0.113.{n // 4 + 1}")


def test_a_distributed_attack_under_the_account_budget_leaves_a_new_address_working(client, holder):
    spread_failures(client, "20500", ACCOUNT_BUDGET - 1)

    _response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.200")

    assert logged_in


def test_a_distributed_attack_over_the_account_budget_stops_new_addresses(client, holder):
    spread_failures(client, "20500", ACCOUNT_BUDGET)

    response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.200")

    assert not logged_in
    assert TOO_MANY in response.content.decode()


def test_the_holder_at_their_usual_address_still_logs_in_during_a_distributed_attack(
    client, holder
):
    _response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.1")
    assert logged_in  # yesterday, from their desk
    spread_failures(client, "20500", ACCOUNT_BUDGET + 10)

    _response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.1")

    assert logged_in


def test_the_usual_address_still_needs_the_right_password(client, holder):
    attempt(client, "20500", PASSWORD, "198.51.100.1")
    spread_failures(client, "20500", ACCOUNT_BUDGET + 10)

    _response, logged_in = attempt(client, "20500", "wrong-password", "198.51.100.1")

    assert not logged_in


def test_the_usual_address_is_forgotten_when_the_setting_is_zero(client, holder, settings):
    settings.LOGIN_USUAL_ADDRESS_DAYS = 0
    attempt(client, "20500", PASSWORD, "198.51.100.1")
    spread_failures(client, "20500", ACCOUNT_BUDGET)

    _response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.1")

    assert not logged_in


# --- per address, across accounts -------------------------------------------------------


def test_one_terminal_spraying_made_up_names_is_slowed_down(client, holder):
    for n in range(20):
        attempt(client, f"nobody{n}", "x", "198.51.100.99")

    response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.99")

    assert not logged_in
    assert TOO_MANY in response.content.decode()


def test_nineteen_made_up_names_from_one_terminal_do_not_stop_it(client, holder):
    for n in range(19):
        attempt(client, f"nobody{n}", "x", "198.51.100.99")

    _response, logged_in = attempt(client, "20500", PASSWORD, "198.51.100.99")

    assert logged_in


# --- behind the city's proxy ------------------------------------------------------------

PROXY = "10.0.0.1"


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_the_others(client, holder, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(25):
        attempt(client, f"nobody{n}", "x", PROXY, HTTP_X_FORWARDED_FOR="172.16.5.5")

    _response, logged_in = attempt(
        client, "20500", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR="172.16.9.9"
    )

    assert logged_in


def test_without_the_proxy_setting_everybody_behind_the_proxy_shares_one_budget(
    client, holder, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(25):
        attempt(client, f"nobody{n}", "x", PROXY, HTTP_X_FORWARDED_FOR="172.16.5.5")

    _response, logged_in = attempt(
        client, "20500", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR="172.16.9.9"
    )

    assert not logged_in


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, holder, settings):
    """The client may prepend any address; the proxy appends the real one, and with one
    trusted proxy only the last entry counts."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        attempt(
            client,
            "20500",
            "wrong-password",
            PROXY,
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 172.16.5.5",
        )

    response, logged_in = attempt(
        client, "20500", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 172.16.5.5"
    )

    assert not logged_in
    assert TOO_MANY in response.content.decode()


def test_the_audit_log_records_the_client_behind_the_proxy(settings, hr_admin):
    from django.test import RequestFactory

    from accounts.audit import client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 172.16.5.5"
    )

    assert client_ip(request) == "172.16.5.5"
