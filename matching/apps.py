from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        # Answers to the questions events asks the apps above it (docs/architecture.md).
        from events import phases
        from events.enums import Phase

        from .services.requests import lapse_pending_requests

        # Meeting requests are answered in the requests phase only: leaving it lapses them.
        phases.on_leaving(Phase.REQUESTS, lapse_pending_requests)
        from events import day

        from .day import MatchingDay

        day.register(MatchingDay())
        from pitches.hooks import on_quiet_period_start

        from .services.quiet_period import lapse_requests_about_pitch

        on_quiet_period_start(lapse_requests_about_pitch)
