from django.urls import path

from . import views

app_name = "showcase"

urlpatterns = [
    # staff
    path("showcase/", views.library, name="library"),
    path("showcase/mine/", views.my_showcase, name="my_showcase"),
    path("showcase/<int:fiscal_year>/", views.year_showcase, name="year_showcase"),
    path("showcase/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("showcase/cases/<int:pk>/slides/", views.case_slides, name="case_slides"),
    path("showcase/cases/<int:pk>/interest/", views.case_interest, name="case_interest"),
    path("showcase/teams/<int:team_pk>/name/", views.name_consent, name="name_consent"),
    # organiser (the MFA middleware protects every path under organiser/)
    path("organiser/showcase/", views.organiser_showcase, name="organiser_showcase"),
    path(
        "organiser/showcase/teams/<int:team_pk>/publish/",
        views.organiser_case_publish,
        name="organiser_case_publish",
    ),
    path(
        "organiser/showcase/cases/<int:pk>/unpublish/",
        views.organiser_case_unpublish,
        name="organiser_case_unpublish",
    ),
    path("organiser/showcase/tags/", views.organiser_tag_add, name="organiser_tag_add"),
    path(
        "organiser/showcase/adoptions/",
        views.organiser_adoption_list,
        name="organiser_adoption_list",
    ),
    path(
        "organiser/showcase/adoptions/<int:pk>/status/",
        views.organiser_adoption_status,
        name="organiser_adoption_status",
    ),
    path(
        "organiser/showcase/adoptions/export.csv",
        views.organiser_adoption_export_csv,
        name="organiser_adoption_export_csv",
    ),
]
