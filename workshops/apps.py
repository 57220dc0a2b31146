from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"

    def ready(self) -> None:
        """Answer the lower apps' questions (docs/architecture.md, "Registries"): a saved
        workshop session keeps its workshop in step, a registration that leaves frees its seats
        and places on waiting lists, seats fill a person's day, seat holders are asked about
        their workshops after the day (events); what a person's data holds here (accounts); the kinds of email it sends through the outbox (notifications)."""
        from accounts import personal_data
        from events import day, exports, programme, surveys
        from events.releases import register_releaser
        from notifications import kinds

        from . import emails
        from . import exports as workshops_exports
        from . import personal_data as workshops_data
        from .day import WorkshopsDay
        from .services import release_registration, sync_workshop
        from .surveys import WorkshopSurveys

        programme.on_session_saved(sync_workshop)
        register_releaser("workshops", release_registration)
        day.register(WorkshopsDay())
        surveys.register(WorkshopSurveys())
        exports.register(workshops_exports.SEATS)
        personal_data.register(workshops_data.PROVIDER)
        for kind in emails.KINDS:
            kinds.register(kind)
