"""Real processes for the outage tests: a private redis-server and Celery workers.

A private Redis listens on a port of its own, so a test can stop and restart it without
touching the shared one at 6379.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for_tests() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class PrivateRedis:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def app_env(broker_url: str, **extra) -> dict:
    """The portal's own settings (not the test settings), against the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="moka_dx.settings.base",
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url_for_tests(),
        CELERY_BROKER_URL=broker_url,
        LOG_LEVEL="INFO",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        **extra,
    )
    return env


class Worker:
    def __init__(self, broker_url: str, log_path: Path, **env):
        self.broker_url = broker_url
        self.log_path = log_path
        self.env = env  # extra settings, e.g. CERTIFICATION_RECOMPUTE_RANGE
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "moka_dx",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=app_env(self.broker_url, **self.env),
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.wait_for(b"ready.", 30)
        return self

    def wait_for(self, text: bytes, seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.log_path.read_bytes():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"worker: {text!r} not seen:\n{self.log_path.read_text()[-3000:]}")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def run_in_app(code: str, broker_url: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run Python code in a fresh process with the portal's settings (like a web request
    or beat would), against the test database and the given broker."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=app_env(broker_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_until(predicate, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


class ServerProcess:
    """A server a test starts itself: a private loopback port, a temporary folder for its
    files and log, and `stop()` that always ends the process and removes the folder."""

    name = "server"

    def __init__(self, prefix: str):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.dir / "server.log"

    def spawn(self, args: list[str], **kwargs) -> None:
        self.process = subprocess.Popen(
            args, stdout=self.log.open("wb"), stderr=subprocess.STDOUT, **kwargs
        )

    def wait_until(self, ready, seconds: float = 30) -> None:
        """Wait for `ready()` to be true; if the process dies or time runs out, stop it
        and raise with the end of its log."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if ready():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        self.stop()
        raise RuntimeError(f"{self.name} did not start:\n{log}")

    def accepts_connections(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)
