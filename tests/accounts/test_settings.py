import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "tq8#Vz3L!pW0m@Rk5$Yb2&Nc9*Hd4^Jf7(Gs1)Ux6-Ae+Ki0=Lo2~Mp3|Qr4",
    "DJANGO_ALLOWED_HOSTS": "dx.city.example.jp",
    "DJANGO_SETTINGS_MODULE": "moka_dx.settings.base",
    # a shared cache for the login limits (accounts.W001) and the city's proxy (W002)
    "CACHE_URL": "rediscache://127.0.0.1:6379/1",
    "TRUSTED_PROXY_COUNT": "1",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_without_a_secret_key_refuse_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_with_the_production_environment_prints_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_production_runs_with_a_per_process_cache():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}

    result = run_manage("check", "--deploy", env=env)

    assert "accounts.W001" in result.stderr
    assert "CACHE_URL" in result.stderr
    assert "accounts.W002" not in result.stderr


def test_check_deploy_warns_when_no_trusted_proxy_is_configured():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "TRUSTED_PROXY_COUNT"}

    result = run_manage("check", "--deploy", env=env)

    assert "accounts.W002" in result.stderr
    assert "accounts.W001" not in result.stderr


def test_a_proxy_header_instead_of_a_count_satisfies_the_proxy_check():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "TRUSTED_PROXY_COUNT"}

    result = run_manage("check", "--deploy", env={**env, "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"})

    assert "accounts.W002" not in result.stderr


def test_the_development_settings_do_not_warn_about_the_cache(settings):
    from accounts.checks import login_limits_need_a_shared_cache

    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert login_limits_need_a_shared_cache(None) == []


def test_production_settings_enforce_mfa_for_hr_and_organisers():
    code = "from django.conf import settings; print(sorted(settings.MFA_REQUIRED_ROLES))"
    result = run_manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['hr_admin', 'organiser']"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SESSION_COOKIE_SECURE", "True"),
        ("SESSION_COOKIE_HTTPONLY", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
    ],
)
def test_production_cookies_are_secure_and_http_only(name, value):
    code = f"from django.conf import settings; print(settings.{name})"
    result = run_manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)

    assert result.stdout.strip() == value
