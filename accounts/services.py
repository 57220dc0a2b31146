"""Every write of the accounts app: organisations, memberships, invitations, personal data.

Views, admin actions and commands call these functions; they never write models themselves.
Business rules that fail raise `AccountsError` with a message meant for the person.
"""

import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import live
from core.locking import lock, locked_transaction

from . import hooks, personal_data
from .enums import MembershipRole, OrganisationKind
from .models import Invitation, Membership, Organisation, Territory, Theme, User

log = logging.getLogger(__name__)

# Fields an organisation's admins edit themselves (kind is chosen once, at creation).
PROFILE_FIELDS = (
    "name",
    "siret",
    "buyer_kind",
    "legal_form",
    "insertion_type",
    "disability_type",
    "esus_agreed",
    "esus_start",
    "esus_end",
    "size",
    "description",
    "website",
    "logo",
    "listed_in_directory",
)
# Changing one of these after verification sends the profile back to an organiser.
VERIFIED_FIELDS = ("legal_form", "insertion_type", "disability_type", "esus_agreed", "siret")


class AccountsError(ValidationError):
    """A business rule refused the change; the message is for the person."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_profile(organisation: Organisation, data: Mapping[str, Any]) -> None:
    for field in PROFILE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "logo":
            if value is None:
                continue  # no new file: keep the current logo
            value = value or ""  # False: the logo was cleared
        setattr(organisation, field, value)
    # Fields of the other kind are emptied so the database constraints hold.
    if organisation.kind == OrganisationKind.BUYER:
        organisation.legal_form = organisation.insertion_type = organisation.disability_type = ""
        organisation.esus_agreed = False
        organisation.esus_start = organisation.esus_end = None
    else:
        organisation.buyer_kind = ""
        if not organisation.esus_agreed:
            organisation.esus_start = organisation.esus_end = None


def _set_relations(
    organisation: Organisation,
    themes: Iterable[Theme] | None,
    territories: Iterable[Territory] | None,
) -> None:
    if themes is not None:
        organisation.themes.set(themes)
    if territories is not None:
        organisation.territories.set(territories)


@locked_transaction()
def create_organisation(
    *,
    creator: User,
    kind: str,
    data: Mapping[str, Any],
    themes: Iterable[Theme] = (),
    territories: Iterable[Territory] = (),
) -> Organisation:
    """Create an organisation with its creator as administrator.

    Side effects: insert the organisation (unique slug from the name), its themes and territories,
    the creator's admin membership; log.
    """
    organisation = Organisation(kind=kind, slug=_unique_slug(data["name"]))
    _apply_profile(organisation, data)
    organisation.full_clean(exclude=["logo"])
    organisation.save()
    _set_relations(organisation, themes, territories)
    Membership.objects.create(user=creator, organisation=organisation, role=MembershipRole.ADMIN)
    log.info("organisation %s created by user %s", organisation.pk, creator.pk)
    return organisation


@locked_transaction()
def update_organisation(
    *,
    organisation: Organisation,
    actor: User,
    data: Mapping[str, Any],
    themes: Iterable[Theme] | None = None,
    territories: Iterable[Territory] | None = None,
) -> Organisation:
    """Update an organisation's profile.

    Side effects: lock the organisation's row; write the profile, themes and territories; clear
    `verified_at` when a verified field (legal form, types, ESUS, SIRET) differs from the stored
    one, so an organiser checks it again; log.
    """
    # Compare with the stored row, not with `organisation`: a ModelForm has already copied the
    # new values onto the instance it was given.
    stored = lock(Organisation.objects.filter(pk=organisation.pk)).get()
    before = {field: getattr(stored, field) for field in VERIFIED_FIELDS}
    organisation.verified_at = stored.verified_at
    _apply_profile(organisation, data)
    if organisation.verified_at and any(
        getattr(organisation, f) != value for f, value in before.items()
    ):
        organisation.verified_at = None
    organisation.full_clean(exclude=["logo"])
    organisation.save()
    _set_relations(organisation, themes, territories)
    log.info("organisation %s updated by user %s", organisation.pk, actor.pk)
    return organisation


def set_directory_listing(*, organisation: Organisation, actor: User, listed: bool) -> None:
    """Opt the organisation in or out of the public directory. Side effects: write; log."""
    Organisation.objects.filter(pk=organisation.pk).update(listed_in_directory=listed)
    organisation.listed_in_directory = listed
    log.info("organisation %s directory listing=%s by user %s", organisation.pk, listed, actor.pk)


def verify_organisation(*, organisation: Organisation, actor: User, verified: bool = True) -> None:
    """Record that an organiser checked the declared legal form and types (or withdraw it).

    Side effects: write `verified_at` (now, or empty); log.
    """
    organisation.verified_at = timezone.now() if verified else None
    Organisation.objects.filter(pk=organisation.pk).update(verified_at=organisation.verified_at)
    log.info("organisation %s verified=%s by user %s", organisation.pk, verified, actor.pk)


# --- Members and invitations -----------------------------------------------------------------


@locked_transaction()
def invite_member(
    *, organisation: Organisation, inviter: User, email: str, role: str = MembershipRole.MEMBER
) -> Invitation:
    """Invite a colleague by email.

    Side effects: refuse if the address already belongs to a member; insert the invitation (or
    renew the pending one for that address: new token and role); log; run the `on_invited` hooks
    (accounts/hooks.py: notifications queues the invitation email in the outbox, sent on commit;
    an older one not sent yet is withheld).
    """
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise AccountsError(_("This person is already a member of the organisation."))
    invitation = (
        lock(Invitation.objects)
        .filter(organisation=organisation, email__iexact=email, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        invitation = Invitation(organisation=organisation, email=email)
    invitation.role = role
    invitation.invited_by = inviter
    invitation.token = secrets.token_urlsafe(32)
    invitation.save()
    log.info(
        "invitation %s to organisation %s by user %s", invitation.pk, organisation.pk, inviter.pk
    )
    hooks.invited(invitation)
    return invitation


def invitation_matches(invitation: Invitation, user: User) -> bool:
    """The invitation was sent to one of the person's addresses (their login or a verified one)."""
    from allauth.account.models import EmailAddress

    email = invitation.email.lower()
    if user.email.lower() == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@locked_transaction()
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation sent to the person's email address.

    Side effects: lock the invitation; refuse if already accepted or sent to another address;
    insert the membership with the invited role (an existing membership is kept as it is); mark
    the invitation accepted; log.
    """
    invitation = lock(Invitation.objects).get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise AccountsError(_("This invitation has already been used."))
    if not invitation_matches(invitation, user):
        raise AccountsError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    log.info("invitation %s accepted by user %s", invitation.pk, user.pk)
    return membership


def _other_admins(membership: Membership) -> int:
    """Lock the organisation's admin memberships and count those other than this one."""
    admins = list(
        lock(Membership.objects)
        .filter(organisation_id=membership.organisation_id, role=MembershipRole.ADMIN)
        .values_list("pk", flat=True)
    )
    return len([pk for pk in admins if pk != membership.pk])


def _last_admin_error() -> AccountsError:
    return AccountsError(
        _(
            "An organisation needs at least one administrator: make another member administrator "
            "first."
        )
    )


@locked_transaction()
def change_member_role(*, membership: Membership, actor: User, role: str) -> Membership:
    """Change a member's role.

    Side effects: lock the organisation's admin memberships; refuse to demote the last admin;
    write the role; log.
    """
    demoting = membership.role == MembershipRole.ADMIN and role != MembershipRole.ADMIN
    if demoting and _other_admins(membership) == 0:
        raise _last_admin_error()
    membership.role = role
    membership.save(update_fields=["role"])
    log.info("membership %s role=%s by user %s", membership.pk, role, actor.pk)
    return membership


@locked_transaction()
def remove_member(*, membership: Membership, actor: User) -> None:
    """Remove a member from an organisation (an admin removes someone, or a person leaves).

    Side effects: lock the organisation's admin memberships; refuse to remove the last admin;
    delete the membership; the person's live pages check their rights again on commit (those of
    the organisation close: core/live.py); log.
    """
    if membership.role == MembershipRole.ADMIN and _other_admins(membership) == 0:
        raise _last_admin_error()
    membership.delete()
    live.recheck_rights_on_commit(membership.user_id)
    log.info("membership %s removed by user %s", membership.pk, actor.pk)


# --- The person's own data (RGPD) ------------------------------------------------------------


def update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    phone: str = "",
    job_title: str = "",
    share_contact_details: bool = False,
    language: str = "",
) -> User:
    """Update a person's name, phone, job title, consent and email language. Side effects: write;
    log."""
    user.first_name, user.last_name = first_name, last_name
    user.phone, user.job_title = phone, job_title
    user.share_contact_details = share_contact_details
    user.language = language or user.language
    user.save(
        update_fields=[
            "first_name",
            "last_name",
            "phone",
            "job_title",
            "share_contact_details",
            "language",
        ]
    )
    log.info("user %s updated their profile (sharing=%s)", user.pk, share_contact_details)
    return user


def set_language(*, user: User, language: str) -> None:
    """Write the language of `user`'s emails (a code of settings.LANGUAGES; others ignored).

    Side effects: write `language` when it changes."""
    if language in dict(settings.LANGUAGES) and language != user.language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything Osez holds about a person, as plain JSON-ready data (a read; no side effects):
    every app's sections, collected through the registry of accounts/personal_data.py."""
    return {"exported_at": timezone.now().isoformat(), **personal_data.export_sections(user)}


def sole_admin_blockers(user: User) -> list[Organisation]:
    """Organisations where the person is the only admin while other members remain."""
    blockers = []
    for membership in user.memberships.filter(role=MembershipRole.ADMIN).select_related(
        "organisation"
    ):
        others = Membership.objects.filter(organisation_id=membership.organisation_id).exclude(
            user=user
        )
        if others.exists() and not others.filter(role=MembershipRole.ADMIN).exists():
            blockers.append(membership.organisation)
    return blockers


@locked_transaction()
def delete_user_account(*, user: User) -> None:
    """Delete a person's account and personal data.

    Side effects, in order: refuse if they are the only admin of an organisation that has other
    members (they must promote someone first); every app releases what the person holds through its
    own services (accounts/personal_data.py: future meetings cancelled and pending requests
    withdrawn, partners told by email and live; workshop seats freed for the waiting lists);
    pending invitations to their address are deleted; their memberships, email addresses and
    event registrations are deleted with the account; what they wrote for an organisation
    (pitches, interests, questions) stays, without their name; their open live pages closed on
    commit (core/live.py); log.
    """
    blockers = sole_admin_blockers(user)
    if blockers:
        raise AccountsError(
            _(
                "You are the only administrator of %(names)s. Make another member administrator "
                "before deleting your account."
            )
            % {"names": ", ".join(org.name for org in blockers)}
        )
    user_id = user.pk
    personal_data.erase_everywhere(user)
    Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()
    try:
        user.delete()
    except ProtectedError as error:
        raise AccountsError(
            _("Your account is still linked to event records; please contact the organisers.")
        ) from error
    live.close_sockets_on_commit(user_id)
    log.info("user %s deleted their account", user_id)
