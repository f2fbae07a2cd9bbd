"""Fixtures for the browser journeys: signed-in pages (one browser context per person),
numbered screenshots under artifacts/screenshots/, and whatever runs Celery tasks."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

PASSWORD = "pass-word-123"  # tests/factories.py UserFactory
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
TABLET = {"width": 768, "height": 1024}

expect.set_options(timeout=10_000)


@pytest.fixture
def shoot():
    """`shoot(page, "journey", "step")` saves artifacts/screenshots/<journey>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, journey: str, step: str) -> Path:
        path = SCREENSHOTS / f"{journey}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def sign_in(request, browser, browser_context_args, live_server):
    """`sign_in(user, login=..., viewport=...)` opens a fresh browser context (its own
    cookies, like a separate device), signs in on the login page and returns the page on
    the home screen. `sign_in(None)` returns an anonymous page. Console errors (CSP
    violations, script errors) of every page are collected in `sign_in.problems`."""
    contexts = []
    problems: list[str] = []

    def _console(message, *, who):
        # CSP violations and script errors are bugs (the CSP allows only our own static
        # files); a 404 for /favicon.ico is not.
        if message.type == "error" and "favicon" not in (message.location or {}).get("url", ""):
            problems.append(f"{who}: {message.text}")

    def _sign_in(user, *, login: str | None = None, viewport: dict | None = None):
        args = {**browser_context_args, "base_url": live_server.url}
        if viewport:
            args["viewport"] = viewport
        context = browser.new_context(**args)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _console(message, who=login or user))
        page.on("pageerror", lambda error: problems.append(f"{user}: {error}"))
        if user is None:
            return page
        page.goto("/accounts/login/")
        expect(page.get_by_role("heading", name="DX人材ポータルにログイン")).to_be_visible()
        page.locator("#id_login").fill(login or user.employee_number or user.email)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="ログイン", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile(rf"ようこそ、{re.escape(user.full_name)} 様")
        )
        return page

    _sign_in.problems = problems
    yield _sign_in
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, context in enumerate(contexts, start=1):
        if failed:  # what each person was looking at when the test failed
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for page in context.pages:
                page.screenshot(path=str(SCREENSHOTS / f"FAILED-context{n}.png"), full_page=True)
        context.close()


@pytest.fixture
def task_worker(request, transactional_db):
    """A real Celery worker (subprocess, private queue, test database) when a broker is
    configured; otherwise None and tasks run eagerly in the live server's thread."""
    if getattr(settings, "TEST_BROKER_URL", ""):
        return request.getfixturevalue("celery_worker_process")
    return None
