"""Login rate limits that fit a city network (decision 0010).

Three budgets, all counted in the shared cache (`CACHE_URL`; see the system check
`accounts.W001`) and configured in `ACCOUNT_RATE_LIMITS`:

- `login_failed`, per (account, client address) and per client address
  (default `20/m/ip,5/5m/key`): five wrong passwords for one account from one terminal
  stop that terminal for that account; twenty failures of any names from one terminal
  stop that terminal. A stranger at another address never uses up the holder's budget.
- `login_failed_account`, per account whatever the address (default `30/h/key`): stops
  a distributed attack; it is *not* applied from the holder's usual addresses, so a
  stranger cannot lock the holder out.
- "usual address": one from which this account completed a login (password and, where
  required, MFA) within `LOGIN_USUAL_ADDRESS_DAYS` days; up to `USUAL_ADDRESSES_KEPT` are
  remembered in the cache.

The client address is the one allauth resolves with the trusted-proxy settings
(`accounts.audit.client_ip`). An account is keyed by its primary key when the login
names one (職員番号 and e-mail share one budget), otherwise by the typed login.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from .models import User

USUAL_ADDRESSES_KEPT = 10


def account_key(login: str) -> str:
    """One key per account: both the 職員番号 and the e-mail address of a person map to
    their primary key; a login that names nobody is keyed by itself (lowercased)."""
    login = (login or "").strip().lower()
    pk = None
    if login:
        pk = (
            User.objects.filter(Q(employee_number__iexact=login) | Q(email__iexact=login))
            .values_list("pk", flat=True)
            .first()
        )
    if pk is not None:
        return f"user:{pk}"
    return "login:" + hashlib.sha256(login.encode()).hexdigest()


def _usual_key(key: str) -> str:
    return f"moka:login-usual:{key}"


def remember_usual_address(*, user: User, address: str | None) -> None:
    """After a completed login: this address is one of the holder's usual ones."""
    days = getattr(settings, "LOGIN_USUAL_ADDRESS_DAYS", 0)
    if not address or days <= 0:
        return
    now = time.time()
    key = _usual_key(f"user:{user.pk}")
    seen = {a: t for a, t in cache.get(key, {}).items() if t > now - days * 86400}
    seen[address] = now
    newest = dict(sorted(seen.items(), key=lambda item: item[1])[-USUAL_ADDRESSES_KEPT:])
    cache.set(key, newest, days * 86400)


def is_usual_address(*, key: str, address: str | None) -> bool:
    days = getattr(settings, "LOGIN_USUAL_ADDRESS_DAYS", 0)
    if not address or days <= 0 or not key.startswith("user:"):
        return False
    seen_at = cache.get(_usual_key(key), {}).get(address)
    return seen_at is not None and seen_at > time.time() - days * 86400
