"""Runs `tests/directory/saml_idp.py` (pysaml2) in its own process on a private port,
with a fresh signing key and certificate; `stop()` ends it and removes its files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.processes import ROOT, free_port


class SAMLIdentityProvider:
    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="moka_saml_idp_"))
        self.process: subprocess.Popen | None = None

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
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.directory.saml_idp", str(self.dir), str(self.port)],
            cwd=ROOT, stdout=(self.dir / "idp.log").open("wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/nothing", timeout=1):  # noqa: S310
                    pass
            except urllib.error.HTTPError:
                return self  # it answers (404)
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        log = (self.dir / "idp.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"test SAML identity provider did not start:\n{log}")

    def configure(self, *, people: dict, sp_metadata: str) -> None:
        """people: {username: {"password", "attributes": {name: [values]}, "authn_context"}}."""
        (self.dir / "control.json").write_text(
            json.dumps({"people": people, "sp_metadata": sp_metadata})
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)
