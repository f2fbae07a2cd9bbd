from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from accounts.directory.sso import oidc_callback
from accounts.views import email_managed_by_hr, signup_disabled

urlpatterns = [
    # No public sign-up: this must come before allauth's own URLs.
    path("accounts/signup/", signup_disabled, name="account_signup"),
    path("accounts/3rdparty/", signup_disabled, name="socialaccount_connections"),
    # The city's identity provider: ID token signatures always verified (before allauth's).
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc_callback,
        name="openid_connect_callback",
    ),
    # HR and the roster own e-mail addresses: allauth's add/change/make-primary page is
    # replaced by a read-only one (finding 11 of issue #9).
    path("accounts/email/", email_managed_by_hr, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("projects.urls")),
    path("", include("evaluations.urls")),
    path("", include("training.urls")),
    path("", include("certification.urls")),
]

# No route serves MEDIA_ROOT, not even in the demo: uploads are personnel material and
# are served only by permission-checked views (e.g. evaluations:presentation_materials).
