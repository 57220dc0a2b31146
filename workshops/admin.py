from django.contrib import admin

from .models import Seat, WaitlistEntry, WishList, Workshop, WorkshopPlan, WorkshopWish


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["__str__", "theme", "capacity"]
    list_filter = ["theme"]
    list_select_related = ["session", "theme"]
    filter_horizontal = ["facilitators"]
    # The capacity is checked against the room's by events.services.save_session (which calls
    # workshops.services.save_workshop): it changes in the organisers' programme, not here.
    readonly_fields = ["session", "capacity"]

    def has_add_permission(self, request):
        return False  # a workshop is a programme session of kind "workshop" (console)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seats, wishes and plans change through workshops.services (locks, waiting lists): the admin
    only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Seat)
class SeatAdmin(ReadOnlyAdmin):
    list_display = ["registration", "workshop", "locked", "created_at"]
    list_select_related = ["registration__user", "registration__event", "workshop__session"]
    list_filter = ["locked"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ["registration", "workshop", "created_at"]
    list_select_related = ["registration__user", "registration__event", "workshop__session"]


@admin.register(WorkshopWish)
class WorkshopWishAdmin(ReadOnlyAdmin):
    list_display = ["registration", "workshop", "rank"]
    list_select_related = ["registration__user", "registration__event", "workshop__session"]


@admin.register(WishList)
class WishListAdmin(ReadOnlyAdmin):
    list_display = ["registration", "wants", "updated_at"]
    list_select_related = ["registration__user", "registration__event"]


@admin.register(WorkshopPlan)
class WorkshopPlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_at", "applied_at"]
    list_select_related = ["event"]
