from django.urls import path

from banso.cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.library, name="library"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("cases/<int:pk>/adopt/", views.case_adopt, name="case_adopt"),
    path("m/<str:code>/cases/", views.town_cases, name="town_cases"),
    path("m/<str:code>/cases/new/", views.case_edit, name="case_create"),
    path("m/<str:code>/cases/recommended/", views.recommended, name="recommended"),
    path("m/<str:code>/cases/similar/", views.similar, name="similar"),
    path("m/<str:code>/measures/<int:measure_id>/case/", views.measure_to_case, name="measure_to_case"),
]
