"""The organisers' live dashboard of the day (a read; no side effects): arrivals against
registrations, the meetings now and next at each table with their state, workshop seats and waiting
lists, and alerts. Meetings are where their participants know them to be
(`schedule_queries.promised_places`), as on the venue screen."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import LegalForm
from events.enums import RegistrationRole, RegistrationStatus
from events.models import Registration, Table, table_order
from matching import day_queries, rules, schedule_queries
from matching import screen as screen_queries
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingRequest
from workshops.queries import board_activity, event_workshops


@dataclass(frozen=True)
class Arrivals:
    label: str
    arrived: int
    expected: int


@dataclass(frozen=True)
class TableNow:
    table: Table
    now: MeetingRequest | None
    missing: list[str]  # the sides of the meeting now not checked in yet
    next: MeetingRequest | None
    state: str = ""  # enums.PresenceState of the meeting now (day_queries.meeting_states)


def _arrivals(event) -> tuple[Arrivals, list[Arrivals], list[Arrivals]]:
    validated = Registration.objects.filter(event=event, status=RegistrationStatus.VALIDATED)
    arrived = Q(checked_in_at__isnull=False)
    total = validated.aggregate(expected=Count("pk"), arrived=Count("pk", filter=arrived))
    roles = dict(RegistrationRole.choices)
    by_role = [
        Arrivals(str(roles.get(row["role"], row["role"])), row["arrived"], row["expected"])
        for row in validated.values("role")
        .annotate(expected=Count("pk"), arrived=Count("pk", filter=arrived))
        .order_by("role")
    ]
    forms = dict(LegalForm.choices)
    by_form = [
        Arrivals(
            str(forms.get(row["organisation__legal_form"], "")), row["arrived"], row["expected"]
        )
        for row in validated.filter(role=RegistrationRole.ESS)
        .exclude(organisation__legal_form="")
        .values("organisation__legal_form")
        .annotate(expected=Count("pk"), arrived=Count("pk", filter=arrived))
        .order_by("organisation__legal_form")
    ]
    return Arrivals(_("Everyone"), total["arrived"], total["expected"]), by_role, by_form


def _states_by_request(event, now) -> dict[int, str]:
    """Request id -> the state of its meeting under way (started, waiting, partner absent)."""
    states = day_queries.meeting_states(event, now)
    meetings = Meeting.objects.filter(pk__in=states).values_list("pk", "request_id")
    return {request_id: states[pk] for pk, request_id in meetings}


def _missing(request: MeetingRequest | None) -> list[str]:
    if request is None:
        return []
    sides = (request.sender, request.recipient)
    return [str(side.organisation or side.user) for side in sides if side.checked_in_at is None]


def live_context(event, now=None) -> dict:
    now = now or timezone.now()
    current, upcoming = screen_queries.current_and_next_slots(event, now)
    requests = list(
        MeetingRequest.objects.filter(event=event, status=RequestStatus.ACCEPTED).with_sides()
    )
    places = schedule_queries.promised_places(event, requests)
    at: dict[tuple[int, int], list[MeetingRequest]] = defaultdict(list)
    for request in requests:
        place = places.get(request.pk)
        if place is not None:
            at[(place.slot.pk, place.table.pk)].append(request)
    tables = list(Table.objects.filter(event=event).order_by(*table_order()))
    states = _states_by_request(event, now)
    checkin_used = rules.checkin_in_use(event)  # before the desk opens, nobody is "missing"
    rows = []
    for table in tables:
        now_here = at.get((current.pk, table.pk), []) if current else []
        next_here = at.get((upcoming.pk, table.pk), []) if upcoming else []
        if now_here or next_here:
            first = now_here[0] if now_here else None
            rows.append(
                TableNow(
                    table,
                    first,
                    _missing(first) if checkin_used else [],
                    next(iter(next_here), None),
                    states.get(first.pk, "") if first else "",
                )
            )
    everyone, by_role, by_form = _arrivals(event)
    return {
        "event": event,
        "now": now,
        "slot": current,
        "next_slot": upcoming,
        "everyone": everyone,
        "by_role": by_role,
        "by_form": by_form,
        "tables": rows,
        "waiting_now": sum(1 for row in rows if row.missing),
        "workshops": list(event_workshops(event)),
        "boards": board_activity(event),
        "no_shows": day_queries.no_shows(event, now),
        "outcomes": [row for row in day_queries.outcome_counts(event) if row.count],
        "alerts": _alerts(event, at, places, requests),
    }


def _alerts(event, at, places, requests) -> list[str]:
    """What needs an organiser: a table holding two meetings at once; someone who needs an
    accessible table placed at one that is not."""
    alerts = []
    for (_slot, _table), here in sorted(at.items()):
        if len(here) > 1:
            place = places[here[0].pk]
            alerts.append(
                _("%(table)s holds %(count)s meetings at %(time)s.")
                % {
                    "table": place.table.name,
                    "count": len(here),
                    "time": schedule_queries.slot_label(place.slot, event),
                }
            )
    for request in requests:
        place = places.get(request.pk)
        if place is None or place.table.accessible:
            continue
        for side in (request.sender, request.recipient):
            if side.needs_accessible_table:
                alerts.append(
                    _("%(name)s needs an accessible table; %(table)s is not (%(time)s).")
                    % {
                        "name": side.organisation or side.user,
                        "table": place.table.name,
                        "time": schedule_queries.slot_label(place.slot, event),
                    }
                )
    return alerts
