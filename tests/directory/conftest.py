import shutil

import pytest

from accounts.directory import config
from accounts.models import Grade
from tests import factories

from .ldap_server import (
    GROUPS,
    HR_GROUP,
    ORGANISER_GROUP,
    PEOPLE,
    SERVICE_DN,
    SERVICE_PASSWORD,
    Slapd,
)

LOCAL_BACKENDS = [
    "accounts.directory.backends.LocalModelBackend",
    "accounts.directory.backends.LocalAllauthBackend",
]


def pytest_collection_modifyitems(config, items):
    if shutil.which("slapd", path="/usr/sbin:/usr/bin"):
        return
    for item in items:
        if "slapd" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason="needs Debian's slapd (make test installs it)"))


@pytest.fixture
def slapd():
    server = Slapd().start()
    yield server
    server.stop()


def ldap_env(server: Slapd, **overrides) -> dict:
    env = {
        "LDAP_SERVER_URI": server.uri,
        "LDAP_BIND_DN": SERVICE_DN,
        "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
        "LDAP_USER_BASE": PEOPLE,
        "LDAP_LOGIN_ATTRIBUTE": "uid",
        # Like AD's default filter, leaves out disabled (password-policy locked) accounts.
        "LDAP_USER_FILTER": "(&(objectClass=inetOrgPerson)(!(pwdAccountLockedTime=*)))",
        "LDAP_GROUP_BASE": GROUPS,
        "LDAP_GROUP_TYPE": "group_of_names",
        "LDAP_ROLE_GROUPS": f"organiser={ORGANISER_GROUP};hr_admin={HR_GROUP}",
    }
    env.update(overrides)
    return env


def configure_ldap(settings, env: dict) -> None:
    for key, value in config.ldap_settings(env).items():
        setattr(settings, key, value)
    settings.DIRECTORY_LDAP_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.directory.backends.DirectoryLDAPBackend",
        *LOCAL_BACKENDS,
    ]


@pytest.fixture
def directory(slapd, settings, db):
    """The portal signs staff in through the throw-away slapd."""
    configure_ldap(settings, ldap_env(slapd))
    return slapd


@pytest.fixture
def departments(db):
    return {
        code: factories.DepartmentFactory(code=code, name=name)
        for code, name in (("D-SOMU", "総務課"), ("D-DIGI", "デジタル戦略課"), ("D-JINJI", "人事課"))
    }


@pytest.fixture
def roster(departments):
    """The people of the directory as HR's roster has them (older data for some)."""
    return {
        "70001": factories.UserFactory(
            employee_number="70001", last_name="山田", first_name="花子",
            last_name_kana="ヤマダ", first_name_kana="ハナコ", email="yamada@city.moka.example.jp",
            department=departments["D-SOMU"], grade=Grade.SHUJI,
        ),
        "70002": factories.UserFactory(
            employee_number="70002", last_name="石井", first_name="学", last_name_kana="イシイ",
            first_name_kana="マナブ", email="ishii@city.moka.example.jp",
            department=departments["D-DIGI"], grade=Grade.KAKARICHO,
        ),
        "70004": factories.UserFactory(
            employee_number="70004", email="kyushoku@city.moka.example.jp",
            department=departments["D-SOMU"],
        ),
    }



# --- OpenID Connect: the test identity provider (django-oidc-provider) -----------------


@pytest.fixture(scope="session")
def oidc_idp():
    from .oidc_server import OIDCProvider

    server = OIDCProvider().start()
    yield server
    server.stop()


def _admit_sign_in_origins(settings) -> None:
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    directives = dict(policy["DIRECTIVES"])
    directives["form-action"] = [
        "'self'",
        *config.sign_in_origins(settings.DIRECTORY_OIDC, settings.DIRECTORY_SAML),
    ]
    policy["DIRECTIVES"] = directives
    settings.CONTENT_SECURITY_POLICY = policy


def configure_oidc(settings, idp, **overrides) -> None:
    from .oidc_server import CLIENT_ID, CLIENT_SECRET

    env = {
        "OIDC_SERVER_URL": idp.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_NAME": "真岡市庁内アカウント",
        "OIDC_ROLE_MAP": "organiser=DX推進担当;hr_admin=人事担当",
    }
    env.update(overrides)
    conf = config.oidc_settings(env)
    settings.DIRECTORY_OIDC = conf
    providers = dict(settings.SOCIALACCOUNT_PROVIDERS)
    providers["openid_connect"] = {"APPS": [conf["app"]]}
    settings.SOCIALACCOUNT_PROVIDERS = providers
    _admit_sign_in_origins(settings)


# --- SAML 2.0: the test identity provider (pysaml2) --------------------------------------


@pytest.fixture(scope="session")
def saml_idp_server():
    from .saml_server import SAMLIdentityProvider

    server = SAMLIdentityProvider().start()
    yield server
    server.stop()


def configure_saml(settings, idp, **overrides) -> None:
    env = {
        "SAML_IDP_ENTITY_ID": idp.entity_id,
        "SAML_IDP_SSO_URL": f"{idp.url}/sso/redirect",
        "SAML_IDP_X509CERT": idp.certificate,
        "SAML_NAME": "真岡市庁内アカウント",
        # pysaml2 names the basic attributes by their urn:mace names, as many IdPs do.
        "SAML_EMPLOYEE_NUMBER_ATTRIBUTE": "urn:mace:dir:attribute-def:employeeNumber",
        "SAML_EMAIL_ATTRIBUTE": "urn:mace:dir:attribute-def:mail",
        "SAML_ROLE_MAP": "organiser=DX推進担当;hr_admin=人事担当",
    }
    env.update(overrides)
    conf = config.saml_settings(env)
    settings.DIRECTORY_SAML = conf
    providers = dict(settings.SOCIALACCOUNT_PROVIDERS)
    providers["saml"] = {**providers["saml"], "APPS": [conf["app"]]}
    settings.SOCIALACCOUNT_PROVIDERS = providers
    _admit_sign_in_origins(settings)
