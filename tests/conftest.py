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
