"""A throw-away OpenID Connect provider for the directory tests (django-oidc-provider).

It plays the city's identity provider (Entra ID, Keycloak, …) in a process of its own on a
private port, with its own SQLite database. The test fixture (`tests/directory/
oidc_server.py`) sets people, their claims and the portal's client through `/_control/`.
Not part of the product.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ["IDP_STATE_DIR"])

SECRET_KEY = "test-idp-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tests.directory.oidc_idp.views.TamperMiddleware",
]
ROOT_URLCONF = "tests.directory.oidc_idp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": STATE / "idp.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
SITE_URL = os.environ["IDP_SITE_URL"]
OIDC_USERINFO = "tests.directory.oidc_idp.views.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.directory.oidc_idp.views.id_token_hook"
OIDC_EXTRA_SCOPE_CLAIMS = "tests.directory.oidc_idp.views.CityScopeClaims"
OIDC_IDTOKEN_INCLUDE_CLAIMS = True
OIDC_SKIP_CONSENT_EXPIRE = 0
# Cookies are shared by every port of 127.0.0.1: the provider must not overwrite the
# portal's session in the browser journeys (a real provider lives on its own host).
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
