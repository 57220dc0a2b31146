"""What workshops says about people's days (events/day.py): a seat in a workshop, or facilitating
it, makes the person busy during its session."""

from django.utils.translation import gettext as _

from events.day import DayProvider, Stretch, session_calendar_fields
from events.enums import DayKind

from .models import Seat, Workshop


class WorkshopsDay(DayProvider):
    def busy(self, event, registrations):
        ids = [r.pk for r in registrations]
        seats = (
            Seat.objects.filter(registration_id__in=ids)
            .select_related("workshop__session__room")
            .order_by("workshop__session__starts_at", "pk")
        )
        for seat in seats:
            session = seat.workshop.session
            yield Stretch(
                seat.registration_id,
                session.starts_at,
                session.ends_at,
                DayKind.WORKSHOP,
                session.title,
                key=("session", session.pk),
                obj=session,
                **session_calendar_fields(session),
            )
        by_user = {r.user_id: r.pk for r in registrations}
        facilitated = Workshop.facilitators.through.objects.filter(
            user_id__in=by_user, workshop__session__event=event
        ).select_related("workshop__session__room")
        for row in facilitated:
            session = row.workshop.session
            yield Stretch(
                by_user[row.user_id],
                session.starts_at,
                session.ends_at,
                DayKind.WORKSHOP,
                _("%(title)s (facilitating)") % {"title": session.title},
                key=("session", session.pk),
                obj=session,
                **session_calendar_fields(session),
            )
