"""The test identity provider's claims, control endpoint and tampering switch."""

import base64
import json

from django.contrib.auth.models import User
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oidc_provider.lib.claims import ScopeClaims
from oidc_provider.models import Client, ResponseType

from .settings import STATE

CONTROL = STATE / "control.json"


def _state() -> dict:
    return json.loads(CONTROL.read_text()) if CONTROL.exists() else {"people": {}}


def _claims_of(user) -> dict:
    return _state()["people"].get(user.username, {}).get("claims", {})


def userinfo(claims, user):
    extra = _claims_of(user)
    claims.update({k: v for k, v in extra.items() if k in claims})
    claims["email"] = extra.get("email", "")
    claims["email_verified"] = extra.get("email_verified", True)
    return claims


class CityScopeClaims(ScopeClaims):
    info_city = ("city", "the city's employee number and roles")

    def scope_city(self):
        extra = _claims_of(self.user)
        return {k: extra[k] for k in ("employee_number", "roles") if k in extra}


def id_token_hook(id_token, user, **kwargs):
    extra = _claims_of(user)
    for key in ("employee_number", "roles", "amr", "email"):
        if key in extra:
            id_token[key] = extra[key]
    return id_token


@csrf_exempt
def control(request):
    """POST {people: {username: {password, claims}}, redirect_uris: [...], tamper: bool}."""
    data = json.loads(request.body)
    CONTROL.write_text(json.dumps(data))
    for username, person in data["people"].items():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(person["password"])
        user.is_active = person.get("active", True)
        user.save()
    client, _ = Client.objects.get_or_create(
        client_id="dx-portal",
        defaults={"name": "DX portal", "client_type": "confidential", "client_secret": "s3cret"},
    )
    client._redirect_uris = "\n".join(data["redirect_uris"])
    client.require_consent = True
    client.reuse_consent = False
    client.jwt_alg = "RS256"
    client.save()
    client.response_types.set(ResponseType.objects.filter(value="code"))
    return JsonResponse({"ok": True})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TamperMiddleware:
    """When the control says `tamper`, the token endpoint's ID token gets a payload that
    names someone else — with the original signature, as a forger would send it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.rstrip("/").endswith("/token") and _state().get("tamper"):
            body = json.loads(response.content)
            header, payload, signature = body["id_token"].split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["employee_number"] = _state()["tamper"]
            body["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])
            return HttpResponse(json.dumps(body), content_type="application/json")
        return response
