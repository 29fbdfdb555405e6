from django.urls import path

from banso.orgs import views

app_name = "orgs"

urlpatterns = [
    path("municipalities/", views.municipality_list, name="municipalities"),
    path("m/<str:code>/", views.municipality_detail, name="municipality"),
    path("m/<str:code>/edit/", views.municipality_edit, name="municipality_edit"),
    path("m/<str:code>/departments/", views.department_list, name="departments"),
    path("m/<str:code>/departments/<int:pk>/", views.department_detail, name="department"),
    path("m/<str:code>/departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("m/<str:code>/goals/new/", views.goal_create, name="goal_create"),
    path("m/<str:code>/goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("m/<str:code>/goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("m/<str:code>/members/", views.member_list, name="members"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/<int:pk>/", views.provider_detail, name="provider"),
]
