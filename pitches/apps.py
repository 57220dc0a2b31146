from django.apps import AppConfig


class PitchesConfig(AppConfig):
    name = "pitches"

    def ready(self) -> None:
        """Answer the lower apps' questions (docs/architecture.md, "Registries"): a shortlisted
        interest opens contact details between the two organisations, and what a person's data
        holds here (accounts); buyers who pitch are busy during the pitch session (events); the
        kinds of email it sends through the outbox (notifications)."""
        from accounts import personal_data
        from accounts.rules import RELATIONSHIP_CHECKS, register_check
        from events import day, exports
        from notifications import kinds

        from . import emails, rules
        from . import exports as pitches_exports
        from . import personal_data as pitches_data
        from .day import PitchesDay

        register_check(RELATIONSHIP_CHECKS, rules.shortlisted_interests)
        personal_data.register(pitches_data.PROVIDER)
        day.register(PitchesDay())
        exports.register(pitches_exports.PITCHES)
        exports.register(pitches_exports.INTERESTS)
        for kind in emails.KINDS:
            kinds.register(kind)
