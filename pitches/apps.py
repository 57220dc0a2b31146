from django.apps import AppConfig


class PitchesConfig(AppConfig):
    name = "pitches"
