from django.urls import path

from banso.training import views

app_name = "training"

urlpatterns = [
    path("m/<str:code>/training/", views.home, name="home"),
    path("m/<str:code>/training/courses/new/", views.course_edit, name="course_create"),
    path("m/<str:code>/training/courses/<int:course_id>/", views.course_detail, name="course"),
    path("m/<str:code>/training/courses/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("m/<str:code>/training/sessions/<int:session_id>/", views.session_detail, name="session"),
    path(
        "m/<str:code>/training/sessions/<int:session_id>/questionnaire/",
        views.questionnaire_upload,
        name="questionnaire_upload",
    ),
    path(
        "m/<str:code>/training/sessions/<int:session_id>/questionnaire/<str:token>/",
        views.questionnaire_map,
        name="questionnaire_map",
    ),
    path("m/<str:code>/training/staff/", views.staff_list, name="staff"),
    path("m/<str:code>/training/staff/<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("m/<str:code>/training/helpdesk/", views.helpdesk, name="helpdesk"),
    path("m/<str:code>/training/helpdesk/topics/", views.helpdesk_topics, name="helpdesk_topics"),
]
