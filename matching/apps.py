from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        """Answer the lower apps' questions (docs/architecture.md, "Registries"): an accepted
        meeting request opens contact details and a person's data holds their requests and
        meetings (accounts); leaving the requests phase lapses pending requests, a registration
        that leaves frees its meetings and requests, meetings fill a person's day and
        are asked about after it, a check-in
        changes what the agendas of the meetings under way show (events); a pitch's quiet period
        lapses the requests about it (pitches); the kinds of email it sends through the outbox
        (notifications)."""
        from accounts import personal_data
        from accounts.rules import RELATIONSHIP_CHECKS, register_check
        from events import checkins, day, exports, phases, surveys
        from events.enums import Phase
        from events.releases import register_releaser
        from notifications import kinds
        from pitches import trace
        from pitches.hooks import on_quiet_period_start

        from . import emails, rules
        from . import exports as matching_exports
        from . import personal_data as matching_data
        from .day import MatchingDay
        from .services.presence import check_in_changed
        from .services.quiet_period import lapse_requests_about_pitch
        from .services.requests import lapse_pending_requests, release_registration
        from .surveys import MeetingSurveys

        register_check(RELATIONSHIP_CHECKS, rules.accepted_meetings)
        personal_data.register(matching_data.PROVIDER)
        phases.on_leaving(Phase.REQUESTS, lapse_pending_requests)
        register_releaser("matching", release_registration)
        day.register(MatchingDay())
        surveys.register(MeetingSurveys())
        exports.register(matching_exports.MEETINGS)
        exports.register(matching_exports.OUTCOMES)
        exports.register(matching_exports.FOLLOW_UPS)
        trace.register(matching_exports.pitch_meetings)
        trace.register(matching_exports.pitch_follow_ups)
        checkins.on_change(check_in_changed)
        on_quiet_period_start(lapse_requests_about_pitch)
        for kind in emails.KINDS:
            kinds.register(kind)
