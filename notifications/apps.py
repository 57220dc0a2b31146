from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        """Answer accounts' questions (docs/architecture.md, "Registries"): the emails written to
        a person are part of their data; an invitation to an organisation is emailed through the
        outbox (notifications/invitations.py: accounts cannot import the outbox)."""
        from accounts import hooks, personal_data

        from . import invitations, kinds
        from . import personal_data as notifications_data

        personal_data.register(notifications_data.PROVIDER)
        hooks.on_invited(invitations.enqueue_invitation)
        for kind in invitations.KINDS:
            kinds.register(kind)
