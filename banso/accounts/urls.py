from django.urls import path

from banso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/sign-out-elsewhere/", views.sign_out_elsewhere, name="sign_out_elsewhere"),
    path("account/second-factor/", views.second_factor_setup, name="second_factor_setup"),
    path("account/second-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path("account/second-factor/remove/", views.second_factor_remove, name="second_factor_remove"),
]
