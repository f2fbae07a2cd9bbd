"""Runs `tests/directory/saml_idp.py` (pysaml2) in its own process on a private port,
with a fresh signing key and certificate; `stop()` ends it and removes its files."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.processes import ROOT, ServerProcess


class SAMLIdentityProvider(ServerProcess):
    name = "test SAML identity provider"

    def __init__(self):
        super().__init__("moka_saml_idp_")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return f"{self.url}/metadata"

    @property
    def certificate(self) -> str:
        pem = (self.dir / "idp.crt").read_text()
        return "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)

    def start(self) -> SAMLIdentityProvider:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=city-idp.test", "-keyout", str(self.dir / "idp.key"),
             "-out", str(self.dir / "idp.crt")],
            check=True, capture_output=True,
        )
        self.spawn(
            [sys.executable, "-m", "tests.directory.saml_idp", str(self.dir), str(self.port)],
            cwd=ROOT,
        )
        self.wait_until(self.accepts_connections, 20)
        return self

    def configure(self, *, people: dict, sp_metadata: str) -> None:
        """people: {username: {"password", "attributes": {name: [values]}, "authn_context"}}."""
        (self.dir / "control.json").write_text(
            json.dumps({"people": people, "sp_metadata": sp_metadata})
        )
