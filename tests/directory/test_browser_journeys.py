"""Signing in with the city's identity provider in a real browser (Debian's Chromium):
the portal's button, the provider's own login and consent pages, the redirect back, the
session — against a real OpenID Connect provider and a real SAML identity provider, each
in its own process. Screenshots: artifacts/screenshots/sso-*.png."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.directory.conftest import configure_oidc, configure_saml
from tests.directory.test_oidc import idp_person
from tests.directory.test_saml import saml_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local_url(live_server) -> str:
    """The live server by address: python3-saml refuses single-label hosts (localhost)."""
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, journey: str, step: str):
        page.screenshot(path=str(SCREENSHOTS / f"{journey}-{step}.png"), full_page=True)

    return _shoot


@pytest.fixture
def page_at(browser, browser_context_args, live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    contexts = []

    def _page():
        context = browser.new_context(**{**browser_context_args, "base_url": local_url(live_server)})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()


def test_an_organiser_signs_in_through_the_city_openid_provider(
    page_at, live_server, oidc_idp, settings, shoot
):
    configure_oidc(settings, oidc_idp)
    person = factories.UserFactory(employee_number="20001", last_name="石崎", first_name="努")
    oidc_idp.configure(
        people={"20001": idp_person("20001", roles=["DX推進担当"], amr=["pwd", "mfa"])},
        redirect_uris=[f"{local_url(live_server)}/accounts/oidc/city/login/callback/"],
    )
    page = page_at()

    page.goto("/accounts/login/")
    shoot(page, "sso-oidc", "1-login")
    page.get_by_role("button", name="真岡市庁内アカウントでログイン").click()
    page.locator("#idp-username").fill("20001")
    page.locator("#idp-password").fill("idp-20001")
    page.locator("#idp-submit").click()
    shoot(page, "sso-oidc", "2-consent")
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("石崎 努 さん、ようこそ"))
    shoot(page, "sso-oidc", "3-home")
    person.refresh_from_db()
    assert person.has_role(Role.ORGANISER)
    page.goto("/organiser/projects/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/accounts/" not in page.url


def test_staff_sign_in_through_the_city_saml_provider(
    page_at, live_server, saml_idp_server, settings, client, shoot
):
    configure_saml(settings, saml_idp_server)
    factories.UserFactory(employee_number="20002", last_name="井上", first_name="美咲")
    page = page_at()
    metadata = page.request.get("/accounts/saml/city/metadata/").text()
    saml_idp_server.configure(people={"20002": saml_person("20002")}, sp_metadata=metadata)

    page.goto("/accounts/login/")
    page.get_by_role("button", name="真岡市庁内アカウントでログイン").click()
    page.locator("#idp-username").fill("20002")
    page.locator("#idp-password").fill("idp-20002")
    shoot(page, "sso-saml", "1-idp-login")
    page.locator("#idp-submit").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("井上 美咲 さん、ようこそ"))
    shoot(page, "sso-saml", "2-home")


def test_a_wrong_password_at_the_saml_provider_leaves_the_person_signed_out(
    page_at, live_server, saml_idp_server, settings
):
    configure_saml(settings, saml_idp_server)
    factories.UserFactory(employee_number="20002")
    page = page_at()
    metadata = page.request.get("/accounts/saml/city/metadata/").text()
    saml_idp_server.configure(people={"20002": saml_person("20002")}, sp_metadata=metadata)

    page.goto("/accounts/login/")
    page.get_by_role("button", name="真岡市庁内アカウントでログイン").click()
    page.locator("#idp-username").fill("20002")
    page.locator("#idp-password").fill("wrong")
    page.locator("#idp-submit").click()

    expect(page.locator("#idp-error")).to_be_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url
