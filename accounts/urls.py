from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("me/export/", views.data_export, name="data_export"),
    path("me/delete/", views.delete_account, name="delete_account"),
    path("privacy/", views.privacy, name="privacy"),
    path("directory/", views.directory, name="directory"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/logo/", views.organisation_logo, name="organisation_logo"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<slug:slug>/verify/", views.organisation_verify, name="organisation_verify"
    ),
    path(
        "organisations/<slug:slug>/members/",
        views.organisation_members,
        name="organisation_members",
    ),
    path(
        "organisations/<slug:slug>/members/invite/",
        views.organisation_invite,
        name="organisation_invite",
    ),
    path("organisations/<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path(
        "organisations/<slug:slug>/members/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
