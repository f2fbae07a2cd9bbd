"""The city's signing keys: files outside the database, created, rotated and retired by
`manage.py credential_keys`; production refuses to start with a bad key file."""

import io
import os
import stat

import pytest
from django.core.management import CommandError, call_command

from certification.credentials import keys
from certification.credentials.checks import signing_key_files


def run(*args) -> str:
    out = io.StringIO()
    call_command("credential_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def key_dir(tmp_path, settings):
    settings.CREDENTIAL_KEYS_DIR = tmp_path / "keys"
    return settings.CREDENTIAL_KEYS_DIR


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_create_writes_a_private_key_only_its_owner_can_read(key_dir):
    output = run("create")

    (private,) = key_dir.glob("*.private.pem")
    (public,) = key_dir.glob("*.public.pem")
    assert mode(key_dir) == 0o700
    assert mode(private) == 0o600
    assert mode(public) == 0o644
    assert output.startswith("created http://127.0.0.1:8000/credentials/jwks.json#")


def test_create_refuses_when_a_key_exists(key_dir):
    run("create")

    with pytest.raises(CommandError, match="署名鍵は既にあります"):
        run("create")
    assert len(list(key_dir.glob("*.private.pem"))) == 1


def test_ensure_creates_a_key_only_once(key_dir):
    assert run("ensure").strip() == "created"
    assert run("ensure").strip() == "exists"
    assert len(list(key_dir.glob("*.private.pem"))) == 1


def test_rotate_signs_with_a_new_key_and_keeps_the_old_one_published(key_dir):
    run("create")
    old = keys.signing_key()

    run("rotate")

    new = keys.signing_key()
    assert new.thumbprint != old.thumbprint
    assert [k["kid"] for k in keys.jwk_set()["keys"]] == [new.kid, old.kid]
    assert len(list(key_dir.glob("*.private.pem"))) == 1  # the old private key is gone


def test_retire_takes_an_old_key_out_of_the_jwk_set(key_dir):
    run("create")
    old = keys.signing_key()
    run("rotate")

    run("retire", "--", old.thumbprint)

    assert old.kid not in [k["kid"] for k in keys.jwk_set()["keys"]]
    assert [k.thumbprint for k in keys.retired_keys()] == [old.thumbprint]
    assert run("retire", "--", old.thumbprint).strip() == "already retired"


def test_the_active_key_cannot_be_retired(key_dir):
    run("create")

    with pytest.raises(CommandError, match="使用中の署名鍵は失効できません"):
        run("retire", "--", keys.signing_key().thumbprint)
    assert len(keys.jwk_set()["keys"]) == 1


def test_retiring_an_unknown_key_says_so(key_dir):
    run("create")

    with pytest.raises(CommandError, match="その鍵は見つかりません"):
        run("retire", "no-such-key")


def test_list_shows_active_published_and_retired_keys(key_dir):
    run("create")
    first = keys.signing_key().thumbprint
    run("rotate")
    second = keys.signing_key().thumbprint
    run("rotate")
    run("retire", "--", first)

    lines = run("list").splitlines()

    assert [line.split()[1:] for line in lines] == [
        ["active", keys.signing_key().thumbprint],
        ["published", second],
        ["retired", first],
    ]


def test_the_thumbprint_is_rfc_7638():
    # RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    public = Ed25519PublicKey.from_public_bytes(__import__("base64").urlsafe_b64decode(x + "="))
    assert keys.thumbprint(public) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


# --- the production start-up check ----------------------------------------------------


def test_production_without_a_key_fails_the_check(key_dir, settings):
    settings.DEBUG = False

    errors = signing_key_files(None)

    assert [e.id for e in errors] == ["certification.E101"]
    assert "署名鍵のディレクトリがありません" in errors[0].msg


def test_production_with_a_private_key_readable_by_others_fails_the_check(key_dir, settings):
    run("create")
    (private,) = key_dir.glob("*.private.pem")
    os.chmod(private, 0o640)
    settings.DEBUG = False

    errors = signing_key_files(None)

    assert [e.id for e in errors] == ["certification.E101"]
    assert "chmod 600" in errors[0].msg


def test_production_with_a_key_directory_open_to_others_fails_the_check(key_dir, settings):
    run("create")
    os.chmod(key_dir, 0o755)  # noqa: S103 (the mistake under test)
    settings.DEBUG = False

    assert ["chmod 700" in e.msg for e in signing_key_files(None)] == [True]


def test_production_with_a_private_key_passes_the_check(key_dir, settings):
    run("create")
    settings.DEBUG = False

    assert signing_key_files(None) == []


def test_development_does_not_check_the_key(key_dir, settings):
    settings.DEBUG = True

    assert signing_key_files(None) == []


def test_seed_demo_creates_a_signing_key_when_there_is_none(key_dir, db):
    call_command("seed_demo", stdout=io.StringIO())

    assert keys.signing_key().thumbprint
    assert len(keys.jwk_set()["keys"]) == 1
