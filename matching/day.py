"""What matching says about people's days (events/day.py): meetings.

Busy: the meetings of the draft (Attendance rows: what booking's constraint protects), so nobody is
booked twice in a slot. Agenda: the meetings as the person knows them (booked themselves, or
published), see matching/schedule_queries.py `agenda_lines`, and, until the event is over, the
cancelled ones where they were known to be (`cancelled_lines`: calendars show them cancelled). Each
carries the request's stored calendar UID and SEQUENCE (a meeting row is re-created when moved)."""

from django.utils.translation import gettext as _

from events.day import DayProvider, Stretch
from events.enums import DayKind

from .models import Attendance
from .schedule_queries import AgendaLine, agenda_lines, cancelled_lines


class MatchingDay(DayProvider):
    def busy(self, event, registrations):
        rows = Attendance.objects.filter(
            registration_id__in=[r.pk for r in registrations]
        ).select_related("slot")
        for row in rows:
            yield Stretch(
                row.registration_id,
                row.slot.starts_at,
                row.slot.ends_at,
                DayKind.MEETING,
                _("a meeting"),
                key=("meeting", row.meeting_id),
            )

    def agenda(self, event, registration):
        for line in [*agenda_lines(event, registration), *cancelled_lines(event, registration)]:
            yield line_item(registration, line)


def line_item(registration, line: AgendaLine) -> Stretch:
    """A meeting of a person's day as calendars show it: the request's stored UID and SEQUENCE,
    the place, the partner (the feed, a meeting's .ics and the emails' iTIP parts share it)."""
    return Stretch(
        registration.pk,
        line.slot.starts_at,
        line.slot.ends_at,
        DayKind.MEETING,
        line.other_name,
        busy=not line.cancelled,
        key=("meeting", line.request.pk),
        obj=line,
        uid=f"{line.request.ical_uid}",
        sequence=line.request.ical_sequence,
        modified=line.request.ical_modified_at,
        location=_place(line),
        description=_description(line),
        cancelled=line.cancelled,
    )


def _place(line: AgendaLine) -> str:
    table = _("Table %(table)s") % {"table": line.table.name}
    return f"{table} · {line.table.zone}" if line.table.zone else table


def _description(line: AgendaLine) -> str:
    """The partner organisation and person, and the pitch, for calendars."""
    parts = [_("Meeting with %(name)s") % {"name": line.other_name}]
    if line.request.pitch is not None:
        parts.append(_("About “%(title)s”") % {"title": line.request.pitch.title})
    return "\n".join(parts)
