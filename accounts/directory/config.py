"""Directory sign-in configuration, read from environment-like values.

Pure functions (no Django settings access, no ORM) so that `moka_dx/settings/directory.py`
and the tests build the configuration the same way. Every value has a default that fits
Active Directory; the README's configuration table lists them.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Our roster fields that a directory attribute can fill (the roster import's columns).
ROSTER_FIELDS = (
    "last_name",
    "first_name",
    "last_name_kana",
    "first_name_kana",
    "email",
    "department",
    "grade",
)
#: Roles a directory group or an identity provider's claim may give. External experts
#: are not in the city's directory, so that role is never mapped.
MAPPABLE_ROLES = ("staff", "executive", "organiser", "hr_admin")

AD_USER_FILTER = (
    "(&(objectCategory=person)(objectClass=user)"
    "(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
)
AD_ATTRIBUTES = (
    "last_name=sn,first_name=givenName,last_name_kana=msDS-PhoneticLastName,"
    "first_name_kana=msDS-PhoneticFirstName,email=mail,department=departmentNumber,grade=title"
)
DEFAULT_MFA_AMR = "mfa,otp,hwk,swk,fido,sms,totp"


class ConfigError(ValueError):
    """A directory setting that cannot be understood (the process refuses to start)."""


def _flag(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def parse_pairs(text: str, *, separator: str, allowed_keys: tuple[str, ...], what: str) -> dict:
    """`key=value` pairs; the value may itself contain `=` and `,` (a DN does)."""
    pairs: dict[str, str] = {}
    for part in (text or "").split(separator):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not value or key not in allowed_keys:
            raise ConfigError(f"{what}: cannot read {part!r} (keys: {', '.join(allowed_keys)})")
        pairs[key] = value
    return pairs


def role_map(text: str, *, what: str) -> dict[str, str]:
    """`role=group;role=group` → {group (case-folded): role}."""
    by_role = parse_pairs(text, separator=";", allowed_keys=MAPPABLE_ROLES, what=what)
    return {group.casefold(): role for role, group in by_role.items()}


def ldap_settings(env: Mapping[str, str]) -> dict:
    """The django-auth-ldap settings (`AUTH_LDAP_*`) and ours (`DIRECTORY_LDAP_*`).

    Empty when `LDAP_SERVER_URI` is not set: directory sign-in is then off.
    """
    uri = (env.get("LDAP_SERVER_URI") or "").strip()
    if not uri:
        return {}
    import ldap
    from django_auth_ldap.config import (
        ActiveDirectoryGroupType,
        GroupOfNamesType,
        LDAPSearch,
    )

    base = (env.get("LDAP_USER_BASE") or "").strip()
    if not base:
        raise ConfigError("LDAP_USER_BASE must be set with LDAP_SERVER_URI")
    login_attr = (env.get("LDAP_LOGIN_ATTRIBUTE") or "sAMAccountName").strip()
    user_filter = (env.get("LDAP_USER_FILTER") or AD_USER_FILTER).strip()
    attributes = parse_pairs(
        env.get("LDAP_ATTRIBUTES") or AD_ATTRIBUTES,
        separator=",",
        allowed_keys=ROSTER_FIELDS,
        what="LDAP_ATTRIBUTES",
    )
    options = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 5}
    ca_file = (env.get("LDAP_CA_CERT_FILE") or "").strip()
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    values = {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_START_TLS": _flag(env.get("LDAP_START_TLS", "0")),
        "AUTH_LDAP_GLOBAL_OPTIONS": options,
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            base, ldap.SCOPE_SUBTREE, f"(&{user_filter}({login_attr}=%(user)s))"
        ),
        # Our backend creates and updates people through the roster rules itself;
        # django-auth-ldap only binds, searches and reads groups.
        "AUTH_LDAP_USER_ATTR_MAP": {},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": False,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "DIRECTORY_LDAP_LOGIN_ATTRIBUTE": login_attr,
        "DIRECTORY_LDAP_USER_BASE": base,
        "DIRECTORY_LDAP_USER_FILTER": user_filter,
        "DIRECTORY_LDAP_ATTRIBUTES": attributes,
        "DIRECTORY_LDAP_ROLE_GROUPS": role_map(
            env.get("LDAP_ROLE_GROUPS", ""), what="LDAP_ROLE_GROUPS"
        ),
    }
    group_base = (env.get("LDAP_GROUP_BASE") or "").strip()
    if group_base:
        kind = (env.get("LDAP_GROUP_TYPE") or "active_directory").strip()
        if kind == "active_directory":
            group_filter, group_type = "(objectClass=group)", ActiveDirectoryGroupType()
        elif kind == "group_of_names":
            group_filter, group_type = "(objectClass=groupOfNames)", GroupOfNamesType()
        else:
            raise ConfigError("LDAP_GROUP_TYPE must be active_directory or group_of_names")
        values["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
            group_base, ldap.SCOPE_SUBTREE, group_filter
        )
        values["AUTH_LDAP_GROUP_TYPE"] = group_type
    return values


def oidc_settings(env: Mapping[str, str]) -> dict:
    """allauth's `openid_connect` app for the city's identity provider, and our claims."""
    server = (env.get("OIDC_SERVER_URL") or "").strip()
    if not server:
        return {}
    client_id = (env.get("OIDC_CLIENT_ID") or "").strip()
    if not client_id:
        raise ConfigError("OIDC_CLIENT_ID must be set with OIDC_SERVER_URL")
    return {
        "app": {
            "provider_id": "city",
            "name": env.get("OIDC_NAME") or "庁内アカウント",
            "client_id": client_id,
            "secret": env.get("OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": server,
                "token_auth_method": env.get("OIDC_TOKEN_AUTH_METHOD") or "client_secret_basic",
                "oauth_pkce_enabled": True,
            },
        },
        "employee_number_claim": env.get("OIDC_EMPLOYEE_NUMBER_CLAIM") or "employee_number",
        "email_claim": env.get("OIDC_EMAIL_CLAIM") or "email",
        "roles_claim": env.get("OIDC_ROLES_CLAIM") or "roles",
        "role_map": role_map(env.get("OIDC_ROLE_MAP", ""), what="OIDC_ROLE_MAP"),
    }


def mfa_amr_values(env: Mapping[str, str]) -> frozenset[str]:
    raw = env.get("SSO_MFA_AMR") or DEFAULT_MFA_AMR
    return frozenset(v.strip().casefold() for v in raw.split(",") if v.strip())


def local_login_policy(env: Mapping[str, str]) -> str:
    policy = (env.get("LOCAL_LOGIN") or "all").strip()
    if policy not in {"all", "listed"}:
        raise ConfigError("LOCAL_LOGIN must be all or listed")
    return policy


DEFAULT_SAML_MFA_CONTEXTS = (
    "http://schemas.microsoft.com/claims/multipleauthn,"
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract,"
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered,"
    "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken,"
    "https://refeds.org/profile/mfa"
)


def saml_settings(env: Mapping[str, str]) -> dict:
    """allauth's SAML app for the city's identity provider, and our attribute names."""
    sso_url = (env.get("SAML_IDP_SSO_URL") or "").strip()
    metadata_url = (env.get("SAML_IDP_METADATA_URL") or "").strip()
    if not (sso_url or metadata_url):
        return {}
    entity_id = (env.get("SAML_IDP_ENTITY_ID") or "").strip()
    if not entity_id:
        raise ConfigError("SAML_IDP_ENTITY_ID must be set with the SAML identity provider")
    idp: dict = {"entity_id": entity_id}
    if metadata_url:
        idp["metadata_url"] = metadata_url
    else:
        cert = (env.get("SAML_IDP_X509CERT") or "").strip()
        if not cert:
            raise ConfigError("SAML_IDP_X509CERT (the IdP's signing certificate) must be set")
        idp.update(sso_url=sso_url, x509cert=cert)
    app_settings: dict = {
        "idp": idp,
        "attribute_mapping": {},  # we read the attributes ourselves (accounts.directory.sso)
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            "want_message_signed": _flag(env.get("SAML_WANT_MESSAGE_SIGNED", "0")),
            "reject_idp_initiated_sso": True,
        },
    }
    if env.get("SAML_SP_ENTITY_ID"):
        app_settings["sp"] = {"entity_id": env["SAML_SP_ENTITY_ID"]}
    return {
        "app": {
            "provider_id": "city-saml",
            "name": env.get("SAML_NAME") or "庁内アカウント",
            "client_id": env.get("SAML_ORGANIZATION") or "city",
            "settings": app_settings,
        },
        "employee_number_attribute": env.get("SAML_EMPLOYEE_NUMBER_ATTRIBUTE") or "employeeNumber",
        "email_attribute": env.get("SAML_EMAIL_ATTRIBUTE") or "mail",
        "roles_attribute": env.get("SAML_ROLES_ATTRIBUTE") or "roles",
        "role_map": role_map(env.get("SAML_ROLE_MAP", ""), what="SAML_ROLE_MAP"),
        "mfa_contexts": frozenset(
            v.strip()
            for v in (env.get("SAML_MFA_CONTEXTS") or DEFAULT_SAML_MFA_CONTEXTS).split(",")
            if v.strip()
        ),
    }


def sign_in_origins(oidc: dict, saml: dict) -> list[str]:
    """Origins the sign-in buttons' form posts redirect to: CSP `form-action` must admit
    them, or the browser stops the redirect to the identity provider."""
    from urllib.parse import urlsplit

    urls = []
    if oidc:
        urls.append(oidc["app"]["settings"]["server_url"])
    if saml:
        idp = saml["app"]["settings"]["idp"]
        urls.append(idp.get("sso_url") or idp.get("metadata_url", ""))
    origins = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme and parts.netloc and f"{parts.scheme}://{parts.netloc}" not in origins:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
