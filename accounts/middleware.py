from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .directory.session import session_has_idp_mfa


class CookieLanguageMiddleware:
    """Japanese unless the user chose English with the language switch.

    Unlike LocaleMiddleware this ignores Accept-Language on purpose: the city's browsers
    are often set to English, and the portal must still speak Japanese by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override(), not activate(): the thread's language is restored after the request,
        # so it never leaks into the next request, a task or a test in the same thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequireMFAMiddleware:
    """In production, MFA is required by role on every page, not by path.

    A person of a role in `MFA_REQUIRED_ROLES` — and, with
    `MFA_REQUIRED_FOR_ADMIN_FLAGS`, anyone with スーパーユーザー権限 or スタッフ権限, who reach
    the admin by a flag rather than a role — who has not set up an authenticator is sent
    to the TOTP set-up page from every page except the ones needed to set it up
    (`ALLOWED_URL_NAMES`), logout and the language switch. Static files never reach
    this (WhiteNoise answers first). See docs/decisions/0009-mfa-required-by-role.md.
    """

    ALLOWED_URL_NAMES = frozenset(
        {
            # the MFA set-up itself (allauth.mfa), including the re-authentication that
            # activating TOTP asks for when the login is a few minutes old
            "mfa_index",
            "mfa_activate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "mfa_reauthenticate",
            "account_reauthenticate",
            "account_logout",
            "set_language",
            "healthz",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.url_name in self.ALLOWED_URL_NAMES:
            return None
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if must_set_up_mfa(request.user) and not session_has_idp_mfa(request):
            # (a sign-in the city's identity provider asserted as multi-factor counts)
            return redirect(reverse("mfa_activate_totp"))
        return None


def mfa_required(user) -> bool:
    """Whether this person must use MFA (by role, or by an admin flag)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(settings, "MFA_REQUIRED_FOR_ADMIN_FLAGS", False) and (
        user.is_superuser or user.is_staff
    ):
        return True
    required = set(settings.MFA_REQUIRED_ROLES)
    return bool(required & user.role_names)


def must_set_up_mfa(user) -> bool:
    """Required to use MFA and has no authenticator yet."""
    if not mfa_required(user):
        return False
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user)
