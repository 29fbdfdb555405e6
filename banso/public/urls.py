from django.urls import path

from banso.public import views

app_name = "public"

urlpatterns = [
    path("p/<str:code>/", views.progress_page, name="progress"),
    path("p/<str:code>/open-data.<str:fmt>", views.open_data, name="open_data"),
]
