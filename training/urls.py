from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/", views.my_training, name="my_training"),
    path(
        "training/qualifications/new/", views.qualification_register, name="qualification_register"
    ),
    path("training/courses/new/", views.course_register, name="course_register"),
    path(
        "training/<str:kind>/<int:pk>/certificate/",
        views.certificate_download,
        name="certificate_download",
    ),
    path("training/review/", views.review_list, name="review_list"),
    path("training/review/<str:kind>/<int:pk>/verify/", views.record_verify, name="record_verify"),
    path("training/review/<str:kind>/<int:pk>/return/", views.record_return, name="record_return"),
    path("organiser/training/", views.organiser_courses, name="organiser_courses"),
    path(
        "organiser/training/<int:pk>/attendance/",
        views.organiser_attendance,
        name="organiser_attendance",
    ),
]
