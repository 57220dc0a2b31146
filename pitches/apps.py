from django.apps import AppConfig


class PitchesConfig(AppConfig):
    name = "pitches"

    def ready(self) -> None:
        """Answer accounts' questions: a shortlisted interest opens contact details between the
        two organisations; what a person's data holds here."""
        from accounts import personal_data
        from accounts.rules import RELATIONSHIP_CHECKS, register_check

        from . import personal_data as pitches_data
        from . import rules

        register_check(RELATIONSHIP_CHECKS, rules.shortlisted_interests)
        personal_data.register(pitches_data.PROVIDER)
