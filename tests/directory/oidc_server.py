"""Runs the test identity provider (`oidc_idp`, django-oidc-provider) in its own process
on a private loopback port, with a temporary SQLite database; `stop()` ends and removes it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.processes import ROOT, free_port

CLIENT_ID = "dx-portal"
CLIENT_SECRET = "s3cret"


class OIDCProvider:
    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="moka_idp_"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.directory.oidc_idp.settings",
            IDP_STATE_DIR=str(self.dir),
            IDP_SITE_URL=self.url,
            PYTHONPATH=str(ROOT),
        )
        return env

    def _manage(self, *args):
        subprocess.run(
            [sys.executable, "-m", "django", *args],
            cwd=ROOT, env=self._env(), check=True, capture_output=True, timeout=120,
        )

    def start(self) -> OIDCProvider:
        self._manage("migrate", "--noinput", "-v", "0")
        self._manage("creatersakey")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}",
             "--noreload", "--skip-checks"],
            cwd=ROOT, env=self._env(),
            stdout=(self.dir / "idp.log").open("wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration",  # noqa: S310
                                            timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        log = (self.dir / "idp.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"test identity provider did not start:\n{log}")

    def configure(self, *, people: dict, redirect_uris: list[str], tamper: str = "") -> None:
        """people: {username: {"password": …, "claims": {…}, "active": bool}}."""
        body = json.dumps({"people": people, "redirect_uris": redirect_uris, "tamper": tamper})
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/_control/", data=body.encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            assert json.loads(answer.read())["ok"]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)
