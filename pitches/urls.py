from django.urls import path

app_name = "pitches"

urlpatterns: list = []
