from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from accounts.views import signup_disabled

urlpatterns = [
    # No public sign-up: this must come before allauth's own URLs.
    path("accounts/signup/", signup_disabled, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("projects.urls")),
    path("", include("evaluations.urls")),
    path("", include("certification.urls")),
]

# No route serves MEDIA_ROOT, not even in the demo: uploads are personnel material and
# are served only by permission-checked views (e.g. evaluations:presentation_materials).
