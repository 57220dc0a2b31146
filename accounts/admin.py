from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import run_service_action

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
    # Deleting an account lets every app release what the person holds (meetings cancelled and
    # partners told, requests withdrawn, seats freed): only through the service, never a raw delete.
    actions = ["delete_accounts"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Delete the accounts and their personal data"))
    def delete_accounts(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda user: services.delete_user_account(user=user),
            lambda count: (
                ngettext("%(count)d account deleted.", "%(count)d accounts deleted.", count)
                % {"count": count}
            ),
        )


class MembershipInline(admin.TabularInline):
    """Members and roles change through accounts.services (invitations, the last admin kept)."""

    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["user", "role", "joined_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "legal_form", "listed_in_directory", "verified_at"]
    list_filter = ["kind", "legal_form", "insertion_type", "disability_type", "listed_in_directory"]
    search_fields = ["name", "siret"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes", "territories"]
    # Verification and the directory opt-in belong to accounts.services: read-only here, changed
    # by the actions below (verification) or by the organisation's own admins (listing).
    readonly_fields = ["verified_at", "listed_in_directory", "created_at"]
    inlines = [MembershipInline]
    actions = ["mark_verified", "withdraw_verification"]

    @admin.action(description=_("Mark the legal form and types as verified"))
    def mark_verified(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda organisation: services.verify_organisation(
                organisation=organisation, actor=request.user
            ),
            lambda count: (
                ngettext(
                    "%(count)d organisation verified.", "%(count)d organisations verified.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Withdraw the verification"))
    def withdraw_verification(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda organisation: services.verify_organisation(
                organisation=organisation, actor=request.user, verified=False
            ),
            lambda count: (
                ngettext(
                    "Verification withdrawn for %(count)d organisation.",
                    "Verification withdrawn for %(count)d organisations.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only: members join by invitation and roles change through accounts.services, which
    keep at least one admin per organisation."""

    list_display = ["user", "organisation", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token", "created_at", "accepted_at"]
    autocomplete_fields = ["organisation", "invited_by"]

    def has_add_permission(self, request):
        return False  # accounts.services.invite_member sends the email; admins invite in the app


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
