"""Runs the test identity provider (`oidc_idp`, django-oidc-provider) in its own process
on a private loopback port, with a temporary SQLite database; `stop()` ends and removes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

from tests.processes import ROOT, ServerProcess

CLIENT_ID = "dx-portal"
CLIENT_SECRET = "s3cret"


class OIDCProvider(ServerProcess):
    name = "test OpenID Connect provider"

    def __init__(self):
        super().__init__("moka_idp_")

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
        self.spawn(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}",
             "--noreload", "--skip-checks"],
            cwd=ROOT, env=self._env(),
        )
        self.wait_until(self._answers)
        return self

    def _answers(self) -> bool:
        url = f"{self.issuer}/.well-known/openid-configuration"
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310
                return True
        except OSError:
            return False

    def configure(self, *, people: dict, redirect_uris: list[str], tamper: str = "") -> None:
        """people: {username: {"password": …, "claims": {…}, "active": bool}}."""
        body = json.dumps({"people": people, "redirect_uris": redirect_uris, "tamper": tamper})
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/_control/", data=body.encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            assert json.loads(answer.read())["ok"]
