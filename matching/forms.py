"""Forms of the matching app, one section per area."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Theme
from core import times
from core.forms import BoundedNumbersMixin
from events.enums import RegistrationRole
from pitches.enums import RESERVED_ROUTES, Route

from .enums import BookingMode
from .models import MatchingSettings
from .services.requests import MAX_MESSAGE_LENGTH

# --- meeting requests and self-service booking -------------------------------------------------


class ParticipantFilterForm(BoundedNumbersMixin, forms.Form):
    """Filters of the participants page (GET)."""

    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("Everyone")),
            (RegistrationRole.BUYER, _("Buyers")),
            (RegistrationRole.ESS, _("ESS structures")),
        ],
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        required=False,
        queryset=Theme.objects.all(),
        empty_label=_("All themes"),
    )
    q = forms.CharField(label=_("Organisation"), required=False, max_length=100)


class RecipientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, registration):
        person = registration.user.get_full_name() or _("a member")
        if registration.user.job_title:
            return f"{person}, {registration.user.job_title}"
        return person


class PitchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pitch):
        return f"{pitch.title} ({pitch.buyer.name})"


class RequestForm(BoundedNumbersMixin, forms.Form):
    recipient = RecipientChoiceField(label=_("Person to meet"), queryset=None, empty_label=None)
    pitch = PitchChoiceField(
        label=_("About the pitch"),
        queryset=None,
        required=False,
        empty_label=_("No pitch in particular"),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_MESSAGE_LENGTH}),
        help_text=_("A few words on what you would like to discuss."),
    )

    def __init__(self, *args, recipients, pitches, allowed_pitches, **kwargs):
        """`pitches` are offered; `allowed_pitches` (the event's published ones) are accepted, so
        a pitch no longer offered (its quiet period started meanwhile) gets the service's clear
        refusal, not "invalid choice"."""
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients
        if len(recipients) == 1:
            self.fields["recipient"].widget = forms.HiddenInput()
            self.fields["recipient"].initial = recipients[0].pk
        field = self.fields["pitch"]
        field.queryset = allowed_pitches
        offered = list(pitches)
        field.choices = [("", field.empty_label)] + [
            (pitch.pk, field.label_from_instance(pitch)) for pitch in offered
        ]
        if not offered:  # between two structures, or no pitch open for exchanges
            field.widget = forms.HiddenInput()


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"maxlength": 300}),
        help_text=_("Shown to the person who asked."),
    )


class SlotChoiceField(forms.ModelChoiceField):
    """Slots labelled by their local time ("14:20-14:40"), in the event's time zone."""

    def __init__(self, *args, time_zone=None, **kwargs):
        self.time_zone = time_zone
        super().__init__(*args, **kwargs)

    def label_from_instance(self, slot):
        return times.time_range(slot.starts_at, slot.ends_at, self.time_zone)


class SlotForm(BoundedNumbersMixin, forms.Form):
    """Pick one of the free slots; `slots` are offered, `allowed` is every meeting slot of the
    event (a slot taken meanwhile gets the service's clear refusal, not "invalid choice")."""

    slot = SlotChoiceField(
        label=_("Free slots"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, slots, allowed, time_zone, optional=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        field.queryset = allowed
        field.time_zone = time_zone
        field.required = not optional
        choices = [(slot.pk, field.label_from_instance(slot)) for slot in slots]
        if optional:
            choices.append(("", _("Choose a slot later")))
        field.choices = choices
        if optional:
            self.initial.setdefault("slot", slots[0].pk if slots else "")


class SettingsForm(BoundedNumbersMixin, forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = [
            "booking_mode",
            "max_requests_per_participant",
            "reminder_minutes",
            "no_show_minutes",
        ]
        widgets = {"booking_mode": forms.RadioSelect}
        help_texts = {
            "booking_mode": _(
                "Self-service: each person who accepts a request picks a free slot at once, first "
                "come, first served. Organisers: accepted requests wait for your scheduling run."
            ),
            "max_requests_per_participant": _(
                "Pending and accepted requests each participant may have sent. Leave empty for no "
                "cap."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking_mode"].choices = BookingMode.choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class FollowUpForm(forms.Form):
    """The facts of a follow-up (matching.services.follow_ups.update_follow_up checks them
    together: clean_facts)."""

    quote_sent_on = forms.DateField(label=_("Quote sent on"), required=False, widget=DateInput())
    consultation_launched_on = forms.DateField(
        label=_("Consultation launched on"), required=False, widget=DateInput()
    )
    consultation_url = forms.URLField(
        label=_("Link of the consultation"),
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    social_clause = forms.BooleanField(label=_("It carries a social clause"), required=False)
    reserved_lot = forms.BooleanField(label=_("It has a reserved lot"), required=False)
    small_lots = forms.BooleanField(label=_("It has lots open to small structures"), required=False)
    answered_on = forms.DateField(
        label=_("The structure answered on"), required=False, widget=DateInput()
    )
    awarded = forms.TypedChoiceField(
        label=_("Awarded to the structure?"),
        choices=[("", _("Not known yet")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount awarded (€ excl. VAT, optional)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )

    @classmethod
    def initial_from(cls, follow_up) -> dict:
        from matching.services.follow_ups import FIELDS

        initial = {name: getattr(follow_up, name) for name in FIELDS}
        initial["awarded"] = {True: "yes", False: "no"}.get(follow_up.awarded, "")
        pitch = follow_up.request.pitch
        # The buyer recorded the launch of the pitch's consultation (pitches.services): the
        # follow-up starts from it, with the clauses its route names.
        if (
            follow_up.consultation_launched_on is None
            and pitch is not None
            and pitch.consultation_launched_on is not None
        ):
            initial.update(
                consultation_launched_on=pitch.consultation_launched_on,
                consultation_url=pitch.consultation_url,
                social_clause=pitch.route == Route.SOCIAL_CLAUSE,
                reserved_lot=pitch.route in RESERVED_ROUTES,
            )
        return initial
