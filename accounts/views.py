"""Thin views for accounts and organisations: check, form, call a service, render or redirect."""

import json
import mimetypes
from importlib import import_module
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from core.pagecache import page_cache
from core.pagination import paginate
from core.views import refuse, require

from . import queries, services
from .enums import MembershipRole
from .filters import DirectoryFilter
from .forms import DeleteAccountForm, InvitationForm, OrganisationForm, ProfileForm, RoleForm
from .models import Invitation, Membership, Organisation
from .rules import visible_contact_ids

DIRECTORY_PAGE_SIZE = 20

# Apps that may add a section to "My space": each provides templates/<app>/dashboard_section.html
# (rendered with `request` and `user`) and optionally `<app>.queries.dashboard_context(user)`
# whose result the section template reads as `data` (a template variable cannot be named
# `context`: Django's context stack reserves it).
DASHBOARD_APPS = ("events", "pitches", "matching", "workshops")


def _dashboard_sections(user) -> list[dict]:
    sections = []
    for app in DASHBOARD_APPS:
        template_name = f"{app}/dashboard_section.html"
        try:
            get_template(template_name)
        except TemplateDoesNotExist:
            continue
        context = {}
        try:
            provider = getattr(import_module(f"{app}.queries"), "dashboard_context", None)
        except ModuleNotFoundError:
            provider = None
        if provider is not None:
            context = provider(user)
        sections.append({"template": template_name, "data": context})
    return sections


@page_cache
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    registrations = request.user.registrations.select_related("event", "organisation").order_by(
        "-event__start_date"
    )
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": queries.user_memberships(request.user),
            "invitations": queries.invitations_for(request.user),
            "registrations": registrations,
            "sections": _dashboard_sections(request.user),
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/profile_form.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, and for a signed-in person the language of their emails too."""
    response = i18n.set_language(request)
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=request.POST.get("language", ""))
    return response


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html")


@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    data = services.export_user_data(user=request.user)
    filename = f"osez-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    blockers = services.sole_admin_blockers(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_user_account(user=request.user)
        except ValidationError as error:  # AccountsError, or Busy while meetings are released
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form, "blockers": blockers})


def directory(request: HttpRequest) -> HttpResponse:
    filterset = DirectoryFilter(request.GET, queryset=queries.directory_organisations())
    page = paginate(filterset.qs, request.GET.get("page"), per_page=DIRECTORY_PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"filter": filterset, "page": page, "query": params.urlencode()}
    if request.htmx:
        return render(request, "accounts/directory.html#results", context)
    return render(request, "accounts/directory.html", context)


# --- Organisations ---------------------------------------------------------------------------


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(
            creator=request.user,
            kind=form.cleaned_data["kind"],
            data=form.profile_data(),
            themes=form.cleaned_data["themes"],
            territories=form.cleaned_data["territories"],
        )
        messages.success(
            request,
            _("%(name)s has been created; you are its administrator.") % {"name": organisation},
        )
        return redirect("accounts:organisation_detail", slug=organisation.slug)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": None})


def organisation_logo(request: HttpRequest, slug: str) -> HttpResponse:
    """The logo, to whoever may see the organisation: served by the app, so it works without a
    separate media server (logos are checked images of 2 MB at most)."""
    organisation = _organisation(slug)
    if not organisation.logo or not request.user.has_perm(
        "accounts.view_organisation", organisation
    ):
        raise Http404
    try:
        with organisation.logo.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(organisation.logo.name)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    if not request.user.has_perm("accounts.view_organisation", organisation):
        return redirect_to_login(request.get_full_path())
    memberships = list(queries.organisation_members(organisation))
    visible = visible_contact_ids(request.user, [m.user for m in memberships])
    shown = [m for m in memberships if m.user_id in visible]
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": shown,
            "hidden_count": len(memberships) - len(shown),
            "themes": organisation.themes.all(),
            "territories": organisation.territories.order_by("name"),
            "is_member": any(m.user_id == request.user.pk for m in memberships),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    require(request, "accounts.change_organisation", organisation)
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        was_verified = organisation.verified_at is not None
        services.update_organisation(
            organisation=organisation,
            actor=request.user,
            data=form.profile_data(),
            themes=form.cleaned_data["themes"],
            territories=form.cleaned_data["territories"],
        )
        messages.success(request, _("The profile has been saved."))
        if was_verified and organisation.verified_at is None:
            messages.warning(
                request,
                _("The legal form or types changed: an organiser will check them again."),
            )
        return redirect("accounts:organisation_detail", slug=organisation.slug)
    if request.method == "POST":
        organisation.refresh_from_db()  # the form changed the instance in memory
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def organisation_verify(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    require(request, "accounts.verify_organisation", organisation)
    verified = request.POST.get("verified", "1") != "0"
    services.verify_organisation(organisation=organisation, actor=request.user, verified=verified)
    if verified:
        messages.success(request, _("The legal form and types are marked as verified."))
    else:
        messages.success(request, _("The verification has been withdrawn."))
    return redirect("accounts:organisation_detail", slug=organisation.slug)


@login_required
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    require(request, "accounts.view_organisation_private", organisation)
    can_manage = request.user.has_perm("accounts.manage_members", organisation)
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organisation": organisation,
            "memberships": queries.organisation_members(organisation),
            "invitations": queries.pending_invitations(organisation) if can_manage else [],
            "can_manage": can_manage,
            "roles": MembershipRole.choices,
        },
    )


@login_required
def organisation_invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    require(request, "accounts.invite_member", organisation)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                organisation=organisation,
                inviter=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except services.AccountsError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("accounts:organisation_members", slug=organisation.slug)
    return render(
        request, "accounts/organisation_invite.html", {"form": form, "organisation": organisation}
    )


def _membership(request: HttpRequest, slug: str, pk: int) -> Membership:
    organisation = _organisation(slug)
    return get_object_or_404(Membership, pk=pk, organisation=organisation)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    require(request, "accounts.manage_members", membership.organisation)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.change_member_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"]
            )
        except services.AccountsError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(person)s is now %(role)s.")
                % {"person": membership.user, "role": membership.get_role_display().lower()},
            )
    return redirect("accounts:organisation_members", slug=slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(slug)
    membership = Membership.objects.filter(pk=pk, organisation=organisation).first()
    if membership is None:
        gone = not Membership.objects.filter(pk=pk).exists()  # not another organisation's
        if not (gone and request.user.has_perm("accounts.manage_members", organisation)):
            raise Http404
        # A stale members page: removed (or left) meanwhile.
        return refuse(
            request,
            _("This person is no longer a member of the organisation."),
            redirect_to=reverse("accounts:organisation_members", kwargs={"slug": slug}),
        )
    leaving = membership.user_id == request.user.pk
    if not leaving:
        require(request, "accounts.manage_members", membership.organisation)
    try:
        services.remove_member(membership=membership, actor=request.user)
    except services.AccountsError as error:
        messages.error(request, error.message)
        return redirect("accounts:organisation_members", slug=slug)
    if leaving:
        messages.success(request, _("You have left %(name)s.") % {"name": membership.organisation})
        return redirect("accounts:dashboard")
    messages.success(
        request,
        _("%(person)s has been removed from the organisation.") % {"person": membership.user},
    )
    return redirect("accounts:organisation_members", slug=slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token
    )
    if not request.user.is_authenticated:
        # Not signed up yet (or not logged in): sign up, then come back here.
        messages.info(
            request,
            _("Sign up with %(email)s (or log in if you already have an account) to join %(name)s.")
            % {"email": invitation.email, "name": invitation.organisation},
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('account_signup')}?{query}")
    context = {"invitation": invitation, "error": None}
    status = 200
    if invitation.accepted_at is None and not services.invitation_matches(invitation, request.user):
        context["error"] = _(
            "This invitation was sent to %(email)s. Log in with that address to accept it."
        ) % {"email": invitation.email}
        status = 403
    elif request.method == "POST" and invitation.accepted_at is None:
        try:
            membership = services.accept_invitation(invitation=invitation, user=request.user)
        except services.AccountsError as error:
            context["error"] = error.message
        else:
            messages.success(request, _("Welcome to %(name)s!") % {"name": membership.organisation})
            return redirect("accounts:organisation_detail", slug=membership.organisation.slug)
    return render(request, "accounts/invitation_accept.html", context, status=status)
