"""Settings for every environment.

Production behaviour is the default; development is switched on with DJANGO_DEBUG=1.
Every value comes from the environment (or a `.env` file beside manage.py), read with
django-environ. See `.env.example` and the README's configuration table.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # Fail fast: a production process must never run with a guessable key.
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-moka-dx"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    # Our apps, lowest first: each may import only the ones above it.
    "accounts",
    "projects",
    "evaluations",
    "training",
    "showcase",
    "certification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.CookieLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# The benchmarks serve bench/urls.py (the portal plus a floor page); never set in production.
ROOT_URLCONF = env.str("DJANGO_ROOT_URLCONF", default="moka_dx.urls")
WSGI_APPLICATION = "moka_dx.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.roles",
                "accounts.context_processors.contacts",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Template fragments (the navbar's role links per role set and language): in each
    # process's memory, so a page never waits on, or fails with, a cache server.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
    },
}

AUTH_USER_MODEL = "accounts.User"
# --- Directory sign-in (docs/decisions: directory sign-in) -------------------------------
# The city's LDAP / Active Directory (django-auth-ldap) and identity provider (OpenID
# Connect through allauth), both off unless configured; local passwords stay for the
# demo, external experts and break-glass accounts (LOCAL_LOGIN=listed limits them to the
# people HR lists). accounts.directory.config reads the variables (README's table).
from accounts.directory import config as _directory  # noqa: E402

_ldap = _directory.ldap_settings(os.environ)
globals().update(_ldap)  # AUTH_LDAP_* for django-auth-ldap, DIRECTORY_LDAP_* for us
DIRECTORY_LDAP_ENABLED = bool(_ldap)
DIRECTORY_OIDC = _directory.oidc_settings(os.environ)
DIRECTORY_SAML = _directory.saml_settings(os.environ)
DIRECTORY_CREATE_USERS = env.bool("DIRECTORY_CREATE_USERS", default=False)
SSO_MFA_AMR = _directory.mfa_amr_values(os.environ)
LOCAL_LOGIN = _directory.local_login_policy(os.environ)

AUTHENTICATION_BACKENDS = [
    *(["accounts.directory.backends.DirectoryLDAPBackend"] if DIRECTORY_LDAP_ENABLED else []),
    "accounts.directory.backends.LocalModelBackend",
    "accounts.directory.backends.LocalAllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# --- django-allauth -------------------------------------------------------------------
# Accounts come from HR (admin, roster import): nobody signs up. Staff log in with their
# 職員番号 or e-mail address; external experts, who have no 職員番号, with e-mail.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "employee_number"
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# A password reset for an address nobody has sends nothing (no mail to strangers; the
# page answers the same either way, so it reveals nothing).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Login limits that fit a city network (decision 0010, accounts.login_limits): failures
# per (account, address) and per address; a slower per-account budget that is waived at
# the holder's usual addresses (completed logins in the last LOGIN_USUAL_ADDRESS_DAYS).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE", default="20/m/ip,5/5m/key"),
    "login_failed_account": env.str("LOGIN_FAILED_ACCOUNT_RATE", default="30/h/key"),
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_ADAPTER = "accounts.directory.sso.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": [DIRECTORY_OIDC["app"]] if DIRECTORY_OIDC else []},
    "saml": {
        "provider_class": "accounts.directory.sso.CitySAMLProvider",
        "APPS": [DIRECTORY_SAML["app"]] if DIRECTORY_SAML else [],
    },
}
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # we match by 職員番号 / e-mail ourselves
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the button POSTs (CSRF-protected)
LOGIN_USUAL_ADDRESS_DAYS = env.int("LOGIN_USUAL_ADDRESS_DAYS", default=90)
# The client's address behind the city's HTTPS proxy, for the limits above and the
# 操作ログ: either the number of proxies in front of us that append to X-Forwarded-For,
# or the name of a header the proxy sets to the client's address (e.g. X-Real-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Moka DX")
# Roles that must set up MFA before they can reach any page (accounts.middleware); and
# whether superusers and anyone with スタッフ権限 must too. Both are off in the demo.
MFA_REQUIRED_ROLES = env.list(
    "MFA_REQUIRED_ROLES", default=[] if DEBUG else ["hr_admin", "organiser"]
)
MFA_REQUIRED_FOR_ADMIN_FLAGS = env.bool("MFA_REQUIRED_FOR_ADMIN_FLAGS", default=not DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Language and time ----------------------------------------------------------------
# Japanese is the default whatever the browser's Accept-Language says; English only when
# the user picks it (kept in the language cookie). See accounts.middleware.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats where Django renders dates itself; pages use accounts/fiscal.py (和暦).
FORMAT_MODULE_PATH = ["moka_dx.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files: everything is served by us (LGWAN cannot reach a CDN) ----------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dx-portal@city.moka.example.jp")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery ----------------------------------------------------------------------------
# Without a broker, tasks run eagerly in-process (the demo needs no Redis).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Over-cap activity-hours notices to the 所属長 still unsent (broker or SMTP was down).
    "projects-hours-notices": {
        "task": "projects.send_hours_notices",
        "schedule": crontab(minute=45),
    },
    # Reminder e-mails to raters who have not answered (idempotent: sent once per key).
    "evaluation-reminders": {
        "task": "evaluations.send_reminders",
        "schedule": crontab(minute=0, hour="8-18"),
    },
    # Recompute certification of whoever is still marked stale (e.g. Redis was down).
    "certification-nightly-sweep": {
        "task": "certification.recompute_stale",
        "schedule": crontab(minute=30, hour=2),
    },
    # 所属長 e-mails still owed (the broker or SMTP was down when someone applied).
    "projects-consent-requests": {
        "task": "projects.send_consent_requests",
        "schedule": crontab(minute=45),
    },
    # Award e-mails still owed (the broker or SMTP was down when they were published).
    "certification-award-emails": {
        "task": "certification.send_owed_award_emails",
        "schedule": crontab(minute=15),
    },
}

# --- Security (production unless DEBUG) ------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Deliberate: the city's domain is submitted to the preload list by its own IT team.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# Content Security Policy: only our own origin; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # the city's identity provider, where the sign-in buttons' posts redirect
        "form-action": ["'self'", *_directory.sign_in_origins(DIRECTORY_OIDC, DIRECTORY_SAML)],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Personal data (evaluations, certifications) never goes to the logs: we log ids only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Programme settings ----------------------------------------------------------------
CERTIFICATE_ISSUER = env.str("CERTIFICATE_ISSUER", default="真岡市長 石坂 真一")
CITY_NAME = env.str("CITY_NAME", default="真岡市")
# Whom the pages name when something goes wrong: accounts and passwords are HR's, the
# programme is the DX office's (allauth's stock text says only 「ご連絡ください」).
PASSWORD_HELP_CONTACT = env.str("PASSWORD_HELP_CONTACT", default="人事課")
PORTAL_HELP_CONTACT = env.str("PORTAL_HELP_CONTACT", default="デジタル戦略課（DX推進担当）")
LEADERSHIP_ANONYMITY_THRESHOLD = env.int("LEADERSHIP_ANONYMITY_THRESHOLD", default=3)
# 認定決裁: "approval" (the recompute proposes, an HR admin decides with 決裁日 and 決裁番号)
# or "automatic" (the recompute publishes at once, 決裁日 = the day of the recompute).
CERTIFICATION_PUBLISH_MODE = env.str("CERTIFICATION_PUBLISH_MODE", default="approval")
if CERTIFICATION_PUBLISH_MODE not in ("approval", "automatic"):
    raise ImproperlyConfigured("CERTIFICATION_PUBLISH_MODE must be 'approval' or 'automatic'.")
# The full recompute streams people by ranges of this many user ids (memory is bounded by
# the range; "recompute everyone" from the admin queues one Celery task per range, so more
# workers finish it sooner). 0: everyone in one pass.
CERTIFICATION_RECOMPUTE_RANGE = env.int("CERTIFICATION_RECOMPUTE_RANGE", default=50000)
# Four eyes: the HR admin who prepared a proposal does not approve it while another active
# HR admin exists. On by default in production.
CERTIFICATION_TWO_PERSON_RULE = env.bool("CERTIFICATION_TWO_PERSON_RULE", default=not DEBUG)
DISAGREEMENT_STDEV = env.float("DISAGREEMENT_STDEV", default=20.0)
MATERIALS_MAX_BYTES = env.int("MATERIALS_MAX_BYTES", default=20 * 1024 * 1024)
# Largest certificate file (合格証書・修了証) staff attach to a qualification or course.
TRAINING_CERTIFICATE_MAX_BYTES = env.int("TRAINING_CERTIFICATE_MAX_BYTES", default=5 * 1024 * 1024)

# --- Portable credentials (Open Badges 3.0, see certification/credentials/) -------------
# The city's Ed25519 signing keys live in files, never in the database: the one private
# key (0600) and every published public key. Production refuses to start with a missing
# or readable-by-others key (system check certification.E10x). `manage.py credential_keys`.
CREDENTIAL_KEYS_DIR = env.path("CREDENTIAL_KEYS_DIR", default=BASE_DIR / "var" / "credential-keys")
CITY_NAME_EN = env.str("CITY_NAME_EN", default="Moka City")
CITY_URL = env.str("CITY_URL", default="https://www.city.moka.lg.jp/")

# --- Careers: transfers, name changes, leavers (issue #14, decision 0023) ---------------
# Years after a person left (User.left_on) before `manage.py anonymise_leavers --apply`
# blanks their personal data beyond what their certification needs.
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=5)
