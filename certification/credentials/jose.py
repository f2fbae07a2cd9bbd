"""Compact JWS with EdDSA (Ed25519), the VC-JOSE securing of our credentials.

Signing is short enough to write plainly over `cryptography` (RFC 7515 §7.1): base64url
of the protected header, ".", base64url of the payload, ".", base64url of the Ed25519
signature of the first two. Ed25519 is deterministic, so the same header and payload
always give the same token. Verification is NOT done here: the `verify_credential`
command uses joserfc over the published JWK Set, as an outside verifier would.
"""

import json

from .keys import SigningKey, b64url

#: OB 3.0 and VC-JOSE-COSE name Ed25519 signatures "EdDSA" (RFC 8037); RFC 9864's
#: fully-specified "Ed25519" is not yet understood by Open Badges verifiers.
ALGORITHM = "EdDSA"


def canonical_json(data: dict) -> bytes:
    """Compact UTF-8 JSON (Japanese as characters, not \\u escapes), keys in our order."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def sign_compact(payload: dict, *, key: SigningKey, typ: str = "vc+jwt") -> str:
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": typ, "cty": "vc"}
    signing_input = f"{b64url(canonical_json(header))}.{b64url(canonical_json(payload))}"
    signature = key.private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"
