"""Start-up check: in production the signing key must exist and be private."""

from django.conf import settings
from django.core.checks import Error, register

from .keys import key_file_problems


@register("certification")
def signing_key_files(app_configs, **kwargs):
    """certification.E101: missing, duplicated or readable-by-others signing key (only
    when DEBUG is off: development and tests make their keys on demand)."""
    if settings.DEBUG:
        return []
    return [
        Error(
            problem,
            hint="manage.py credential_keys create（鍵の場所は CREDENTIAL_KEYS_DIR）",
            id="certification.E101",
        )
        for problem in key_file_problems()
    ]
