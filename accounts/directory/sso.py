"""Single sign-on through the city's identity provider (OpenID Connect via allauth).

The provider proves who the person is; we decide who that is in the portal:
`directory_sign_in` matches the 職員番号 claim (or the e-mail claim) to an existing
portal user — never the display name — and never creates one unless the city allows
it. A refused identity gets a Japanese page (403) and nothing is written.

MFA: when the provider asserts a multi-factor sign-in (`amr` contains one of
`SSO_MFA_AMR`), our own TOTP step is skipped for that sign-in and the session counts as
MFA for the roles that need it; otherwise the person's TOTP is asked as for a password
sign-in (see `accounts.directory.stages`).
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render

from ..exceptions import DirectorySignInRefused
from .services import directory_sign_in, refusal

#: Session keys: the user whose sign-in the identity provider asserted as MFA (read and
#: removed by the MFA stage of that same sign-in), and the lasting mark on the session.
IDP_MFA_PENDING = "directory_idp_mfa_user"
IDP_MFA_SESSION = "directory_idp_mfa"


def identity_claims(extra_data: dict) -> dict:
    """One dict of claims: the ID token's, completed by the userinfo answer."""
    claims = dict(extra_data.get("userinfo") or {})
    claims.update(extra_data.get("id_token") or {})
    if not claims:  # providers that store the claims flat
        claims = dict(extra_data)
    return claims


def _as_set(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}


def claimed_roles(claims: dict, conf: dict) -> set[str] | None:
    if not conf["role_map"]:
        return None
    granted = {group.casefold() for group in _as_set(claims.get(conf["roles_claim"]))}
    return {role for group, role in conf["role_map"].items() if group in granted}


def asserts_mfa(claims: dict) -> bool:
    return bool({v.casefold() for v in _as_set(claims.get("amr"))} & settings.SSO_MFA_AMR)


def refused_response(request, message, *, status=403):
    return render(request, "account/sso_refused.html", {"message": message}, status=status)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        """Nobody signs up: people come from the roster (or `directory_sign_in`)."""
        return False

    def pre_social_login(self, request, sociallogin):
        conf = settings.DIRECTORY_OIDC
        claims = identity_claims(sociallogin.account.extra_data or {})
        email = claims.get(conf["email_claim"]) or ""
        if claims.get("email_verified") is False:
            email = ""  # an unverified address never identifies anyone
        try:
            user = directory_sign_in(
                employee_number=str(claims.get(conf["employee_number_claim"]) or "").strip(),
                email=str(email).strip(),
                roles=claimed_roles(claims, conf),
                managed_roles=set(conf["role_map"].values()),
                allow_create=settings.DIRECTORY_CREATE_USERS,
            )
        except DirectorySignInRefused as refused:
            raise ImmediateHttpResponse(refused_response(request, refused.message)) from refused
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            # The identity was linked to someone else than its 職員番号 now names.
            raise ImmediateHttpResponse(
                refused_response(request, refusal("unknown").message)
            )
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
        request.session[IDP_MFA_PENDING] = user.pk if asserts_mfa(claims) else None


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
