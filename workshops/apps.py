from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"

    def ready(self) -> None:
        # Answers to the questions events asks the apps above it (docs/architecture.md).
        from events import programme

        from .services import sync_workshop

        programme.on_session_saved(sync_workshop)
        from events import day

        from .day import WorkshopsDay

        day.register(WorkshopsDay())
