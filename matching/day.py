"""What matching says about people's days (events/day.py): meetings.

Busy: the meetings of the draft (Attendance rows: what booking's constraint protects), so nobody is
booked twice in a slot. Agenda: the meetings as the person knows them (booked themselves, or
published), see matching/schedule_queries.py `agenda_lines`."""

from django.utils.translation import gettext as _

from events.day import DayProvider, Stretch
from events.enums import DayKind

from .models import Attendance
from .schedule_queries import agenda_lines


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
        for line in agenda_lines(event, registration):
            yield Stretch(
                registration.pk,
                line.slot.starts_at,
                line.slot.ends_at,
                DayKind.MEETING,
                line.other_name,
                key=("meeting", line.request.pk),
                obj=line,
            )
