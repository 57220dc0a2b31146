from django.urls import path

from . import views

app_name = "workshops"

base = "e/<slug:slug>/workshops/"
console = "e/<slug:slug>/console/workshops/"

urlpatterns = [
    path(base, views.workshop_list, name="list"),
    path(base + "wishes/", views.wishes, name="wishes"),
    path(base + "<int:pk>/take/", views.take, name="take"),
    path(base + "<int:pk>/leave/", views.leave, name="leave"),
    path(base + "<int:pk>/registrants/", views.registrants, name="registrants"),
    path(console, views.assignment, name="assignment"),
    path(console + "proposals/<int:pk>/apply/", views.apply, name="apply"),
]

board = base + "<int:pk>/board/"
idea = board + "ideas/<int:idea>/"

urlpatterns += [
    path(base + "leads/", views.leads, name="leads"),
    path(board, views.board, name="board"),
    path(board + "ideas/new/", views.idea_new, name="idea_new"),
    path(idea + "comment/", views.idea_comment, name="idea_comment"),
    path(idea + "vote/", views.idea_vote, name="idea_vote"),
    path(idea + "moderate/", views.idea_moderate, name="idea_moderate"),
    path(idea + "merge/", views.idea_merge, name="idea_merge"),
    path(board + "headings/new/", views.heading_new, name="heading_new"),
    path(board + "settings/", views.board_settings, name="board_settings"),
    path(board + "close/", views.board_close, name="board_close"),
    path(board + "leads.md", views.board_markdown, name="board_markdown"),
    path(board + "ideas.csv", views.board_csv, name="board_csv"),
]
