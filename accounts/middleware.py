from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .roles import Role


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
    """People in MFA_REQUIRED_ROLES must set up TOTP before the admin or organiser pages.

    The allowed paths are the MFA set-up pages themselves and logout.
    """

    protected_prefixes = ("/admin/", "/organiser/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_mfa(self, request) -> bool:
        required = set(settings.MFA_REQUIRED_ROLES)
        user = request.user
        if not required or not user.is_authenticated:
            return False
        if not request.path.startswith(self.protected_prefixes):
            return False
        if not required & {r.value for r in Role if user.has_role(r.value)}:
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)
