from typing import Any

from allauth.account.adapter import DefaultAccountAdapter

# The same module allauth's own `pre_authenticate` uses: its `consume` returns the usage
# that a successful login rolls back (allauth is pinned in requirements.txt).
from allauth.core.internal import ratelimit
from django.http import HttpRequest

from .audit import client_ip
from .login_limits import account_key, is_usual_address

_ALLAUTH_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts come from HR (admin and roster import), never from sign-up."""
        return False

    def get_login_stages(self):
        """allauth's stages, with its TOTP step replaced by ours, which knows when the
        city's identity provider already asked for a second factor."""
        return [
            "accounts.directory.stages.AuthenticateStage" if stage == _ALLAUTH_MFA_STAGE else stage
            for stage in super().get_login_stages()
        ]

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count a login attempt against the budgets of `accounts.login_limits`
        (decision 0010) instead of allauth's per-login key, which let anyone lock a named
        account. Refuses with allauth's "too many attempts" error when a budget is used
        up. A successful login rolls the attempt back (allauth's `authenticate`)."""
        login = credentials.get("email", credentials.get("username", ""))
        account = account_key(login)
        address = client_ip(request) or "unknown"
        per_address = ratelimit.consume(
            request, app="allauth.account", action="login_failed", key=f"{account}@{address}"
        )
        if not per_address:
            raise self.validation_error("too_many_login_attempts")
        if is_usual_address(key=account, address=address):
            # The holder's own terminal: a stranger's failures elsewhere never stop it.
            self._login_failed_rl_usage = per_address
            return
        per_account = ratelimit.consume(
            request, app="allauth.account", action="login_failed_account", key=account
        )
        if not per_account:
            per_address.rollback()
            raise self.validation_error("too_many_login_attempts")
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(
            usage=[*per_address.usage, *per_account.usage]
        )
