"""Single sign-on through the city's identity provider: OpenID Connect or SAML 2.0,
both through allauth.

The provider proves who the person is; we decide who that is in the portal:
`directory_sign_in` matches the 職員番号 claim (or the e-mail claim) to an existing
portal user — never the display name — and never creates one unless the city allows
it. A refused identity gets a Japanese page (403) and nothing is written.

MFA: when the provider asserts a multi-factor sign-in (OIDC: `amr` contains one of
`SSO_MFA_AMR`; SAML: the AuthnContextClassRef is one of `SAML_MFA_CONTEXTS`), our own TOTP step is skipped for that sign-in and the session counts as
MFA for the roles that need it; otherwise the person's TOTP is asked as for a password
sign-in (see `accounts.directory.stages`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..exceptions import DirectorySignInRefused
from .services import directory_sign_in, refusal
from .session import IDP_MFA_PENDING

SAML_CONTEXTS_KEY = "_authn_contexts"
SAML_ASSERTION_KEY = "_assertion_id"
SAML_LIFETIME_KEY = "_assertion_seconds"
REPLAYED = _("この認証応答は既に使われています。もう一度ログインしてください。")



@dataclass(frozen=True)
class Identity:
    """What the identity provider says about the person, whichever protocol it used."""

    employee_number: str
    email: str
    roles: set[str] | None  # None: the city maps no roles from this provider
    managed_roles: set[str]
    mfa: bool
    assertion_id: str = ""  # SAML: the assertion's ID, remembered against replay
    assertion_seconds: int = 0


def _as_set(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}


def _first(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def _mapped_roles(values, role_map: dict[str, str]) -> set[str] | None:
    if not role_map:
        return None
    granted = {v.casefold() for v in _as_set(values)}
    return {role for group, role in role_map.items() if group in granted}


def oidc_identity(extra_data: dict, conf: dict) -> Identity:
    """The ID token's claims, completed by the userinfo answer."""
    claims = dict(extra_data.get("userinfo") or {})
    claims.update(extra_data.get("id_token") or {})
    email = "" if claims.get("email_verified") is False else _first(claims.get(conf["email_claim"]))
    amr = {v.casefold() for v in _as_set(claims.get("amr"))}
    return Identity(
        employee_number=_first(claims.get(conf["employee_number_claim"])),
        email=email,  # an unverified address never identifies anyone
        roles=_mapped_roles(claims.get(conf["roles_claim"]), conf["role_map"]),
        managed_roles=set(conf["role_map"].values()),
        mfa=bool(amr & settings.SSO_MFA_AMR),
    )


def saml_identity(extra_data: dict, conf: dict) -> Identity:
    """The assertion's attributes, and its AuthnContextClassRef for MFA."""
    contexts = set(extra_data.get(SAML_CONTEXTS_KEY) or ())
    return Identity(
        employee_number=_first(extra_data.get(conf["employee_number_attribute"])),
        email=_first(extra_data.get(conf["email_attribute"])),
        roles=_mapped_roles(extra_data.get(conf["roles_attribute"]), conf["role_map"]),
        managed_roles=set(conf["role_map"].values()),
        mfa=bool(contexts & conf["mfa_contexts"]),
        assertion_id=_first(extra_data.get(SAML_ASSERTION_KEY)),
        assertion_seconds=int(extra_data.get(SAML_LIFETIME_KEY) or 0),
    )


def refused_response(request, message, *, status=403):
    return render(request, "account/sso_refused.html", {"message": message}, status=status)


def _first_use_of(identity: Identity) -> bool:
    """A SAML assertion is accepted once (replay defence; needs a shared cache in
    production, which `check --deploy` asks for)."""
    if not identity.assertion_id:
        return True
    return cache.add(
        f"saml-assertion:{identity.assertion_id}", 1, max(identity.assertion_seconds, 60) + 300
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        """Nobody signs up: people come from the roster (or `directory_sign_in`)."""
        return False

    def pre_social_login(self, request, sociallogin):
        extra = sociallogin.account.extra_data or {}
        saml = settings.DIRECTORY_SAML
        if saml and sociallogin.account.provider == saml["app"]["provider_id"]:
            identity = saml_identity(extra, saml)
        else:
            identity = oidc_identity(extra, settings.DIRECTORY_OIDC)
        if not _first_use_of(identity):
            raise ImmediateHttpResponse(refused_response(request, REPLAYED))
        try:
            user = directory_sign_in(
                employee_number=identity.employee_number,
                email=identity.email,
                roles=identity.roles,
                managed_roles=identity.managed_roles,
                allow_create=settings.DIRECTORY_CREATE_USERS,
            )
        except DirectorySignInRefused as refused:
            raise ImmediateHttpResponse(refused_response(request, refused.message)) from refused
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            # The identity was linked to someone else than its 職員番号 now names.
            raise ImmediateHttpResponse(refused_response(request, refusal("unknown").message))
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
        request.session[IDP_MFA_PENDING] = user.pk if identity.mfa else None


class CitySAMLProvider(SAMLProvider):
    """allauth's SAML provider, keeping also what the assertion says beyond attributes:
    its AuthnContextClassRef (MFA), its ID and lifetime (replay defence)."""

    package = "allauth.socialaccount.providers.saml"  # its URLs and templates

    def extract_extra_data(self, data):
        extra = dict(super().extract_extra_data(data))
        extra[SAML_CONTEXTS_KEY] = list(data.get_last_authn_contexts() or ())
        extra[SAML_ASSERTION_KEY] = data.get_last_assertion_id() or ""
        not_after = data.get_last_assertion_not_on_or_after()
        extra[SAML_LIFETIME_KEY] = max(0, int(not_after - time.time())) if not_after else 0
        return extra


class VerifyingOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter, but the ID token's signature is always checked
    against the provider's published keys. allauth skips that check when the token came
    straight from the token endpoint (which OIDC Core allows only over TLS); a city
    network may pass that call through proxies, and a forged token naming someone else
    must never sign anyone in (tests/directory/test_oidc.py shows one was accepted)."""

    def _decode_id_token(self, app, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


@login_not_required
def oidc_callback(request, provider_id):
    """allauth's callback view with `VerifyingOIDCAdapter` (routed before allauth's)."""
    try:
        view = OAuth2CallbackView.adapter_view(VerifyingOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
