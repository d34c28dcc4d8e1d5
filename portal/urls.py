"""The portal's URLs: each app contributes its own, the API gathers every router."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import flickr_login_views, views
from portal.api import api, exempt_from_login_required

accounts = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("flickr/", flickr_login_views.flickr_login_start, name="flickr_login"),
    path(
        "flickr/callback/",
        flickr_login_views.flickr_login_callback,
        name="flickr_login_callback",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/tokens/", views.api_token_create, name="api_token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]

organisations = [
    path("register/", views.organisation_register, name="organisation_register"),
    path("register/thanks/", views.organisation_register_done, name="organisation_register_done"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]

foundation = [
    path("organisations/", views.organisation_review, name="organisation_review"),
    *(
        path(
            f"organisations/<slug:slug>/{decision}/",
            views.organisation_decide,
            {"decision": decision},
            name=f"organisation_{decision}",
        )
        for decision in views.DECISIONS
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include(accounts)),
    path("organisations/", include(organisations)),
    path("foundation/", include(foundation)),
    path("api/", exempt_from_login_required(api.urls)),
    path("admin/", admin.site.urls),
    path("legal/", include("legal.urls")),
    path("commons/", include("commons.urls")),
    path("", include("lifeboats.urls")),
]
