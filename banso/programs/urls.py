from django.urls import path

from banso.programs import views

app_name = "programs"

urlpatterns = [
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_edit, name="programme_create"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme"),
    path("programmes/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/participants/", views.participant_add, name="participant_add"),
    path("programmes/<int:programme_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("programmes/<int:programme_id>/report/", views.programme_report, name="programme_report"),
    path(
        "programmes/<int:programme_id>/report/<int:report_id>/",
        views.programme_report_file,
        name="programme_report_file",
    ),
    path("programmes/<int:programme_id>/joint-goals/", views.joint_goal_add, name="joint_goal_add"),
    path("programmes/<int:programme_id>/joint-goals/<str:code>/", views.joint_values, name="joint_values"),
    path("m/<str:code>/support/", views.support, name="support"),
    path("m/<str:code>/support/report/<int:assignment_id>/", views.advisor_report, name="advisor_report"),
    path("m/<str:code>/adopt/<int:measure_id>/", views.adopt, name="adopt"),
]
