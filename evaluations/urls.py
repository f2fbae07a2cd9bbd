from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    # Raters (executives, external experts)
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "presentations/<int:pk>/evaluate/",
        views.presentation_evaluate,
        name="presentation_evaluate",
    ),
    path(
        "presentations/<int:pk>/materials/",
        views.presentation_materials,
        name="presentation_materials",
    ),
    # Staff: leadership evaluation and own results
    path("leadership/", views.leadership_list, name="leadership_list"),
    path("leadership/teams/<int:team_pk>/", views.leadership_evaluate, name="leadership_evaluate"),
    path("results/", views.my_results, name="my_results"),
    path("results/teams/<int:team_pk>/", views.team_results, name="team_results"),
    # Organiser
    path("organiser/meetings/", views.organiser_meeting_list, name="organiser_meeting_list"),
    path(
        "organiser/meetings/new/", views.organiser_meeting_create, name="organiser_meeting_create"
    ),
    path(
        "organiser/meetings/<int:pk>/",
        views.organiser_meeting_detail,
        name="organiser_meeting_detail",
    ),
    path(
        "organiser/meetings/<int:pk>/presentations/add/",
        views.organiser_presentation_add,
        name="organiser_presentation_add",
    ),
    path(
        "organiser/presentations/<int:pk>/materials/",
        views.organiser_presentation_materials,
        name="organiser_presentation_materials",
    ),
    path(
        "organiser/presentations/<int:pk>/move/",
        views.organiser_presentation_move,
        name="organiser_presentation_move",
    ),
    path(
        "organiser/meetings/<int:pk>/open/",
        views.organiser_meeting_open,
        name="organiser_meeting_open",
    ),
    path(
        "organiser/meetings/<int:pk>/close/",
        views.organiser_meeting_close,
        name="organiser_meeting_close",
    ),
    path(
        "organiser/meetings/<int:pk>/board/",
        views.organiser_meeting_board,
        name="organiser_meeting_board",
    ),
    path(
        "organiser/meetings/<int:pk>/results/",
        views.organiser_meeting_results,
        name="organiser_meeting_results",
    ),
    path(
        "organiser/meetings/<int:pk>/export.csv",
        views.organiser_meeting_export_csv,
        name="organiser_meeting_export_csv",
    ),
    path(
        "organiser/meetings/<int:pk>/export.xlsx",
        views.organiser_meeting_export_xlsx,
        name="organiser_meeting_export_xlsx",
    ),
    path(
        "organiser/projects/<int:project_pk>/leadership/",
        views.organiser_window_detail,
        name="organiser_window_detail",
    ),
    path(
        "organiser/projects/<int:project_pk>/leadership/open/",
        views.organiser_window_open,
        name="organiser_window_open",
    ),
    path(
        "organiser/projects/<int:project_pk>/leadership/close/",
        views.organiser_window_close,
        name="organiser_window_close",
    ),
    path(
        "organiser/teams/<int:team_pk>/invitations/add/",
        views.organiser_invitation_add,
        name="organiser_invitation_add",
    ),
    path(
        "organiser/invitations/<int:pk>/remove/",
        views.organiser_invitation_remove,
        name="organiser_invitation_remove",
    ),
    path("organiser/rubrics/", views.organiser_rubric_list, name="organiser_rubric_list"),
    path(
        "organiser/rubrics/defaults/",
        views.organiser_rubric_defaults,
        name="organiser_rubric_defaults",
    ),
    path(
        "organiser/rubrics/<int:pk>/", views.organiser_rubric_detail, name="organiser_rubric_detail"
    ),
    path(
        "organiser/rubrics/<int:pk>/copy/",
        views.organiser_rubric_copy,
        name="organiser_rubric_copy",
    ),
    path(
        "organiser/rubrics/<int:pk>/criteria/add/",
        views.organiser_criterion_add,
        name="organiser_criterion_add",
    ),
    path(
        "organiser/criteria/<int:pk>/edit/",
        views.organiser_criterion_edit,
        name="organiser_criterion_edit",
    ),
]
