from django.urls import path

from . import views
from .credentials import views as credential_views
from .talent import views as talent_views

app_name = "certification"

urlpatterns = [
    path("certification/", views.my_certification, name="my_certification"),
    path(
        "certification/<uuid:public_id>/certificate.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("verify/<uuid:public_id>/", views.verify, name="verify"),
    # Portable credentials (Open Badges 3.0): public, like the verify page.
    path(
        "verify/<uuid:public_id>/credential.jwt",
        credential_views.credential_jwt,
        name="credential_jwt",
    ),
    path(
        "verify/<uuid:public_id>/credential.json",
        credential_views.credential_json,
        name="credential_json",
    ),
    path("credentials/jwks.json", credential_views.jwks, name="credential_jwks"),
    path("credentials/issuer", credential_views.issuer, name="credential_issuer"),
    path(
        "credentials/status/<int:list_id>",
        credential_views.status_list_view,
        name="credential_status_list",
    ),
    path("organiser/certification/", views.dashboard, name="dashboard"),
    # The 人材台帳 (training and qualifications, issue 12): a person's journey, HR's ledger.
    path("people/<int:pk>/journey/", talent_views.journey, name="journey"),
    path("hr/ledger/", talent_views.talent_ledger, name="talent_ledger"),
]
