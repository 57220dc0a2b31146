from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        from events import day

        from .day import MatchingDay

        day.register(MatchingDay())
