"""The city's Ed25519 signing keys, in files under ``settings.CREDENTIAL_KEYS_DIR``.

Layout (one directory, nothing in the database):

    <stamp>-<thumbprint>.private.pem   the ACTIVE private key (PKCS#8, mode 0600); one only
    <stamp>-<thumbprint>.public.pem    every PUBLISHED public key (the active one and
                                       every key rotated out): old credentials verify
    retired/<stamp>-<thumbprint>.public.pem   keys taken out of the JWK Set (compromised
                                       or expired): what they signed no longer verifies

``stamp`` is the UTC creation time (files sort oldest first). A key's ``kid`` is the URL
of the JWK Set with the key's RFC 7638 thumbprint as fragment, so the JOSE header's
``kid`` dereferences to the key (OB 3.0 §8.2: "kid: a URI that can be dereferenced to a
JWK"). The key functions are the only writers of the directory; each is idempotent or
refuses with a `CredentialKeyError`.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from ..exceptions import CertificationError

PRIVATE_SUFFIX = ".private.pem"
PUBLIC_SUFFIX = ".public.pem"
RETIRED = "retired"


class CredentialKeyError(CertificationError):
    """The signing key is missing, or a key command cannot do what it was asked."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def keys_dir() -> Path:
    return Path(settings.CREDENTIAL_KEYS_DIR)


def jwks_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certification:credential_jwks")


def thumbprint(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of an Ed25519 public key."""
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(_raw(public_key))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url(hashlib.sha256(canonical.encode()).digest())


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _thumb_of(path: Path) -> str:
    # "<stamp>-<thumbprint>.public.pem": the thumbprint is base64url (may hold "-").
    return path.name.split("-", 1)[1].split(".", 1)[0]


@dataclass(frozen=True)
class PublishedKey:
    thumbprint: str
    public_key: Ed25519PublicKey
    created: str  # the file's UTC stamp, e.g. 20261130T040000Z
    active: bool = False

    @property
    def kid(self) -> str:
        return f"{jwks_url()}#{self.thumbprint}"

    def jwk(self) -> dict:
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(_raw(self.public_key)),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }


@dataclass(frozen=True)
class SigningKey:
    thumbprint: str
    private_key: Ed25519PrivateKey

    @property
    def kid(self) -> str:
        return f"{jwks_url()}#{self.thumbprint}"


def _private_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{PRIVATE_SUFFIX}")) if directory.is_dir() else []


def _load_public(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise CredentialKeyError(
            _("署名鍵のファイルがEd25519の鍵ではありません: %(name)s") % {"name": path.name}
        )
    return key


def signing_key() -> SigningKey:
    """The active private key. Raises `CredentialKeyError` when there is none (or two)."""
    files = _private_files(keys_dir())
    if len(files) != 1:
        raise CredentialKeyError(
            _("認定のデジタル証明書に署名する鍵がありません（manage.py credential_keys create）。")
            if not files
            else _("署名鍵が複数あります。ローテーションをやり直してください。")
        )
    key = serialization.load_pem_private_key(files[0].read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CredentialKeyError(
            _("署名鍵のファイルがEd25519の鍵ではありません: %(name)s") % {"name": files[0].name}
        )
    return SigningKey(thumbprint=_thumb_of(files[0]), private_key=key)


def published_keys() -> list[PublishedKey]:
    """Every published public key, newest first (the active one flagged)."""
    directory = keys_dir()
    if not directory.is_dir():
        return []
    active = {_thumb_of(p) for p in _private_files(directory)}
    result = []
    for path in sorted(directory.glob(f"*{PUBLIC_SUFFIX}"), reverse=True):
        thumb = _thumb_of(path)
        result.append(
            PublishedKey(
                thumbprint=thumb,
                public_key=_load_public(path),
                created=path.name.split("-", 1)[0],
                active=thumb in active,
            )
        )
    return result


def retired_keys() -> list[PublishedKey]:
    directory = keys_dir() / RETIRED
    if not directory.is_dir():
        return []
    return [
        PublishedKey(
            thumbprint=_thumb_of(path),
            public_key=_load_public(path),
            created=path.name.split("-", 1)[0],
        )
        for path in sorted(directory.glob(f"*{PUBLIC_SUFFIX}"), reverse=True)
    ]


def jwk_set() -> dict:
    """The JWK Set published at `jwks_url()`: public keys only, never a private part."""
    return {"keys": [key.jwk() for key in published_keys()]}


def _write(path: Path, data: bytes, mode: int) -> None:
    # O_EXCL: never overwrite a key; the mode is set at creation, before any byte lands.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)  # whatever the umask


def _new_key(directory: Path) -> PublishedKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    thumb = thumbprint(public)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    _write(
        directory / f"{stamp}-{thumb}{PUBLIC_SUFFIX}",
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        0o644,
    )
    _write(
        directory / f"{stamp}-{thumb}{PRIVATE_SUFFIX}",
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        0o600,
    )
    return PublishedKey(thumbprint=thumb, public_key=public, created=stamp, active=True)


def _ensure_dir() -> Path:
    directory = keys_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def key_create() -> PublishedKey:
    """Create the deployment's first signing key. Refuses when one exists (use rotate)."""
    directory = _ensure_dir()
    if _private_files(directory):
        raise CredentialKeyError(
            _("署名鍵は既にあります。新しい鍵に替えるときは rotate を使ってください。")
        )
    return _new_key(directory)


def key_ensure() -> bool:
    """Create a signing key if there is none (the demo). True if one was created."""
    if _private_files(keys_dir()):
        return False
    key_create()
    return True


def key_rotate() -> PublishedKey:
    """A new active key; the old private key is deleted (nothing is signed with it again)
    and its public key stays published, so what it signed keeps verifying."""
    directory = _ensure_dir()
    old = _private_files(directory)
    new = _new_key(directory)
    for path in old:
        path.unlink()
    return new


def key_retire(*, thumbprint: str) -> bool:
    """Take a rotated-out public key out of the JWK Set (compromised or expired): every
    credential it signed stops verifying. The active key cannot be retired (rotate
    first). False if the key is already retired."""
    directory = keys_dir()
    matches = list(directory.glob(f"*-{thumbprint}{PUBLIC_SUFFIX}")) if directory.is_dir() else []
    if not matches:
        if list((directory / RETIRED).glob(f"*-{thumbprint}{PUBLIC_SUFFIX}")):
            return False
        raise CredentialKeyError(_("その鍵は見つかりません: %(kid)s") % {"kid": thumbprint})
    if list(directory.glob(f"*-{thumbprint}{PRIVATE_SUFFIX}")):
        raise CredentialKeyError(
            _("使用中の署名鍵は失効できません。先に rotate で新しい鍵に替えてください。")
        )
    (directory / RETIRED).mkdir(mode=0o700, exist_ok=True)
    for path in matches:
        path.rename(directory / RETIRED / path.name)
    return True


def key_file_problems() -> list[str]:
    """What is wrong with the key files for production (empty list: nothing)."""
    directory = keys_dir()
    if not directory.is_dir():
        return [_("署名鍵のディレクトリがありません: %(path)s") % {"path": directory}]
    problems = []
    if stat.S_IMODE(directory.stat().st_mode) & 0o077:
        problems.append(
            _(
                "署名鍵のディレクトリは所有者だけが読み書きできるようにしてください（chmod 700）: %(path)s"
            )
            % {"path": directory}
        )
    files = _private_files(directory)
    if not files:
        problems.append(
            _("認定のデジタル証明書に署名する鍵がありません（manage.py credential_keys create）。")
        )
    elif len(files) > 1:
        problems.append(_("署名鍵が複数あります。ローテーションをやり直してください。"))
    for path in files:
        info = path.stat()
        if stat.S_IMODE(info.st_mode) & 0o077:
            problems.append(
                _("署名鍵のファイルは所有者だけが読めるようにしてください（chmod 600）: %(path)s")
                % {"path": path}
            )
        if info.st_uid != os.geteuid():
            problems.append(
                _("署名鍵のファイルの所有者がこのプロセスの利用者ではありません: %(path)s")
                % {"path": path}
            )
    return problems
