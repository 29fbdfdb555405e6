from django.urls import path

from banso.plans import document_views, views

app_name = "plans"

urlpatterns = [
    path("m/<str:code>/plans/", views.plan_list, name="plans"),
    path("m/<str:code>/plans/new/", views.plan_edit, name="plan_create"),
    path("m/<str:code>/plans/import/", document_views.plan_import_new, name="plan_import_new"),
    path("m/<str:code>/plans/imports/<int:import_id>/", document_views.workbook_import, name="workbook_import"),
    path("m/<str:code>/plans/<int:pk>/", views.plan_detail, name="plan"),
    path("m/<str:code>/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("m/<str:code>/plans/<int:pk>/phases/new/", views.phase_edit, name="phase_create"),
    path("m/<str:code>/plans/<int:pk>/phases/<int:phase_id>/edit/", views.phase_edit, name="phase_edit"),
    path("m/<str:code>/plans/<int:pk>/phases/<int:phase_id>/delete/", views.phase_delete, name="phase_delete"),
    path("m/<str:code>/plans/<int:pk>/policies/new/", views.policy_edit, name="policy_create"),
    path("m/<str:code>/plans/<int:pk>/policies/<int:policy_id>/edit/", views.policy_edit, name="policy_edit"),
    path(
        "m/<str:code>/plans/<int:pk>/policies/<int:policy_id>/delete/", views.policy_delete, name="policy_delete"
    ),
    path("m/<str:code>/plans/<int:pk>/viewpoints/new/", views.viewpoint_edit, name="viewpoint_create"),
    path(
        "m/<str:code>/plans/<int:pk>/viewpoints/<int:viewpoint_id>/edit/",
        views.viewpoint_edit,
        name="viewpoint_edit",
    ),
    path(
        "m/<str:code>/plans/<int:pk>/viewpoints/<int:viewpoint_id>/delete/",
        views.viewpoint_delete,
        name="viewpoint_delete",
    ),
    path("m/<str:code>/plans/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("m/<str:code>/plans/<int:pk>/roadmap/", views.roadmap, name="roadmap"),
    path("m/<str:code>/plans/<int:pk>/alignment/", views.alignment, name="alignment"),
    path("m/<str:code>/plans/<int:pk>/export/<str:fmt>/", document_views.plan_export, name="export"),
    path(
        "m/<str:code>/plans/<int:pk>/exports/<int:export_id>/",
        document_views.document_export,
        name="document_export",
    ),
    path("m/<str:code>/plans/<int:pk>/import/", document_views.plan_import, name="import"),
    path("m/<str:code>/plans/<int:pk>/versions/", document_views.versions, name="versions"),
    path("m/<str:code>/plans/<int:pk>/versions/compare/", document_views.version_diff, name="version_diff"),
    path("m/<str:code>/measures/<int:measure_id>/", views.measure_detail, name="measure"),
    path("m/<str:code>/measures/<int:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("m/<str:code>/measures/<int:measure_id>/delete/", views.measure_delete, name="measure_delete"),
    path("m/<str:code>/measures/<int:measure_id>/start/", views.measure_start, name="measure_start"),
    path("m/<str:code>/measures/<int:measure_id>/kpis/new/", views.kpi_edit, name="kpi_create"),
    path("m/<str:code>/measures/<int:measure_id>/assessments/", views.assessment_save, name="assessment_save"),
    path("m/<str:code>/measures/<int:measure_id>/kpis/<int:kpi_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("m/<str:code>/measures/<int:measure_id>/kpis/<int:kpi_id>/delete/", views.kpi_delete, name="kpi_delete"),
    path("m/<str:code>/measures/<int:measure_id>/tags/suggest/", views.tags_suggest, name="tags_suggest"),
    path("m/<str:code>/measures/<int:measure_id>/tags/decide/", views.tag_decide, name="tag_decide"),
    path("m/<str:code>/measures/<int:measure_id>/tags/add/", views.tag_add, name="tag_add"),
]
