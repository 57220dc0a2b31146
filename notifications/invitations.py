"""The email inviting someone to join an organisation, through the outbox.

Why here: the invitation is written by accounts (`accounts.services.invite_member`), the lowest
app, which may not import the outbox above it. notifications is the lowest layer allowed to import
both, so it answers accounts' question (accounts/hooks.py, `on_invited`) and registers the kind,
in NotificationsConfig.ready(). The hook runs in `invite_member`'s transaction, so the email is
written with the invitation and sent once it commits, like every other email.

The person may have no account yet: the message goes to the bare address, in the site's language,
and cannot be turned off (it carries the link to accept). Renewing an invitation (new token) writes
a new version; an older message still waiting is withheld, so only the live link goes out.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Invitation
from core import sites

from . import services
from .kinds import Kind, render_email

INVITATION = "accounts.invitation"


def _key(invitation_id: int) -> str:
    return f"invitation:{invitation_id}"


def enqueue_invitation(invitation: Invitation) -> None:
    """Queue the email to the invited address; each renewal is a new version."""
    key = _key(invitation.pk)
    services.enqueue(
        kind=INVITATION,
        object_key=key,
        addresses=[invitation.email],
        version=services.next_version(INVITATION, key),
        context={"invitation_id": invitation.pk},
    )


def _invitation(message) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=message.context["invitation_id"])
        .first()
    )


def _withhold_reason(message) -> str:
    invitation = _invitation(message)
    if invitation is None:
        return "invitation deleted"
    if invitation.accepted_at is not None:
        return "invitation already accepted"
    if not services.is_latest(message):
        return "invitation renewed since"
    return ""


def _render(message):
    invitation = _invitation(message)
    name = invitation.organisation.name
    context = {
        "organisation": name,
        "inviter": str(invitation.invited_by) if invitation.invited_by else "",
        "url": sites.absolute_url(
            reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
        ),
    }
    subject = sites.email_subject(_("You are invited to join %(name)s") % {"name": name})
    return render_email(subject, "accounts/email/invitation", context)


KINDS = [
    Kind(
        INVITATION,
        label=gettext_lazy("An invitation to join an organisation"),
        render=_render,
        withhold_reason=_withhold_reason,
        optional=False,
    )
]
