from django.contrib.auth.views import LoginView
from django.urls import include, path

from . import views

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("_control/", views.control),
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
]
