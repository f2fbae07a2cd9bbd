"""Test settings: the base settings in development mode, made fast and deterministic."""

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process unless a test starts a real worker itself (see
# tests/conftest.py `celery_worker_process`); the broker URL stays known to those tests.
CELERY_TASK_ALWAYS_EAGER = True
TEST_BROKER_URL = CELERY_BROKER_URL
MEDIA_ROOT = tempfile.mkdtemp(prefix="moka_dx_media_")
ACCOUNT_RATE_LIMITS = False
WHITENOISE_AUTOREFRESH = True
# The city's signing key for tests: a private directory per run (tests that rotate or
# retire keys point CREDENTIAL_KEYS_DIR at their own tmp_path).
CREDENTIAL_KEYS_DIR = tempfile.mkdtemp(prefix="moka_dx_keys_")
