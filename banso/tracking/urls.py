from django.urls import path

from banso.tracking import dashboard_views, views

app_name = "tracking"

urlpatterns = [
    path("m/<str:code>/tracking/", dashboard_views.dashboard, name="dashboard"),
    path("m/<str:code>/tracking/summary/", dashboard_views.summary, name="summary"),
    path("m/<str:code>/tracking/trends/", dashboard_views.trends, name="trends"),
    path(
        "m/<str:code>/tracking/departments/<int:department_id>/",
        dashboard_views.department_dashboard,
        name="department",
    ),
    path("m/<str:code>/tracking/annual/<int:year>/", dashboard_views.annual_review, name="annual_review"),
    path("m/<str:code>/tracking/inbox/", views.inbox, name="inbox"),
    path("m/<str:code>/tracking/periods/", views.periods, name="periods"),
    path(
        "m/<str:code>/tracking/periods/<int:period_id>/measures/<int:measure_id>/",
        views.update_edit,
        name="update",
    ),
    path("m/<str:code>/tracking/periods/<int:period_id>/grid/", views.grid, name="grid"),
    path("m/<str:code>/tracking/periods/<int:period_id>/grid/sheet/", views.grid_download, name="grid_download"),
    path("m/<str:code>/tracking/settings/", views.settings_edit, name="settings"),
    path("m/<str:code>/tracking/reviews/", views.reviews, name="reviews"),
    path("m/<str:code>/tracking/reminders/", views.reminders_preview, name="reminders"),
    path("m/<str:code>/tracking/updates/<int:update_id>/review/", views.review, name="review"),
    path("m/<str:code>/tracking/updates/<int:update_id>/evidence/", views.evidence, name="evidence"),
    path("m/<str:code>/tracking/publication/", views.publication_edit, name="publication"),
    path("m/<str:code>/tracking/kpis/<int:kpi_id>/source/", views.automatic_edit, name="automatic"),
    path("m/<str:code>/tracking/kpis/<int:kpi_id>/signal/", views.live_signal, name="live_signal"),
]
