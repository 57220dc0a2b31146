"""Forms of the events app. Times are entered as a day of the event plus a 24-hour time, in the
event's time zone (events.times), never the server's."""

import datetime as dt
import zoneinfo
from functools import cache

import django_filters
from django import forms
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Theme, User
from core import spreadsheets, times
from core.forms import BoundedNumbersMixin

from .enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
from .models import Event, Registration, Room, Table
from .services import Absence, WorkshopDetails
from .times import event_datetime, event_days

# A text input rather than type=time: browsers show type=time in the OS locale (AM/PM for
# some), the product wants 24-hour times everywhere. "14:30", "14h30" and "14h" are accepted.
TIME_INPUT_FORMATS = ["%H:%M", "%Hh%M", "%HH%M", "%Hh", "%HH", "%H:%M:%S"]
TIME_WIDGET = forms.TimeInput(
    attrs={"placeholder": "hh:mm", "size": "5", "autocomplete": "off", "class": "input-time"},
    format="%H:%M",
)


class HourField(forms.TimeField):
    """A 24-hour wall-clock time, typed as 14:30 or 14h30."""

    widget = TIME_WIDGET
    input_formats = TIME_INPUT_FORMATS


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class EventForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "start_date",
            "end_date",
            "venue",
            "address",
            "time_zone",
            "description",
        ]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
        help_texts = {"slug": _("Used in the event's address: letters, digits and hyphens.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]
        self.fields["time_zone"].initial = self.instance.time_zone or "Europe/Paris"

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices)


class OrganiserForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))


class RoomForm(BoundedNumbersMixin, forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "capacity", "accessible"]


class TableForm(forms.ModelForm):
    position = forms.IntegerField(
        label=_("Order"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=Table._meta.get_field("position").help_text,
    )

    class Meta:
        model = Table
        fields = ["name", "zone", "accessible", "position"]

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0


class BulkTablesForm(BoundedNumbersMixin, forms.Form):
    prefix = forms.CharField(label=_("Prefix"), max_length=10, initial="T", required=False)
    first = forms.IntegerField(label=_("From number"), min_value=0, max_value=9999, initial=1)
    last = forms.IntegerField(label=_("To number"), min_value=0, max_value=9999, initial=20)
    zone = forms.CharField(label=_("Zone"), max_length=80, required=False)
    accessible = forms.BooleanField(label=_("Accessible"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first is not None and last is not None and last < first:
            self.add_error("last", _("The last number must not be smaller than the first."))
        return data


class EventDayMixin:
    """Adds a `day` choice among the event's days (hidden for one-day events) and turns
    day + time fields into aware datetimes in the event's zone."""

    def _add_day_field(self, event: Event, name: str = "day") -> None:
        days = event_days(event)
        field = forms.TypedChoiceField(
            label=_("Day"),
            choices=[(d.isoformat(), date_format(d, "DATE_FORMAT")) for d in days],
            coerce=dt.date.fromisoformat,
            initial=days[0].isoformat(),
        )
        if len(days) == 1:
            field.widget = forms.HiddenInput()
        self.fields[name] = field


def _emails(text: str) -> list[str]:
    return [e.strip() for e in text.replace(",", "\n").splitlines() if e.strip()]


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except forms.ValidationError:
        return False
    return True


class SessionForm(BoundedNumbersMixin, EventDayMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    starts_at = HourField(label=_("Starts at"))
    ends_at = HourField(label=_("Ends at"))
    slot_minutes = forms.IntegerField(
        label=_("Slot length (minutes)"),
        min_value=5,
        max_value=240,
        required=False,
        help_text=_("Meeting blocks only."),
    )
    gap_minutes = forms.IntegerField(
        label=_("Gap between slots (minutes)"),
        min_value=0,
        max_value=120,
        initial=0,
        required=False,
    )
    theme = forms.ModelChoiceField(
        label=_("Workshop theme"),
        queryset=Theme.objects.all(),
        required=False,
        help_text=_("Workshops only."),
    )
    capacity = forms.IntegerField(
        label=_("Workshop capacity"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_("Workshops only."),
    )
    facilitators = forms.CharField(
        label=_("Facilitators"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Workshops only: the facilitators' email addresses, one per line."),
    )
    expected_outcome = forms.CharField(
        label=_("Expected outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, event: Event, session=None, **kwargs):
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(event, session)
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["room"].queryset = event.rooms.all()
        self._add_day_field(event)
        self.order_fields(["kind", "title", "description", "room", "day", "starts_at", "ends_at"])

    @staticmethod
    def initial_for(event: Event, session) -> dict:
        start, end = times.local(session.starts_at, event), times.local(session.ends_at, event)
        initial = {
            "kind": session.kind,
            "title": session.title,
            "description": session.description,
            "room": session.room_id,
            "day": start.date().isoformat(),
            "starts_at": start.time(),
            "ends_at": end.time(),
            "slot_minutes": session.slot_minutes,
            "gap_minutes": session.gap_minutes,
        }
        workshop = (
            getattr(session, "workshop", None) if session.kind == SessionKind.WORKSHOP else None
        )
        if workshop is not None:
            initial |= {
                "theme": workshop.theme_id,
                "capacity": workshop.capacity,
                "facilitators": "\n".join(u.email for u in workshop.facilitators.all()),
                "expected_outcome": workshop.expected_outcome,
            }
        return initial

    def clean_facilitators(self) -> list[User]:
        found, unknown = {}, []
        emails = _emails(self.cleaned_data.get("facilitators", ""))
        malformed = [email for email in emails if not _is_email(email)]
        if malformed:
            raise forms.ValidationError(
                _("These are not email addresses: %(emails)s.")
                % {"emails": ", ".join(email[:60] for email in malformed[:5])}
            )
        for email in emails:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                unknown.append(email)
            else:
                found[user.pk] = user
        if unknown:
            raise forms.ValidationError(
                _("No account uses these addresses: %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return list(found.values())

    def clean(self):
        data = super().clean()
        if data.get("kind") == SessionKind.MEETINGS and not data.get("slot_minutes"):
            self.add_error("slot_minutes", _("A meeting block needs a slot length."))
        if data.get("kind") == SessionKind.WORKSHOP:
            if not data.get("theme"):
                self.add_error("theme", _("A workshop needs a theme."))
            if not data.get("capacity"):
                self.add_error("capacity", _("A workshop needs a capacity."))
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data

    def service_kwargs(self) -> dict:
        data, event = self.cleaned_data, self.event
        workshop = None
        if data["kind"] == SessionKind.WORKSHOP:
            workshop = WorkshopDetails(
                theme=data["theme"],
                capacity=data["capacity"],
                facilitators=data["facilitators"],
                expected_outcome=data["expected_outcome"],
            )
        return {
            "event": event,
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "room": data["room"],
            "starts_at": event_datetime(event, data["day"], data["starts_at"]),
            "ends_at": event_datetime(event, data["day"], data["ends_at"]),
            "slot_minutes": data["slot_minutes"],
            "gap_minutes": data["gap_minutes"] or 0,
            "workshop": workshop,
        }


class UnavailabilityForm(BoundedNumbersMixin, EventDayMixin, forms.Form):
    starts_at = HourField(label=_("Not available from"))
    ends_at = HourField(label=_("Until"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self._add_day_field(event)
        self.order_fields(["day", "starts_at", "ends_at", "reason"])

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must be after the start."))
        return data

    def absence(self) -> Absence | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("starts_at"):
            return None
        return Absence(
            starts_at=event_datetime(self.event, data["day"], data["starts_at"]),
            ends_at=event_datetime(self.event, data["day"], data["ends_at"]),
            reason=data.get("reason", ""),
        )


class BaseUnavailabilityFormSet(forms.BaseFormSet):
    def absences(self) -> list[Absence]:
        return [a for a in (f.absence() for f in self.forms) if a is not None]


UnavailabilityFormSet = forms.formset_factory(
    UnavailabilityForm, formset=BaseUnavailabilityFormSet, extra=2, max_num=10, validate_max=True
)


def unavailability_formset(event: Event, data=None, registration: Registration | None = None):
    initial = []
    if registration is not None:
        initial = [
            {
                "day": times.local(u.starts_at, event).date().isoformat(),
                "starts_at": times.local(u.starts_at, event).time(),
                "ends_at": times.local(u.ends_at, event).time(),
                "reason": u.reason,
            }
            for u in registration.unavailabilities.all()
        ]
    return UnavailabilityFormSet(
        data, initial=initial, prefix="absence", form_kwargs={"event": event}
    )


class RegistrationForm(BoundedNumbersMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No organisation (visitor)"),
        help_text=_(
            "Your role at the event follows from the organisation: buyer or ESS structure."
        ),
    )
    max_meetings = forms.IntegerField(
        label=_("Maximum number of meetings"),
        min_value=1,
        max_value=40,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    needs_accessible_table = forms.BooleanField(
        label=_("I need an accessible table (step-free, wheelchair)"), required=False
    )
    accessibility_needs = forms.CharField(
        label=_("Other accessibility needs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            memberships__user=user
        ).order_by("name")


class OnBehalfForm(BoundedNumbersMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_(
            "An existing account, or a new person who will receive an invitation by email."
        ),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("No organisation"),
        help_text=_("For an existing account, one of their organisations; a new person joins it."),
    )
    role = forms.ChoiceField(
        label=_("Role without an organisation"),
        choices=[
            (RegistrationRole.VISITOR, RegistrationRole.VISITOR.label),
            (RegistrationRole.FACILITATOR, RegistrationRole.FACILITATOR.label),
        ],
        initial=RegistrationRole.VISITOR,
    )
    max_meetings = RegistrationForm.base_fields["max_meetings"]
    needs_accessible_table = forms.BooleanField(
        label=_("Needs an accessible table"), required=False
    )
    accessibility_needs = RegistrationForm.base_fields["accessibility_needs"]


# Imports of participants (events/imports.py): the file's size and rows are bounded. The preview
# and the import each run register_on_behalf for every row (about 20 queries a row), inside one
# request: 500 rows took 17 s to preview and 20 s to import on the shared 2-core development
# machine under load (20 to 40 ms a row). Larger files would need a background task.
IMPORT_LIMITS = spreadsheets.Limits(size=2 * 1024 * 1024, rows=500)


class ImportForm(forms.Form):
    """A CSV or XLSX file of participants; once valid, `table` holds its rows
    (`core.spreadsheets.read_table`)."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.table = spreadsheets.read_table(upload, IMPORT_LIMITS)
        return upload


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), max_length=300)


class RegistrationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RegistrationStatus.choices, empty_label=_("All statuses")
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=RegistrationRole.choices, empty_label=_("All roles")
    )

    class Meta:
        model = Registration
        fields = ["status", "role"]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Overall, how was the day?"),
        choices=[
            (5, _("5 – Excellent")),
            (4, _("4 – Good")),
            (3, _("3 – Fair")),
            (2, _("2 – Poor")),
            (1, _("1 – Disappointing")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_come_again = forms.TypedChoiceField(
        label=_("Would you come again?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        help_text=_("What worked, what could be better. The organisers read it without your name."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    @classmethod
    def initial_from(cls, feedback) -> dict:
        if feedback is None:
            return {}
        return {
            "rating": feedback.rating,
            "would_come_again": "yes" if feedback.would_come_again else "no",
            "comment": feedback.comment,
        }


USEFULNESS_CHOICES = [
    (5, _("5 – Very useful")),
    (4, _("4 – Useful")),
    (3, _("3 – Somewhat useful")),
    (2, _("2 – Not very useful")),
    (1, _("1 – Not useful")),
]


class SurveyForm(FeedbackForm):
    """The feedback on the event, then one usefulness (optional) and comment per item of the
    person's survey (events/surveys.py): fields `<key>-usefulness` and `<key>-comment`."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"{item.key}-usefulness"] = forms.TypedChoiceField(
                label=_("How useful was it?"),
                choices=USEFULNESS_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=item.usefulness,
            )
            self.fields[f"{item.key}-comment"] = forms.CharField(
                label=_("Comment (optional)"),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=item.comment,
            )

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            if cleaned.get(f"{item.key}-comment") and cleaned.get(f"{item.key}-usefulness") is None:
                self.add_error(
                    f"{item.key}-usefulness",
                    _("Choose how useful it was, or leave the comment empty."),
                )
        return cleaned

    def item_groups(self):
        """(item, usefulness field, comment field) for the template."""
        return [
            (item, self[f"{item.key}-usefulness"], self[f"{item.key}-comment"])
            for item in self.items
        ]

    def feedback_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("rating", "would_come_again", "comment")}

    def answers(self) -> dict:
        return {
            item.key: (
                self.cleaned_data[f"{item.key}-usefulness"],
                self.cleaned_data.get(f"{item.key}-comment", ""),
            )
            for item in self.items
            if self.cleaned_data.get(f"{item.key}-usefulness") is not None
        }
