"""What pitches says about people's days (events/day.py): the people of a buyer organisation with
a published pitch at the event present it, so they are busy during the event's pitch session(s)."""

from events.day import DayProvider, Stretch, session_calendar_fields
from events.enums import DayKind, SessionKind
from events.models import Session

from .enums import PitchStatus
from .models import Pitch


class PitchesDay(DayProvider):
    def busy(self, event, registrations):
        organisations = {r.organisation_id for r in registrations if r.organisation_id}
        if not organisations:
            return
        pitching = set(
            Pitch.objects.filter(
                event=event, status=PitchStatus.PUBLISHED, buyer_id__in=organisations
            ).values_list("buyer_id", flat=True)
        )
        if not pitching:
            return
        sessions = list(
            Session.objects.filter(event=event, kind=SessionKind.PITCHES).select_related("room")
        )
        for registration in registrations:
            if registration.organisation_id not in pitching:
                continue
            for session in sessions:
                yield Stretch(
                    registration.pk,
                    session.starts_at,
                    session.ends_at,
                    DayKind.PITCHES,
                    session.title,
                    key=("session", session.pk),
                    obj=session,
                    **session_calendar_fields(session),
                )
