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
