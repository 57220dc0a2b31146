"""The events admin. The phase, registration statuses, organisers and room capacities belong to
events.services (checks, lapsing requests, logs): they are read-only here and change through the
actions below or the organisers' console, never by editing the field."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import run_service_action

from . import services
from .enums import PHASE_ORDER, Phase
from .models import Event, Registration, Room, Session, Slot, Table, Unavailability


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    readonly_fields = ["capacity"]

    def has_add_permission(self, request, obj=None):
        return False  # rooms are added in the console (events.services.save_room)


class TableInline(admin.TabularInline):
    model = Table
    extra = 0


def _step(event: Event, direction: int) -> str:
    index = PHASE_ORDER.index(Phase(event.phase)) + direction
    return PHASE_ORDER[index] if 0 <= index < len(PHASE_ORDER) else event.phase


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "start_date", "venue", "phase"]
    list_filter = ["phase"]
    search_fields = ["title", "slug", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["phase", "organisers"]
    inlines = [RoomInline, TableInline]
    actions = ["next_phase", "previous_phase"]

    def has_add_permission(self, request):
        return False  # events are created in the console (events.services.create_event)

    def _move(self, request, queryset, direction: int):
        run_service_action(
            self,
            request,
            queryset,
            lambda event: services.move_phase(
                event=event, to_phase=_step(event, direction), by=request.user
            ),
            lambda count: (
                ngettext(
                    "%(count)d event moved to its new phase.",
                    "%(count)d events moved to their new phase.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Move to the next phase"))
    def next_phase(self, request, queryset):
        self._move(request, queryset, +1)

    @admin.action(description=_("Move back to the previous phase"))
    def previous_phase(self, request, queryset):
        self._move(request, queryset, -1)


class SlotInline(admin.TabularInline):
    """Slots are generated from the session by events.services.generate_slots."""

    model = Slot
    extra = 0
    readonly_fields = ["starts_at", "ends_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "kind", "room", "starts_at", "ends_at"]
    list_filter = ["kind", "event"]
    search_fields = ["title"]
    list_select_related = ["event", "room"]
    # Times, room and kind are checked by events.services.save_session (clashes, the room's
    # capacity, the slots they generate): they change in the organisers' programme.
    readonly_fields = [
        "event",
        "kind",
        "room",
        "starts_at",
        "ends_at",
        "slot_minutes",
        "gap_minutes",
    ]
    inlines = [SlotInline]

    def has_add_permission(self, request):
        return False


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "organisation", "role", "status", "created_at"]
    list_filter = ["status", "role", "event"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "event", "organisation"]
    raw_id_fields = ["registered_by"]
    readonly_fields = [
        "event",
        "user",
        "organisation",
        "role",
        "status",
        "refusal_reason",
        "checked_in_at",
    ]
    inlines = [UnavailabilityInline]
    actions = ["validate", "cancel"]

    def has_add_permission(self, request):
        return False  # people register themselves, or organisers on their behalf (console)

    @admin.action(description=_("Validate the registrations"))
    def validate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("user"),
            lambda registration: services.validate_registration(
                registration=registration, by=request.user
            ),
            lambda count: (
                ngettext(
                    "%(count)d registration validated.", "%(count)d registrations validated.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Cancel the registrations"))
    def cancel(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("user"),
            lambda registration: services.cancel_registration(
                registration=registration, by=request.user
            ),
            lambda count: (
                ngettext(
                    "%(count)d registration cancelled.", "%(count)d registrations cancelled.", count
                )
                % {"count": count}
            ),
        )


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "capacity", "accessible"]
    list_select_related = ["event"]
    readonly_fields = ["event", "capacity"]

    def has_add_permission(self, request):
        return False  # rooms are added in the console (events.services.save_room)


admin.site.register(Table)
