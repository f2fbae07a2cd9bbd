"""Public endpoints of the portable credentials. Everything here is public, like the
verify page it extends: a verifier anywhere must reach the credential, the issuer's
keys and the status list without an account. A credential shows what the 認定証 shows
(plus the team's evidence), never the 職員番号 or the e-mail."""

import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import build, keys, selectors, status_list
from .keys import CredentialKeyError

JWT_TYPE = "application/vc+jwt"
CACHE = f"public, max-age={status_list.CACHE_SECONDS}"


def _unavailable(error: CredentialKeyError) -> HttpResponse:
    response = HttpResponse(
        _("デジタル証明書は現在発行できません。") + f"\n{error}\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "3600"
    return response


def _json(data: dict, *, content_type: str = "application/json") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def credential_jwt(request, public_id):
    """The signed credential (compact JWS, VC-JOSE)."""
    try:
        _payload, token = selectors.issued_credential(public_id=public_id)
    except CredentialKeyError as error:
        return _unavailable(error)
    response = HttpResponse(token, content_type=JWT_TYPE)
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def credential_json(request, public_id):
    """The same credential decoded, for people to read (its payload, as signed)."""
    try:
        payload, _token = selectors.issued_credential(public_id=public_id)
    except CredentialKeyError as error:
        return _unavailable(error)
    return _json(payload)


@require_GET
def jwks(request):
    """The issuer's published public keys (the active one and every rotated-out one)."""
    return _json(keys.jwk_set(), content_type="application/jwk-set+json")


@require_GET
def issuer(request):
    """The issuer profile (the city), with where its keys are."""
    profile = {"@context": [build.VC_CONTEXT, build.OB_CONTEXT], **build.issuer_profile()}
    return _json(profile)


@require_GET
def status_list_view(request, list_id):
    """The revocation status list, signed; generated from the database on each request
    (one query), kept by HTTP caches for a few minutes."""
    if list_id != 1:
        raise Http404
    try:
        token = status_list.signed_status_list(key=keys.signing_key(), now=timezone.now())
    except CredentialKeyError as error:
        return _unavailable(error)
    response = HttpResponse(token, content_type=JWT_TYPE)
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response
