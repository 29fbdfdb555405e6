from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from banso.core import views as core_views
from banso.orgs import views as org_views

admin.site.site_header = "Banso 管理"
admin.site.site_title = "Banso 管理"

urlpatterns = [
    path("", org_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change and reset: Django's own views, with Banso's pages (templates/registration/).
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("banso.accounts.urls")),
    path("i18n/setlang/", core_views.set_language_public, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("history/<str:model>/<int:pk>/", core_views.history, name="history"),
    path("notifications/", core_views.notifications, name="notifications"),
    path("notifications/count/", core_views.notifications_count, name="notifications_count"),
    path("", include("banso.orgs.urls")),
    path("", include("banso.survey.urls")),
    path("", include("banso.hearings.urls")),
    path("", include("banso.plans.urls")),
    path("", include("banso.tracking.urls")),
    path("", include("banso.training.urls")),
    path("", include("banso.programs.urls")),
    path("", include("banso.cases.urls")),
    path("", include("banso.public.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "banso.core.views.error_400"
handler403 = "banso.core.views.error_403"
handler404 = "banso.core.views.error_404"
handler500 = "banso.core.views.error_500"
