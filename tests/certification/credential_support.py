"""Helpers for the credential tests: a private key directory, an Advisor with real
evidence, and JSON-LD expansion over the vendored contexts (no network)."""

import json
from pathlib import Path

import pytest
from django.test import override_settings
from pyld import jsonld

from certification.credentials import keys
from certification.services import certification_revoke_propose, certifications_recompute
from tests import factories
from tests.certification.helpers import Raters, approve, scored_team

CONTEXTS = Path(__file__).parent / "contexts"
LOCAL_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": CONTEXTS / "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": CONTEXTS
    / "ob-v3p0-context-3.0.3.json",
}
#: JOSE registered claims beside the credential's members (VC-JOSE, OB 3.0 §8.2): JWT
#: claims, not JSON-LD terms.
JWT_CLAIMS = ("iss", "jti", "nbf", "exp")


@pytest.fixture
def key_dir(tmp_path, settings):
    """A fresh key directory with one active key."""
    settings.CREDENTIAL_KEYS_DIR = tmp_path / "keys"
    keys.key_create()
    return settings.CREDENTIAL_KEYS_DIR


def advisor(*, team_name="窓口改善チーム", policy=(70, 80), technical=(75,), **person):
    """A member certified Advisor by the recompute (evidence with team, scores, rules)."""
    member = factories.UserFactory(last_name="芳賀", first_name="花子", **person)
    team = scored_team(Raters(), members=[member], policy=policy, technical=technical)
    team.name = team_name
    team.save(update_fields=["name"])
    # The city publishing automatically (no 認定決裁 step to go through here).
    with override_settings(CERTIFICATION_PUBLISH_MODE="automatic"):
        certifications_recompute(user_ids=[member.pk], notify=False)
    return member, member.certifications.get()


def revoke(certification, *, by):
    """HR revokes through the certification services: a revocation proposal, approved
    (認定決裁). The one place these tests depend on how revocation is decided."""
    line = certification_revoke_propose(certification=certification, reason="誤認定", by=by)
    return approve(line, notify=False)


def local_loader(url, options=None):
    path = LOCAL_CONTEXTS.get(url)
    if path is None:
        raise jsonld.JsonLdError(f"no local copy of {url}", "jsonld.LoadDocumentError")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(path.read_text())}


def expand(document: dict) -> tuple[list, list[str]]:
    """(expanded, dropped terms): JSON-LD expansion with the vendored contexts only."""
    dropped: list[str] = []
    body = {k: v for k, v in document.items() if k not in JWT_CLAIMS}
    expanded = jsonld.expand(
        body,
        {"documentLoader": local_loader},
        on_property_dropped=lambda prop: dropped.append(prop),
    )
    return expanded, dropped


def relative_iris(node) -> list[str]:
    """Every property or @type in an expanded document that is not an absolute IRI (an
    undefined term resolved against the document's base)."""
    found = []
    if isinstance(node, list):
        for item in node:
            found += relative_iris(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@") and ":" not in key:
                found.append(key)
            if key == "@type":
                found += [
                    t for t in (value if isinstance(value, list) else [value]) if ":" not in t
                ]
            if key != "@value":
                found += relative_iris(value)
    return found
