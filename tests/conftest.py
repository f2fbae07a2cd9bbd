import os

import pytest
from django.conf import settings
from django.db import connection

from accounts.roles import Role
from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason, what this environment cannot run."""
    from django.db import connections

    vendor = connections["default"].vendor
    broker = getattr(settings, "TEST_BROKER_URL", "")
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "broker" in item.keywords and not broker:
            item.add_marker(pytest.mark.skip(reason="needs a broker (set CELERY_BROKER_URL)"))
        if "browser" in item.keywords and not os.path.exists("/usr/bin/chromium"):
            item.add_marker(pytest.mark.skip(reason="needs Debian's chromium (make test)"))


def pytest_terminal_summary(terminalreporter):
    """Per form, how many hostile-input requests were accepted and refused (recorded by
    tests/test_hostile_input.py with `record_property`)."""
    rows = [
        value
        for report in terminalreporter.stats.get("passed", [])
        + terminalreporter.stats.get("failed", [])
        for key, value in getattr(report, "user_properties", ())
        if key == "hostile_input"
    ]
    if not rows:
        return
    terminalreporter.section("hostile input: generated requests per form")
    for row in sorted(rows, key=lambda r: r["form"]):
        terminalreporter.write_line(
            f"{row['form']:<60} {row['accepted']:>3} accepted {row['refused']:>3} refused"
        )


@pytest.fixture
def staff(db):
    return factories.UserFactory()


@pytest.fixture
def executive(db):
    return factories.ExecutiveFactory()


@pytest.fixture
def expert(db):
    return factories.ExpertFactory()


@pytest.fixture
def organiser(db):
    return factories.UserFactory(roles=[Role.STAFF, Role.ORGANISER])


@pytest.fixture
def hr_admin(db):
    return factories.UserFactory(roles=[Role.STAFF, Role.HR_ADMIN])


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


# --- Playwright: Debian's Chromium, never a downloaded browser -------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args():
    return {
        "locale": "ja-JP",
        "timezone_id": "Asia/Tokyo",
        "viewport": {"width": 1280, "height": 900},
    }


# --- A real Celery worker process against the test database ----------------------------
@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """Start `celery worker` in a subprocess on a private queue, pointed at the test
    database, and route this process's tasks to it (not eagerly). Yields a handle with
    `.queue`, `.process` and `.restart()`; the worker is stopped afterwards."""
    import subprocess
    import sys
    import time
    import uuid

    from moka_dx.celery import app

    broker = settings.TEST_BROKER_URL
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database_url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "moka_dx.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": queue,
    }
    log = tmp_path / "worker.log"

    class Handle:
        def __init__(self):
            self.queue = queue
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
                    "-Q",
                    queue,
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "info",
                ],
                env=env,
                stdout=log.open("ab"),
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if b"ready." in log.read_bytes():
                    return
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
            raise RuntimeError(f"worker did not start:\n{log.read_text()[-3000:]}")

        def stop(self, sig=None):
            import signal

            if self.process and self.process.poll() is None:
                self.process.send_signal(sig or signal.SIGTERM)
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()

        def restart(self):
            self.stop()
            self.start()

        @property
        def log(self):
            return log.read_text()

    saved = {
        k: app.conf[k]
        for k in ("task_always_eager", "task_default_queue", "broker_url", "result_backend")
    }
    app.conf.update(
        task_always_eager=False, task_default_queue=queue, broker_url=broker, result_backend=broker
    )
    handle = Handle()
    handle.start()
    try:
        yield handle
    finally:
        handle.stop()
        app.conf.update(saved)
