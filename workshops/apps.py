from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"

    def ready(self) -> None:
        """Answer the lower apps' questions: a registration that leaves frees its seats and places
        on waiting lists (events); what a person's data holds here (accounts)."""
        from accounts import personal_data
        from events.releases import register_releaser

        from . import personal_data as workshops_data
        from .services import release_registration

        register_releaser("workshops", release_registration)
        personal_data.register(workshops_data.PROVIDER)
