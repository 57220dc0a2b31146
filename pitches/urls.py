from django.urls import path

from . import views

app_name = "pitches"

urlpatterns = [
    path("e/<slug:slug>/pitches/", views.catalogue, name="catalogue"),
    path("e/<slug:slug>/pitches/new/", views.create, name="create"),
    path("e/<slug:slug>/pitches/mine/", views.mine, name="mine"),
    path("e/<slug:slug>/pitches/all/", views.organiser_list, name="organiser_list"),
    path("e/<slug:slug>/my-interests/", views.my_interests, name="my_interests"),
    path("pitches/<int:pk>/", views.detail, name="detail"),
    path("pitches/<int:pk>/edit/", views.edit, name="edit"),
    path("pitches/<int:pk>/publish/", views.publish, name="publish"),
    path("pitches/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("pitches/<int:pk>/documents/new/", views.attachment_add, name="attachment_add"),
    path("pitches/documents/<int:pk>/", views.attachment, name="attachment"),
    path("pitches/<int:pk>/consultation/", views.consultation, name="consultation"),
    path("pitches/<int:pk>/interest/", views.interest, name="interest"),
    path("pitches/<int:pk>/interests/", views.interests, name="interests"),
    path("pitches/interests/<int:pk>/withdraw/", views.interest_withdraw, name="interest_withdraw"),
    path(
        "pitches/interests/<int:pk>/shortlist/", views.interest_shortlist, name="interest_shortlist"
    ),
    path("pitches/interests/<int:pk>/decline/", views.interest_decline, name="interest_decline"),
    path("pitches/<int:pk>/questions/new/", views.question_ask, name="question_ask"),
    path("pitches/questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("pitches/<int:pk>/log/", views.log, name="log"),
    path("pitches/<int:pk>/log.csv", views.log_csv, name="log_csv"),
    path("pitches/<int:pk>/trace.pdf", views.trace_pdf, name="trace_pdf"),
    path("pitches/<int:pk>/trace.csv", views.trace_csv, name="trace_csv"),
]
