"""Single sign-on through a real SAML 2.0 identity provider (pysaml2 in its own process):
signed responses and assertions checked by python3-saml, matching by 職員番号, roles,
AuthnContext for MFA, replay and tampering refused."""

import base64
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests import factories

from .conftest import configure_saml
from .test_oidc import current_user, form_inputs, snapshot

LOGIN = "/accounts/saml/city/login/"
METADATA = "/accounts/saml/city/metadata/"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CONTEXT = "http://schemas.microsoft.com/claims/multipleauthn"


def saml_person(number="20001", *, roles=(), context=PASSWORD_CONTEXT, mail=None):
    return {
        "password": f"idp-{number}",
        "attributes": {
            "employeeNumber": [number],
            "mail": [mail or f"{number}@city.test"],
            "roles": list(roles) or ["一般職員"],
        },
        "authn_context": context,
    }


HOST = "dx.city.moka.test"  # python3-saml refuses single-label hosts such as "testserver"


@pytest.fixture
def client(settings):
    from django.test import Client

    settings.ALLOWED_HOSTS = [HOST]
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def saml_idp(saml_idp_server, settings, client, db):
    configure_saml(settings, saml_idp_server)
    return saml_idp_server


def configure(idp, client, people):
    idp.configure(people=people, sp_metadata=client.get(METADATA).content.decode())


def idp_response(client, idp, username, password=None) -> dict:
    """The person presses the button, signs in at the provider; returns the form the
    provider's page posts back to our ACS."""
    start = client.post(LOGIN)
    assert start.status_code == 302, start.content[:300]
    browser = requests.Session()
    page = browser.get(start["Location"], timeout=10)
    answer = browser.post(
        f"{idp.url}/sso/login",
        data={**form_inputs(page.text), "username": username,
              "password": password or f"idp-{username}"},
        timeout=20,
    )
    form = form_inputs(answer.text)
    assert "SAMLResponse" in form, answer.text[:500]
    return form


def post_to_acs(client, form):
    answer = client.post("/accounts/saml/city/acs/", form)
    if answer.status_code == 302 and "/finish/" in answer["Location"]:
        answer = client.get(urlsplit(answer["Location"]).path)
    return answer


def saml_sign_in(client, idp, username="20001"):
    return post_to_acs(client, idp_response(client, idp, username))


def test_staff_sign_in_through_the_city_saml_provider(client, saml_idp):
    person = factories.UserFactory(employee_number="20001")
    configure(saml_idp, client, {"20001": saml_person("20001")})

    response = saml_sign_in(client, saml_idp)

    assert response.status_code == 302
    assert current_user(client) == person


def test_saml_roles_come_from_the_attribute_through_the_city_mapping(client, saml_idp):
    person = factories.UserFactory(employee_number="20001")
    configure(saml_idp, client, {"20001": saml_person("20001", roles=["人事担当"])})

    saml_sign_in(client, saml_idp)

    assert User.objects.get(pk=person.pk).has_role(Role.HR_ADMIN)


def test_an_unknown_saml_identity_is_refused_and_nothing_is_created(client, saml_idp):
    configure(saml_idp, client, {"29999": saml_person("29999")})
    before = snapshot()

    response = saml_sign_in(client, saml_idp, "29999")

    assert response.status_code == 403
    assert "ポータルに登録されていません" in response.content.decode()
    assert snapshot() == before


def test_a_replayed_saml_response_is_refused(client, saml_idp):
    factories.UserFactory(employee_number="20001")
    configure(saml_idp, client, {"20001": saml_person("20001")})
    form = idp_response(client, saml_idp, "20001")
    post_to_acs(client, form)
    client.logout()
    before = snapshot()

    response = post_to_acs(client, form)

    assert response.status_code == 403  # allauth finds no request of ours it answers
    assert current_user(client) is None
    assert snapshot() == before


def test_a_tampered_saml_response_is_refused(client, saml_idp):
    factories.UserFactory(employee_number="20001")
    factories.UserFactory(employee_number="20002", roles=[Role.STAFF, Role.HR_ADMIN])
    configure(saml_idp, client, {"20001": saml_person("20001")})
    form = idp_response(client, saml_idp, "20001")
    xml = base64.b64decode(form["SAMLResponse"]).decode()
    assert ">20001<" in xml
    form["SAMLResponse"] = base64.b64encode(xml.replace(">20001<", ">20002<").encode()).decode()
    before = snapshot()

    response = post_to_acs(client, form)

    assert "ログインできませんでした" in response.content.decode()
    assert current_user(client) is None
    assert snapshot() == before


def test_a_response_to_another_browsers_request_is_refused(client, saml_idp, django_user_model):
    from django.test import Client

    factories.UserFactory(employee_number="20001")
    configure(saml_idp, client, {"20001": saml_person("20001")})
    form = idp_response(client, saml_idp, "20001")
    stranger = Client(HTTP_HOST=HOST)

    response = post_to_acs(stranger, form)

    assert response.status_code == 403
    assert current_user(stranger) is None


def test_our_totp_is_asked_unless_the_authn_context_is_multi_factor(client, saml_idp):
    from allauth.mfa.models import Authenticator

    person = factories.UserFactory(employee_number="20001")
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    configure(saml_idp, client, {"20001": saml_person("20001")})

    response = saml_sign_in(client, saml_idp)

    assert response["Location"] == reverse("mfa_authenticate")


def test_a_multi_factor_authn_context_counts_as_mfa(client, saml_idp):
    from allauth.mfa.models import Authenticator

    person = factories.UserFactory(employee_number="20001")
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    configure(saml_idp, client, {"20001": saml_person("20001", context=MFA_CONTEXT)})

    saml_sign_in(client, saml_idp)

    assert current_user(client) == person


def test_an_assertion_id_is_accepted_only_once():
    from accounts.directory.sso import Identity, _first_use_of

    identity = Identity("20001", "", None, set(), False, assertion_id="id-123",
                        assertion_seconds=60)

    assert _first_use_of(identity) is True
    assert _first_use_of(identity) is False
