from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password-reset-done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("language/", views.language_set, name="language-set"),
    path("switch/", views.membership_switch, name="membership-switch"),
    path("sites/", views.site_list, name="site-list"),
    path("sites/<int:pk>/", views.site_detail, name="site-detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site-edit"),
    path("team/", views.team, name="team"),
    path("team/<int:pk>/remove/", views.team_member_remove, name="team-member-remove"),
    path("audit/", views.audit_list, name="audit-list"),
]
