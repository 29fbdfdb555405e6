from django.urls import path

from banso.survey import views

app_name = "survey"

urlpatterns = [
    path("m/<str:code>/survey/", views.round_list, name="rounds"),
    path("m/<str:code>/survey/new/", views.round_create, name="round_create"),
    path("m/<str:code>/survey/<int:round_id>/", views.round_detail, name="round"),
    path("m/<str:code>/survey/<int:round_id>/edit/", views.round_edit, name="round_edit"),
    path("m/<str:code>/survey/<int:round_id>/status/", views.round_status, name="round_status"),
    path("m/<str:code>/survey/<int:round_id>/lists/", views.round_options, name="round_options"),
    path(
        "m/<str:code>/survey/<int:round_id>/sheets/<int:department_id>.xlsx",
        views.template_download,
        name="template",
    ),
    path("m/<str:code>/survey/<int:round_id>/sheets.zip", views.templates_zip, name="templates_zip"),
    path("m/<str:code>/survey/<int:round_id>/imports/", views.import_upload, name="import_upload"),
    path("m/<str:code>/survey/<int:round_id>/imports/<int:batch_id>/", views.import_detail, name="import"),
    path(
        "m/<str:code>/survey/<int:round_id>/imports/<int:batch_id>/read-as/",
        views.import_read_as,
        name="import_read_as",
    ),
    path(
        "m/<str:code>/survey/<int:round_id>/imports/<int:batch_id>/accept/",
        views.import_accept,
        name="import_accept",
    ),
    path(
        "m/<str:code>/survey/<int:round_id>/imports/<int:batch_id>/again/",
        views.import_again,
        name="import_again",
    ),
    path(
        "m/<str:code>/survey/<int:round_id>/imports/<int:batch_id>/rollback/",
        views.import_rollback,
        name="import_rollback",
    ),
    path(
        "m/<str:code>/survey/<int:round_id>/imports/<int:batch_id>/mapping/",
        views.import_mapping,
        name="import_mapping",
    ),
    path("m/<str:code>/survey/<int:round_id>/analysis/", views.analysis, name="analysis"),
    path("m/<str:code>/survey/<int:round_id>/analysis.xlsx", views.analysis_export, name="analysis_export"),
    path("m/<str:code>/survey/<int:round_id>/chase.xlsx", views.chase_export, name="chase_export"),
    path("m/<str:code>/survey/<int:round_id>/pairs/", views.pair_decide, name="pair_decide"),
    path("m/<str:code>/survey/<int:round_id>/tasks/<int:task_id>/mark/", views.task_mark, name="task_mark"),
]
