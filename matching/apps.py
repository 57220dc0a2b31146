from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self):
        from matching.services.quiet_period import lapse_requests_about_pitch
        from pitches.hooks import on_quiet_period_start

        on_quiet_period_start(lapse_requests_about_pitch)
