"""Single sign-on through a real OpenID Connect provider (django-oidc-provider in its own
process): authorisation code with PKCE, consent, the ID token verified against the
provider's published keys, our matching by 職員番号 / e-mail, roles and MFA claims."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests import factories

from .conftest import configure_oidc

LOGIN = "/accounts/oidc/city/login/"
CALLBACK = "http://testserver/accounts/oidc/city/login/callback/"


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value", "")


def form_inputs(html: str) -> dict:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def idp_person(number="20001", *, roles=(), amr=("pwd",), email=None, **claims):
    return {
        "password": f"idp-{number}",
        "claims": {
            "employee_number": number,
            "email": email or f"{number}@city.test",
            "roles": list(roles),
            "amr": list(amr),
            **claims,
        },
    }


@pytest.fixture
def idp(oidc_idp, settings, db):
    configure_oidc(settings, oidc_idp)
    return oidc_idp


def provider_redirect(client) -> str:
    """Press the city's sign-in button; returns the provider's authorisation URL."""
    response = client.post(LOGIN)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def authorise_at_idp(idp, authorize_url, username, password) -> str:
    """What the person does at the identity provider: sign in, consent. Returns the URL
    the provider sends the browser back to (our callback with code and state)."""
    browser = requests.Session()
    page = browser.get(f"{idp.url}/login/", timeout=10)
    login = browser.post(
        f"{idp.url}/login/",
        data={**form_inputs(page.text), "username": username, "password": password,
              "next": authorize_url.removeprefix(idp.url)},
        timeout=10,
    )
    consent = form_inputs(login.text)
    assert "allow" in consent, login.text[:500]
    answer = browser.post(
        f"{idp.issuer}/authorize",
        data={**consent, "allow": "Authorize"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def come_back(client, callback_url):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sso_sign_in(client, idp, username="20001", password=None):
    url = authorise_at_idp(idp, provider_redirect(client), username, password or f"idp-{username}")
    return come_back(client, url)


def current_user(client):
    response = client.get(reverse("home"))
    return response.wsgi_request.user if response.status_code == 200 else None


def snapshot():
    return (
        list(User.objects.order_by("pk").values_list("pk", "is_active", "email")),
        list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
        _social_accounts(),
    )


def _social_accounts():
    from allauth.socialaccount.models import SocialAccount

    return list(SocialAccount.objects.values_list("uid", "user_id"))


def test_staff_sign_in_through_the_city_identity_provider(client, idp):
    person = factories.UserFactory(employee_number="20001")
    idp.configure(people={"20001": idp_person("20001")}, redirect_uris=[CALLBACK])

    response = sso_sign_in(client, idp)

    assert response.status_code == 302
    assert current_user(client) == person


def test_the_person_is_matched_by_employee_number_never_by_display_name(client, idp):
    factories.UserFactory(employee_number="20777", last_name="山田", first_name="花子")
    right = factories.UserFactory(employee_number="20001")
    idp.configure(
        people={"20001": idp_person("20001", name="山田 花子", family_name="山田", given_name="花子")},
        redirect_uris=[CALLBACK],
    )

    sso_sign_in(client, idp)

    assert current_user(client) == right


def test_without_an_employee_number_the_e_mail_claim_matches(client, idp):
    person = factories.UserFactory(employee_number="20001", email="hanako@city.test")
    claims = idp_person("20001", email="HANAKO@city.test")
    del claims["claims"]["employee_number"]
    idp.configure(people={"20001": claims}, redirect_uris=[CALLBACK])

    sso_sign_in(client, idp)

    assert current_user(client) == person


def test_an_unverified_e_mail_claim_never_identifies_anyone(client, idp):
    factories.UserFactory(employee_number="20001", email="hanako@city.test")
    claims = idp_person("20001", email="hanako@city.test", email_verified=False)
    del claims["claims"]["employee_number"]
    idp.configure(people={"20001": claims}, redirect_uris=[CALLBACK])

    response = sso_sign_in(client, idp)

    assert response.status_code == 403
    assert current_user(client) is None


def test_roles_come_from_the_claim_through_the_city_mapping(client, idp):
    person = factories.UserFactory(employee_number="20001")
    idp.configure(people={"20001": idp_person("20001", roles=["DX推進担当"])},
                  redirect_uris=[CALLBACK])

    sso_sign_in(client, idp)

    assert User.objects.get(pk=person.pk).has_role(Role.ORGANISER)


def test_an_unknown_identity_is_refused_in_japanese_and_nothing_is_created(client, idp):
    idp.configure(people={"29999": idp_person("29999")}, redirect_uris=[CALLBACK])
    before = snapshot()

    response = sso_sign_in(client, idp, "29999")

    assert response.status_code == 403
    assert "ポータルに登録されていません" in response.content.decode()
    assert snapshot() == before
    assert current_user(client) is None


def test_a_deactivated_portal_account_is_refused(client, idp):
    factories.UserFactory(employee_number="20001", is_active=False)
    idp.configure(people={"20001": idp_person("20001")}, redirect_uris=[CALLBACK])
    before = snapshot()

    response = sso_sign_in(client, idp)

    assert response.status_code == 403
    assert "無効" in response.content.decode()
    assert snapshot() == before


def test_a_mismatched_state_is_refused(client, idp):
    factories.UserFactory(employee_number="20001")
    idp.configure(people={"20001": idp_person("20001")}, redirect_uris=[CALLBACK])
    url = authorise_at_idp(idp, provider_redirect(client), "20001", "idp-20001")
    before = snapshot()

    response = come_back(client, url.replace("state=", "state=forged"))

    assert "ログインできませんでした" in response.content.decode()
    assert current_user(client) is None
    assert snapshot() == before


def test_a_replayed_callback_is_refused(client, idp):
    factories.UserFactory(employee_number="20001")
    idp.configure(people={"20001": idp_person("20001")}, redirect_uris=[CALLBACK])
    url = authorise_at_idp(idp, provider_redirect(client), "20001", "idp-20001")
    come_back(client, url)
    client.logout()
    before = snapshot()

    response = come_back(client, url)

    assert "ログインできませんでした" in response.content.decode()
    assert current_user(client) is None
    assert snapshot() == before


def test_a_tampered_id_token_is_refused(client, idp):
    factories.UserFactory(employee_number="20001")
    factories.UserFactory(employee_number="20002", roles=[Role.STAFF, Role.HR_ADMIN])
    idp.configure(people={"20001": idp_person("20001")}, redirect_uris=[CALLBACK], tamper="20002")
    before = snapshot()

    response = sso_sign_in(client, idp)

    assert "ログインできませんでした" in response.content.decode()
    assert current_user(client) is None
    assert snapshot() == before


def test_a_wrong_password_at_the_provider_never_reaches_the_portal(client, idp):
    factories.UserFactory(employee_number="20001")
    idp.configure(people={"20001": idp_person("20001")}, redirect_uris=[CALLBACK])
    browser = requests.Session()
    page = browser.get(f"{idp.url}/login/", timeout=10)

    answer = browser.post(
        f"{idp.url}/login/",
        data={**form_inputs(page.text), "username": "20001", "password": "wrong"},
        timeout=10,
    )

    assert "wrong username or password" in answer.text
    assert current_user(client) is None


def test_the_login_page_shows_the_city_button_first_and_the_local_form_under_it(client, idp):
    html = client.get(reverse("account_login")).content.decode()

    assert html.index("真岡市庁内アカウントでログイン") < html.index('name="password"')


def with_totp(user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def test_our_totp_is_still_asked_when_the_provider_does_not_assert_mfa(client, idp):
    with_totp(factories.UserFactory(employee_number="20001"))
    idp.configure(people={"20001": idp_person("20001", amr=["pwd"])}, redirect_uris=[CALLBACK])

    response = sso_sign_in(client, idp)

    assert response["Location"] == reverse("mfa_authenticate")
    assert current_user(client) is None


def test_no_second_totp_when_the_provider_asserts_mfa(client, idp):
    person = with_totp(factories.UserFactory(employee_number="20001"))
    idp.configure(people={"20001": idp_person("20001", amr=["pwd", "mfa"])},
                  redirect_uris=[CALLBACK])

    sso_sign_in(client, idp)

    assert current_user(client) == person
    assert client.session["directory_idp_mfa"] is True


def test_a_password_sign_in_after_a_provider_mfa_sign_in_does_not_inherit_it(client, idp):
    from tests.directory.test_ldap import sign_in

    factories.UserFactory(employee_number="20001")
    other = with_totp(factories.UserFactory(employee_number="20002"))
    idp.configure(people={"20001": idp_person("20001", amr=["mfa"])}, redirect_uris=[CALLBACK])
    sso_sign_in(client, idp)
    client.logout()

    response = sign_in(client, other.employee_number, "pass-word-123")

    assert response["Location"] == reverse("mfa_authenticate")


@pytest.fixture
def production_mfa(settings):
    settings.MFA_REQUIRED_ROLES = ["hr_admin", "organiser"]


def test_an_organiser_whose_provider_asserts_mfa_needs_no_totp_of_ours(
    client, idp, production_mfa
):
    factories.UserFactory(employee_number="20001", roles=[Role.STAFF, Role.ORGANISER])
    idp.configure(
        people={"20001": idp_person("20001", roles=["DX推進担当"], amr=["pwd", "mfa"])},
        redirect_uris=[CALLBACK],
    )

    sso_sign_in(client, idp)

    assert client.get(reverse("projects:organiser_project_list")).status_code == 200


def test_an_organiser_without_provider_mfa_must_set_up_totp_first(client, idp, production_mfa):
    factories.UserFactory(employee_number="20001", roles=[Role.STAFF, Role.ORGANISER])
    idp.configure(
        people={"20001": idp_person("20001", roles=["DX推進担当"], amr=["pwd"])},
        redirect_uris=[CALLBACK],
    )

    sso_sign_in(client, idp)

    response = client.get(reverse("projects:organiser_project_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
