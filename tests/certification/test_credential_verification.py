"""Verifying a credential from outside, over HTTP only (Django's live server): with
PyJWT's JWK client, with openbadgeslib's OB 3.0 verifier, and with our own
`verify_credential` command, which must not touch the database."""

import base64
import io
import json
import urllib.request

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from openbadgeslib.util import download_file

from certification.credentials import keys
from certification.credentials.jose import sign_compact
from certification.models import Certification
from tests import factories
from tests.certification.credential_support import revoke

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings, tmp_path):
    """The portal at the live server's address, with a fresh signing key."""
    settings.SITE_URL = live_server.url
    settings.CREDENTIAL_KEYS_DIR = tmp_path / "keys"
    keys.key_create()
    return live_server.url


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our live server)
        return response.read()


def credential_token(site, cert) -> str:
    path = reverse("certification:credential_jwt", kwargs={"public_id": cert.public_id})
    return get(site + path).decode()


def write(tmp_path, token: str):
    path = tmp_path / "credential.jwt"
    path.write_text(token)
    return path


def verify_command(path) -> str:
    """Run `verify_credential` and return its output; assert it queried no database."""
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        try:
            call_command("verify_credential", str(path), stdout=out)
        except CommandError as error:
            assert len(queries) == 0
            return f"ERROR {error}"
    assert len(queries) == 0
    return out.getvalue()


def ob_verifier_for(site, token) -> OB3Verifier:
    """openbadgeslib verifies against a PEM key: take the one the JWK Set publishes for
    the token's kid (fetched over HTTP, like any verifier)."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = json.loads(get(f"{site}/credentials/jwks.json"))
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    public = jwt.PyJWK(jwk).key
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return OB3Verifier(pubkey_pem=pem)


def plain_http(url: str) -> bytes:
    # The live server speaks plain HTTP on loopback; production is HTTPS.
    return download_file(url, allow_insecure=True, allow_private=True)


def tampered(token: str) -> str:
    """One byte of the payload changed (the name's last digit of the year)."""
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    position = raw.index(b"FY2024") + 5
    raw[position] = ord("5")
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


# --- independent libraries ------------------------------------------------------------


def test_pyjwt_verifies_the_credential_with_the_jwk_set_fetched_over_http(site):
    cert = factories.CertificationFactory()
    token = credential_token(site, cert)

    client = jwt.PyJWKClient(f"{site}/credentials/jwks.json")
    key = client.get_signing_key_from_jwt(token)
    payload = jwt.decode(token, key.key, algorithms=["EdDSA"])

    assert payload["id"] == f"urn:uuid:{cert.public_id}"


def test_openbadgeslib_verifies_the_credential_and_its_status(site):
    cert = factories.CertificationFactory()
    token = credential_token(site, cert)

    credential = ob_verifier_for(site, token).verify(
        token, check_status=True, verify_status_list=True, download=plain_http
    )

    assert credential.achievement.name == "DXアドバイザー / DX Advisor"
    assert credential.issuer.id == f"{site}/credentials/issuer"


def test_openbadgeslib_says_a_revoked_credential_is_revoked(site, hr_admin):
    cert = factories.CertificationFactory()
    token = credential_token(site, cert)
    revoke(cert, by=hr_admin)

    with pytest.raises(OB3VerificationError, match="Credential status 'revocation' is set"):
        ob_verifier_for(site, token).verify(
            token, check_status=True, verify_status_list=True, download=plain_http
        )


def test_openbadgeslib_refuses_a_tampered_credential(site):
    cert = factories.CertificationFactory()
    token = credential_token(site, cert)

    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        ob_verifier_for(site, token).verify(tampered(token))


# --- our command, as an outside verifier ----------------------------------------------


def test_the_command_says_a_held_credential_is_valid(site, tmp_path):
    cert = factories.CertificationFactory(
        user=factories.UserFactory(last_name="芳賀", first_name="一郎")
    )
    path = write(tmp_path, credential_token(site, cert))

    output = verify_command(path)

    assert output.startswith("VALID 有効: DXアドバイザー（令和6年度）")
    assert "芳賀 一郎" in output


def test_the_command_says_a_flagged_credential_is_still_valid(site, tmp_path):
    cert = factories.CertificationFactory(status=Certification.Status.FLAGGED, flag_reason="再計算")
    path = write(tmp_path, credential_token(site, cert))

    assert verify_command(path).startswith("VALID")


def test_the_command_says_a_revoked_credential_is_revoked(site, tmp_path, hr_admin):
    cert = factories.CertificationFactory()
    path = write(tmp_path, credential_token(site, cert))
    revoke(cert, by=hr_admin)

    output = verify_command(path)

    assert output.startswith("ERROR REVOKED 取消: the credential has been revoked by its issuer")


def test_the_command_refuses_a_credential_with_one_byte_changed(site, tmp_path):
    cert = factories.CertificationFactory()
    path = write(tmp_path, tampered(credential_token(site, cert)))

    output = verify_command(path)

    assert output.startswith("ERROR INVALID 無効: the signature does not match")


def test_the_command_refuses_a_credential_signed_with_another_key_under_our_kid(site, tmp_path):
    cert = factories.CertificationFactory()
    token = credential_token(site, cert)
    payload = jwt.decode(token, options={"verify_signature": False})
    ours = keys.signing_key()
    forged = sign_compact(
        payload,
        key=keys.SigningKey(thumbprint=ours.thumbprint, private_key=Ed25519PrivateKey.generate()),
    )

    output = verify_command(write(tmp_path, forged))

    assert output.startswith("ERROR INVALID 無効: the signature does not match")


def test_the_command_refuses_a_credential_signed_with_a_key_the_issuer_does_not_publish(
    site, tmp_path
):
    cert = factories.CertificationFactory()
    payload = jwt.decode(credential_token(site, cert), options={"verify_signature": False})
    stranger = keys.SigningKey(thumbprint="stranger", private_key=Ed25519PrivateKey.generate())

    output = verify_command(write(tmp_path, sign_compact(payload, key=stranger)))

    assert output.startswith("ERROR INVALID 無効: the signing key")
    assert "is not published by the issuer" in output


def test_the_command_refuses_a_credential_whose_key_lives_elsewhere(site, tmp_path):
    cert = factories.CertificationFactory()
    payload = jwt.decode(credential_token(site, cert), options={"verify_signature": False})
    header = {"alg": "EdDSA", "kid": "https://attacker.example/jwks.json#k", "typ": "vc+jwt"}
    forged = jwt.encode(payload, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers=header)

    output = verify_command(write(tmp_path, forged))

    assert "is not published at the issuer's address" in output


def test_a_credential_signed_before_a_rotation_still_verifies_after_it(site, tmp_path):
    cert = factories.CertificationFactory()
    before = credential_token(site, cert)

    call_command("credential_keys", "rotate", stdout=io.StringIO())
    after = credential_token(site, cert)

    assert jwt.get_unverified_header(before)["kid"] != jwt.get_unverified_header(after)["kid"]
    assert verify_command(write(tmp_path, before)).startswith("VALID")
    assert verify_command(write(tmp_path, after)).startswith("VALID")


def test_a_credential_signed_with_a_retired_key_fails_with_the_reason(site, tmp_path):
    cert = factories.CertificationFactory()
    old = credential_token(site, cert)
    old_thumbprint = keys.signing_key().thumbprint
    call_command("credential_keys", "rotate", stdout=io.StringIO())

    call_command("credential_keys", "retire", old_thumbprint, stdout=io.StringIO())

    output = verify_command(write(tmp_path, old))
    assert output.startswith("ERROR INVALID 無効: the signing key")
    assert "(a retired key, or a key that is not the issuer's)" in output


def test_the_command_refuses_a_credential_from_another_issuer(site, tmp_path, settings):
    cert = factories.CertificationFactory()
    path = write(tmp_path, credential_token(site, cert))

    out = io.StringIO()
    with pytest.raises(CommandError, match="is not the expected issuer"):
        call_command(
            "verify_credential", str(path), "--issuer", "https://other.example/issuer", stdout=out
        )


def test_the_command_refuses_a_file_that_is_not_a_jwt(site, tmp_path):
    output = verify_command(write(tmp_path, "not a credential"))

    assert output.startswith("ERROR INVALID 無効: not a compact JWS")
