"""Our own `check --deploy` warnings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def login_limits_need_a_shared_cache(app_configs, **kwargs):
    """The login rate limits and the usual addresses live in the cache: with a
    per-process cache each gunicorn worker counts on its own, so an attacker gets the
    budget once per worker, and a restart forgets everything."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache is per process ({backend.rsplit('.', 1)[-1]}): login rate "
            "limits are not shared between processes.",
            hint="Set CACHE_URL to a shared cache, e.g. rediscache://127.0.0.1:6379/1.",
            id="accounts.W001",
        )
    ]


@register(Tags.security, deploy=True)
def client_address_behind_the_proxy(app_configs, **kwargs):
    """In production the portal runs behind the city's HTTPS proxy; without a trusted
    proxy setting every client has the proxy's address, and the per-address login limits
    and the 操作ログ see one terminal for the whole city."""
    if settings.DEBUG:
        return []
    count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if count or header:
        return []
    return [
        Warning(
            "No trusted proxy is configured: behind a proxy every client shares its address.",
            hint="Set TRUSTED_PROXY_COUNT (e.g. 1) or TRUSTED_CLIENT_IP_HEADER "
            "(e.g. X-Real-IP); if clients connect directly, set TRUSTED_PROXY_COUNT=0 "
            "and silence accounts.W002 with SILENCED_SYSTEM_CHECKS.",
            id="accounts.W002",
        )
    ]
