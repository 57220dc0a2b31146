from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        """Answer accounts' question (docs/architecture.md, "Registries"): the emails written to
        a person are part of their data."""
        from accounts import personal_data

        from . import personal_data as notifications_data

        personal_data.register(notifications_data.PROVIDER)
