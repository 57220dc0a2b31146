"""The invitation to an organisation (registered by notifications, written by accounts), for
tests/notifications/test_every_kind.py."""

from accounts import services
from notifications.invitations import INVITATION
from notifications.models import OutboxMessage


def invitation(get) -> OutboxMessage:
    invited = services.invite_member(
        organisation=get("ess_org"), inviter=get("ess_admin"), email="Colleague@Example.org"
    )
    return OutboxMessage.objects.get(kind=INVITATION, address=invited.email)


CASES = {INVITATION: invitation}
