from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Invitation, Membership, Organisation, Territory, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Django's user admin, adapted to login by email (there is no username)."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "job_title", "phone", "share_contact_details")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "legal_form", "listed_in_directory", "verified_at"]
    list_filter = ["kind", "legal_form", "insertion_type", "disability_type", "listed_in_directory"]
    search_fields = ["name", "siret"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes", "territories"]
    readonly_fields = ["verified_at", "created_at"]
    inlines = [MembershipInline]
    actions = ["mark_verified", "withdraw_verification"]

    @admin.action(description=_("Mark the legal form and types as verified"))
    def mark_verified(self, request, queryset):
        for organisation in queryset:
            services.verify_organisation(organisation=organisation, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation verified.",
                "%(count)d organisations verified.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the verification"))
    def withdraw_verification(self, request, queryset):
        for organisation in queryset:
            services.verify_organisation(
                organisation=organisation, actor=request.user, verified=False
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token", "created_at", "accepted_at"]
    autocomplete_fields = ["organisation", "invited_by"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
