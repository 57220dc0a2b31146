from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self) -> None:
        """Answer the questions of the app below (docs/architecture.md, "Registries"): who sees
        whose contact details, who organises an event an organisation takes part in, what a
        person's data holds here; give the day its own parts (unavailability, programme); and the
        kinds of email it sends through the outbox (notifications)."""
        from accounts import personal_data
        from accounts.rules import CONTACT_CHECKS, ORGANISATION_OVERSEERS, register_check
        from notifications import kinds

        from . import day, emails, exports, rules
        from . import personal_data as events_data

        register_check(CONTACT_CHECKS, rules.registrants_of_organised_events)
        register_check(CONTACT_CHECKS, rules.consenting_people_registered_with)
        register_check(ORGANISATION_OVERSEERS, rules.organises_event_with)
        personal_data.register(events_data.PROVIDER)
        day.register(day.EventsDay())
        exports.register(exports.REGISTRATIONS)
        exports.register(exports.ORGANISATIONS)
        for kind in emails.KINDS:
            kinds.register(kind)
