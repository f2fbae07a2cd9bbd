from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    # staff
    path("projects/", views.project_list, name="project_list"),
    path("projects/mine/", views.my_projects, name="my_projects"),
    path("projects/workshops/mine/", views.my_attendance, name="my_attendance"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/propose/", views.team_propose, name="team_propose"),
    path("projects/teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("projects/teams/<int:pk>/apply/", views.membership_apply, name="membership_apply"),
    path("projects/teams/<int:pk>/worksheet/", views.worksheet_edit, name="worksheet_edit"),
    path("projects/teams/<int:pk>/effects/add/", views.effect_add, name="effect_add"),
    path("projects/effects/<int:pk>/edit/", views.effect_edit, name="effect_edit"),
    path("projects/effects/<int:pk>/delete/", views.effect_delete, name="effect_delete"),
    path(
        "projects/memberships/<int:pk>/withdraw/",
        views.membership_withdraw,
        name="membership_withdraw",
    ),
    # 所属長 (issue 12)
    path("projects/consent/", views.consent_list, name="consent_list"),
    path("projects/consent/<int:pk>/", views.consent_decide, name="consent_decide"),
    # activity hours (issue 12): the member's own, the 所属長's staff
    path("projects/hours/", views.hours_mine, name="hours_mine"),
    path("projects/hours/<int:pk>/edit/", views.hours_edit, name="hours_edit"),
    path("projects/hours/<int:pk>/delete/", views.hours_delete, name="hours_delete"),
    path("projects/hours/staff/", views.hours_staff, name="hours_staff"),
    # organiser (the MFA middleware protects every path under organiser/)
    path("organiser/projects/", views.organiser_project_list, name="organiser_project_list"),
    path(
        "organiser/projects/new/", views.organiser_project_create, name="organiser_project_create"
    ),
    path(
        "organiser/projects/<int:pk>/",
        views.organiser_project_manage,
        name="organiser_project_manage",
    ),
    path(
        "organiser/projects/<int:pk>/edit/",
        views.organiser_project_edit,
        name="organiser_project_edit",
    ),
    path(
        "organiser/projects/<int:pk>/transition/",
        views.organiser_project_transition,
        name="organiser_project_transition",
    ),
    path(
        "organiser/projects/<int:pk>/workshops/",
        views.organiser_workshop_list,
        name="organiser_workshop_list",
    ),
    path("organiser/hours/", views.organiser_hours, name="organiser_hours"),
    path(
        "organiser/hours/export.csv",
        views.organiser_hours_export_csv,
        name="organiser_hours_export_csv",
    ),
    path(
        "organiser/hours/export.xlsx",
        views.organiser_hours_export_xlsx,
        name="organiser_hours_export_xlsx",
    ),
    path(
        "organiser/teams/<int:pk>/approve/",
        views.organiser_team_approve,
        name="organiser_team_approve",
    ),
    path(
        "organiser/teams/<int:pk>/members/",
        views.organiser_team_members,
        name="organiser_team_members",
    ),
    path(
        "organiser/leaves/<int:pk>/end/",
        views.organiser_leave_end,
        name="organiser_leave_end",
    ),
    path(
        "organiser/teams/<int:pk>/reject/",
        views.organiser_team_reject,
        name="organiser_team_reject",
    ),
    path(
        "organiser/memberships/<int:pk>/approve/",
        views.organiser_membership_approve,
        name="organiser_membership_approve",
    ),
    path(
        "organiser/memberships/<int:pk>/reject/",
        views.organiser_membership_reject,
        name="organiser_membership_reject",
    ),
    path(
        "organiser/workshops/<int:pk>/attendance/",
        views.organiser_attendance,
        name="organiser_attendance",
    ),
]
