from django.urls import path

from . import views

app_name = "certification"

urlpatterns = [
    path("certification/", views.my_certification, name="my_certification"),
    path(
        "certification/<uuid:public_id>/certificate.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("verify/<uuid:public_id>/", views.verify, name="verify"),
    path("organiser/certification/", views.dashboard, name="dashboard"),
]
