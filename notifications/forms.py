from django import forms

from .kinds import Kind


class PreferencesForm(forms.Form):
    """One checkbox per kind of email a person may turn off."""

    def __init__(self, *args, choices: list[tuple[Kind, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, receives in choices:
            self.fields[kind.name] = forms.BooleanField(
                label=kind.label, required=False, initial=receives
            )
