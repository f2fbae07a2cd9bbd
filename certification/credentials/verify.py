"""Verify a credential as an outside verifier does: from the token and HTTP only.

Nothing here reads our database or our key files. The trust anchor is the issuer a
verifier expects (our issuer id); the keys are the JWK Set the token's `kid` points to,
which must be served from the issuer's own origin; the status is the published
(and signed) status list. Every failure says why, in one sentence.

Checks, in order: compact JWS shape → header (`alg` EdDSA, `kid` a URL at the issuer's
origin) → the issuer is the expected one → the key is published (a retired or foreign
key is not) → the signature → the claims mirror the credential (`iss`, `jti`, `nbf`) →
the credential is an OpenBadgeCredential and valid now (`validFrom`/`validUntil`) → each
`credentialStatus` bit in its status list (the list's own signature, issuer and window
checked too).
"""

from __future__ import annotations

import base64
import datetime
import gzip
import json
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ALGORITHM = "EdDSA"
MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 10
CLOCK_SKEW = datetime.timedelta(minutes=5)

Fetch = Callable[[str], bytes]


class VerificationFailed(Exception):
    """The credential does not verify; the message says why."""


@dataclass
class Verification:
    valid: bool
    reason: str = ""
    credential: dict | None = None
    revoked: bool = False
    kid: str = ""
    checks: list[str] = field(default_factory=list)


def http_fetch(url: str) -> bytes:
    """GET `url` (http or https only), at most `MAX_BYTES`, with a timeout."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise VerificationFailed(f"refusing to fetch a non-HTTP URL: {url}")
    request = urllib.request.Request(url, headers={"Accept": "*/*"})  # noqa: S310 (scheme checked)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError) as error:
        raise VerificationFailed(f"could not fetch {url}: {error}") from error
    if len(data) > MAX_BYTES:
        raise VerificationFailed(f"{url} is larger than {MAX_BYTES} bytes")
    return data


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _unverified(token: str) -> tuple[dict, dict]:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise VerificationFailed("not a compact JWS (three base64url parts separated by dots)")
    try:
        header = json.loads(_b64decode(parts[0]))
        payload = json.loads(_b64decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as error:
        raise VerificationFailed(f"the header or payload is not base64url JSON: {error}") from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise VerificationFailed("the header and the payload must be JSON objects")
    return header, payload


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _parse_time(value, what: str) -> datetime.datetime:
    if not isinstance(value, str):
        raise VerificationFailed(f"{what} is missing")
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise VerificationFailed(f"{what} is not a date-time: {value!r}") from error
    if moment.tzinfo is None:
        raise VerificationFailed(f"{what} has no time zone: {value!r}")
    return moment


def _verify_signature(token: str, key_set: KeySet, kid: str) -> dict:
    try:
        key = key_set.get_by_kid(kid)
    except (ValueError, JoseError, KeyError):
        key = None
    if key is None:
        raise VerificationFailed(
            f"the signing key {kid} is not published by the issuer "
            "(a retired key, or a key that is not the issuer's)"
        )
    try:
        with warnings.catch_warnings():
            # joserfc flags "EdDSA" as superseded by RFC 9864; OB 3.0 verifiers use it.
            warnings.simplefilter("ignore")
            jws.deserialize_compact(token, key, algorithms=[ALGORITHM])
    except JoseError as error:
        raise VerificationFailed(
            "the signature does not match: the credential was changed after signing, "
            f"or signed with another key ({error.error})"
        ) from error
    return _unverified(token)[1]


def _key_set(jwks_url: str, fetch: Fetch, cache: dict) -> KeySet:
    if jwks_url not in cache:
        try:
            data = json.loads(fetch(jwks_url))
            cache[jwks_url] = KeySet.import_key_set(data)
        except (ValueError, JoseError, KeyError, TypeError) as error:
            raise VerificationFailed(f"the issuer's key set at {jwks_url} is unreadable") from error
    return cache[jwks_url]


def _signed(token: str, *, issuer: str, fetch: Fetch, cache: dict) -> tuple[dict, dict]:
    """Header and payload of a token signed by a key `issuer` publishes."""
    header, payload = _unverified(token)
    if header.get("alg") != ALGORITHM:
        raise VerificationFailed(f"unexpected algorithm {header.get('alg')!r} (expected EdDSA)")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise VerificationFailed("the header names no key (kid)")
    jwks_url, _fragment = urldefrag(kid)
    if _origin(jwks_url) != _origin(issuer) or not jwks_url.startswith(("https://", "http://")):
        raise VerificationFailed(
            f"the signing key {kid} is not published at the issuer's address ({issuer})"
        )
    payload = _verify_signature(token, _key_set(jwks_url, fetch, cache), kid)
    return header, payload


def _issuer_id(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _check_window(document: dict, now: datetime.datetime, what: str) -> None:
    valid_from = _parse_time(document.get("validFrom"), f"{what} validFrom")
    if valid_from > now + CLOCK_SKEW:
        raise VerificationFailed(f"{what} is not valid yet (validFrom {document['validFrom']})")
    if document.get("validUntil") is not None:
        valid_until = _parse_time(document.get("validUntil"), f"{what} validUntil")
        if valid_until < now - CLOCK_SKEW:
            raise VerificationFailed(f"{what} has expired (validUntil {document['validUntil']})")


def _bit(encoded: str, index: int) -> bool:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise VerificationFailed("the status list's encodedList is not multibase base64url")
    try:
        bits = gzip.decompress(_b64decode(encoded[1:]))
    except (OSError, ValueError, EOFError) as error:
        raise VerificationFailed("the status list's encodedList is not GZIP data") from error
    if index < 0 or index // 8 >= len(bits):
        raise VerificationFailed(f"status list index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _check_status(entry: dict, *, issuer: str, fetch: Fetch, cache: dict, now) -> bool:
    """True when the entry's bit is set (revoked)."""
    if entry.get("type") != "BitstringStatusListEntry":
        raise VerificationFailed(f"unsupported credentialStatus type {entry.get('type')!r}")
    if entry.get("statusPurpose") != "revocation":
        raise VerificationFailed(f"unsupported statusPurpose {entry.get('statusPurpose')!r}")
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or _origin(url) != _origin(issuer):
        raise VerificationFailed(f"the status list {url!r} is not at the issuer's address")
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError) as error:
        raise VerificationFailed("the statusListIndex is not a number") from error
    token = fetch(url).decode("utf-8", "replace").strip()
    try:
        _header, document = _signed(token, issuer=issuer, fetch=fetch, cache=cache)
    except VerificationFailed as error:
        raise VerificationFailed(f"the status list cannot be trusted: {error}") from error
    if _issuer_id(document.get("issuer")) != issuer:
        raise VerificationFailed("the status list was not published by the credential's issuer")
    if "BitstringStatusListCredential" not in (document.get("type") or []):
        raise VerificationFailed("the status list is not a BitstringStatusListCredential")
    _check_window(document, now, "the status list")
    subject = document.get("credentialSubject") or {}
    if subject.get("statusPurpose") != "revocation":
        raise VerificationFailed("the status list is not a revocation list")
    return _bit(subject.get("encodedList"), index)


def verify_token(
    token: str,
    *,
    expected_issuer: str,
    fetch: Fetch = http_fetch,
    now: datetime.datetime | None = None,
) -> Verification:
    """Verify a compact-JWS OpenBadgeCredential; never raises for a bad credential."""
    now = now or datetime.datetime.now(datetime.UTC)
    token = token.strip()
    cache: dict = {}
    checks: list[str] = []
    credential = None
    kid = ""
    try:
        header, claims = _unverified(token)
        kid = str(header.get("kid", ""))
        claimed = _issuer_id(claims.get("issuer"))
        if claimed != expected_issuer:
            raise VerificationFailed(
                f"the issuer {claimed!r} is not the expected issuer {expected_issuer!r}"
            )
        _header, credential = _signed(token, issuer=expected_issuer, fetch=fetch, cache=cache)
        checks.append("signature")
        types = credential.get("type") or []
        if "VerifiableCredential" not in types or "OpenBadgeCredential" not in types:
            raise VerificationFailed(f"not an OpenBadgeCredential (type {types!r})")
        if credential.get("iss") != expected_issuer:
            raise VerificationFailed("the iss claim is not the credential's issuer")
        if credential.get("jti") != credential.get("id"):
            raise VerificationFailed("the jti claim is not the credential's id")
        valid_from = _parse_time(credential.get("validFrom"), "the credential's validFrom")
        if credential.get("nbf") != int(valid_from.timestamp()):
            raise VerificationFailed("the nbf claim is not the credential's validFrom")
        _check_window(credential, now, "the credential")
        checks.append("dates")
        statuses = credential.get("credentialStatus") or []
        if isinstance(statuses, dict):
            statuses = [statuses]
        for entry in statuses:
            if _check_status(entry, issuer=expected_issuer, fetch=fetch, cache=cache, now=now):
                return Verification(
                    valid=False,
                    revoked=True,
                    reason=f"the credential has been revoked by its issuer (status list "
                    f"{entry.get('statusListCredential')}, index {entry.get('statusListIndex')})",
                    credential=credential,
                    kid=kid,
                    checks=checks,
                )
        checks.append("status")
    except VerificationFailed as error:
        return Verification(
            valid=False, reason=str(error), credential=credential, kid=kid, checks=checks
        )
    return Verification(valid=True, credential=credential, kid=kid, checks=checks)
