from django.urls import path

from banso.hearings import views

app_name = "hearings"

urlpatterns = [
    path("m/<str:code>/hearings/", views.hearing_list, name="hearings"),
    path("m/<str:code>/hearings/new/", views.hearing_edit, name="hearing_create"),
    path("m/<str:code>/hearings/<int:pk>/", views.hearing_detail, name="hearing"),
    path("m/<str:code>/hearings/<int:pk>/edit/", views.hearing_edit, name="hearing_edit"),
    path("m/<str:code>/challenges/", views.challenge_list, name="challenges"),
    path("m/<str:code>/challenges/new/", views.challenge_edit, name="challenge_create"),
    path("m/<str:code>/challenges/<int:pk>/edit/", views.challenge_edit, name="challenge_edit"),
    path("m/<str:code>/challenges/<int:pk>/close/", views.challenge_close, name="challenge_close"),
    path("m/<str:code>/challenges/matrix/", views.challenge_matrix, name="matrix"),
    path("m/<str:code>/challenges/similar/", views.challenge_similar, name="similar"),
    path("m/<str:code>/challenges/themes/", views.themes_edit, name="themes"),
]
