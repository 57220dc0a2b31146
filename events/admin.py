from django.contrib import admin

from .models import Event, Registration, Room, Session, Slot, Table, Unavailability


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class TableInline(admin.TabularInline):
    model = Table
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "start_date", "venue", "phase"]
    list_filter = ["phase"]
    search_fields = ["title", "slug", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisers"]
    inlines = [RoomInline, TableInline]


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "kind", "room", "starts_at", "ends_at"]
    list_filter = ["kind", "event"]
    search_fields = ["title"]
    list_select_related = ["event", "room"]
    inlines = [SlotInline]


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "organisation", "role", "status", "created_at"]
    list_filter = ["status", "role", "event"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "event", "organisation"]
    raw_id_fields = ["user", "organisation", "registered_by"]
    inlines = [UnavailabilityInline]


admin.site.register(Room)
admin.site.register(Table)
