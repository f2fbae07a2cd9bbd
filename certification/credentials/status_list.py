"""The revocation status list (W3C Bitstring Status List v1.0), made from the database
when asked: bit N is set when the certification holding index N is REVOKED at that
moment. A flagged certification (HR review open) is still held: its bit stays clear, as
on the verify page. No hook into the certification services is needed: revoking a row
flips its bit in the next list served.
"""

import datetime
import gzip
from collections.abc import Iterable

from ..models import Certification
from . import build
from .jose import sign_compact
from .keys import SigningKey, b64url
from .models import STATUS_LIST_LENGTH, CredentialStatus

#: How long a served list may be relied on (its `validUntil`); HTTP caches keep it for
#: `CACHE_SECONDS` only, so a revocation shows within minutes.
VALID_FOR = datetime.timedelta(days=1)
CACHE_SECONDS = 300


def revoked_indices() -> list[int]:
    """Indices of revoked certifications (one query)."""
    return list(
        CredentialStatus.objects.filter(
            certification__status=Certification.Status.REVOKED
        ).values_list("status_list_index", flat=True)
    )


def encode(indices: Iterable[int], length: int = STATUS_LIST_LENGTH) -> str:
    """Multibase base64url (prefix "u") of the GZIP-compressed bitstring; index 0 is the
    left-most (most significant) bit of the first byte."""
    bits = bytearray(length // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + b64url(gzip.compress(bytes(bits), mtime=0))


def status_list_credential(*, indices: Iterable[int], now: datetime.datetime) -> dict:
    url = build.status_list_url()
    valid_from = now.replace(microsecond=0)
    valid_until = valid_from + VALID_FOR
    return {
        "@context": [build.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": build.issuer_id(),
        "validFrom": valid_from.isoformat(),
        "validUntil": valid_until.isoformat(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(indices),
        },
        "iss": build.issuer_id(),
        "jti": url,
        "nbf": int(valid_from.timestamp()),
        "exp": int(valid_until.timestamp()),
    }


def signed_status_list(*, key: SigningKey, now: datetime.datetime) -> str:
    return sign_compact(status_list_credential(indices=revoked_indices(), now=now), key=key)
