from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from accounts.directory.sso import oidc_callback
from accounts.views import signup_disabled

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
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("projects.urls")),
    path("", include("evaluations.urls")),
    path("", include("certification.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
