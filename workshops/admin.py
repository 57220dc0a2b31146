from django.contrib import admin

from .models import Workshop


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["__str__", "theme", "capacity"]
    list_filter = ["theme"]
    list_select_related = ["session", "theme"]
    filter_horizontal = ["facilitators"]
