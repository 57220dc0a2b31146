from django.apps import AppConfig


class PitchesConfig(AppConfig):
    name = "pitches"

    def ready(self) -> None:
        from events import day

        from .day import PitchesDay

        day.register(PitchesDay())
