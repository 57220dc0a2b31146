from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"

    def ready(self) -> None:
        from events import day

        from .day import WorkshopsDay

        day.register(WorkshopsDay())
