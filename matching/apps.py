from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        """Answer the lower apps' questions: an accepted meeting request opens contact details
        (accounts); a registration that leaves frees its meetings and requests (events); what a
        person's data holds here (accounts)."""
        from accounts import personal_data
        from accounts.rules import RELATIONSHIP_CHECKS, register_check
        from events.releases import register_releaser

        from . import personal_data as matching_data
        from . import rules
        from .services.requests import release_registration

        register_check(RELATIONSHIP_CHECKS, rules.accepted_meetings)
        register_releaser("matching", release_registration)
        personal_data.register(matching_data.PROVIDER)
