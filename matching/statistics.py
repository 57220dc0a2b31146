"""The organisers' statistics of an event (a read; no side effects): registrations by role and
organisation type, pitches and interests by theme and route, the meetings' funnel from request to
award, workshop fill and waiting lists, the ESS types each buyer met, the outcomes per buyer
(counts only: which structure said what, and the notes, stay private to each organisation), and
the ratios organisers of such days compare.

It lives in matching because matching sits above every app whose data it reads (events, pitches,
workshops). Each figure that already has a home is asked there: the outcomes
(`day_queries.outcome_counts_by_buyer`, `FOLLOW_UP_OUTCOMES`), the no-shows
(`day_queries.no_shows`), where meetings are (`schedule_queries.promised_places`), the workshops'
seats (`workshops.queries.event_workshops`). Every section costs a fixed number of queries,
whatever the size of the event; each is its own function, so that a chart (matching/charts.py)
computes only its own."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.enums import (
    SIAE_TYPES,
    BuyerKind,
    DisabilityType,
    InsertionType,
    LegalForm,
    ThemeCode,
)
from events.enums import RegistrationRole, RegistrationStatus
from events.models import Registration
from events.surveys import survey_results
from matching import day_queries, queries, rules, schedule_queries
from matching.enums import FOLLOW_UP_OUTCOMES, Outcome, RequestStatus
from matching.models import MeetingOutcome, MeetingPresence, MeetingRequest
from pitches.enums import INTEREST_ACTIVE, PitchStatus, Route
from pitches.models import Interest, Pitch
from workshops.queries import event_workshops


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Breakdown:
    """A table of counts (and the chart drawn from it): rows by `label_header`, one column per
    series. `stacked`: the series add up (a chart stacks them); otherwise they are side by side."""

    name: str  # the chart's name in its URL (matching/charts.py)
    title: str
    label_header: str
    series: tuple[str, ...]
    rows: tuple[Row, ...]
    stacked: bool = False

    @property
    def lines(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """The rows with each value beside its series' name (a table's cells on a phone)."""
        return [(row.label, list(zip(self.series, row.values, strict=True))) for row in self.rows]

    @property
    def empty(self) -> bool:
        return not any(any(row.values) for row in self.rows)

    def version(self) -> str:
        """Changes when the figures do: the chart's URL carries it, so a browser fetches a chart
        again only when it changed."""
        return hashlib.sha1(
            repr((self.series, self.rows)).encode(), usedforsecurity=False
        ).hexdigest()[:10]


def _breakdown(name, title, label_header, series, rows, stacked=False) -> Breakdown:
    return Breakdown(
        name,
        str(title),
        str(label_header),
        tuple(str(s) for s in series),
        tuple(Row(str(label), tuple(values)) for label, values in rows),
        stacked,
    )


# --- Registrations -------------------------------------------------------------------------------


def registrations_by_role(event) -> Breakdown:
    """Registrations validated and awaiting validation, by role. One query."""
    counts = {
        row["role"]: row
        for row in Registration.objects.filter(event=event)
        .values("role")
        .annotate(
            validated=Count("pk", filter=Q(status=RegistrationStatus.VALIDATED)),
            pending=Count("pk", filter=Q(status=RegistrationStatus.PENDING)),
        )
    }
    rows = [
        (
            role.label,
            (
                counts.get(role.value, {}).get("validated", 0),
                counts.get(role.value, {}).get("pending", 0),
            ),
        )
        for role in RegistrationRole
    ]
    return _breakdown(
        "roles",
        _("Registrations by role"),
        _("Role"),
        (pgettext("registrations", "Validated"), _("Awaiting validation")),
        rows,
        stacked=True,
    )


def organisation_types(event) -> list[Breakdown]:
    """The organisations with a validated registration, counted once each: the structures by
    legal form, insertion type, disability type and ESUS agreement, the buyers by type. One
    query."""
    organisations = (
        Registration.objects.filter(
            event=event, status=RegistrationStatus.VALIDATED, organisation__isnull=False
        )
        .values_list(
            "organisation_id",
            "role",
            "organisation__legal_form",
            "organisation__insertion_type",
            "organisation__disability_type",
            "organisation__esus_agreed",
            "organisation__buyer_kind",
        )
        .distinct()
    )
    structures: dict[int, tuple] = {}
    buyers: dict[int, str] = {}
    for pk, role, form, insertion, disability, esus, buyer_kind in organisations:
        if role == RegistrationRole.ESS:
            structures[pk] = (form, insertion, disability, esus)
        elif role == RegistrationRole.BUYER:
            buyers[pk] = buyer_kind
    forms = Counter(s[0] for s in structures.values())
    insertions = Counter(s[1] for s in structures.values())
    disabilities = Counter(s[2] for s in structures.values())
    esus = Counter(s[3] for s in structures.values())
    kinds = Counter(buyers.values())
    count = (_("Organisations"),)
    return [
        _breakdown(
            "legal-forms",
            _("ESS structures by legal form"),
            _("Legal form"),
            count,
            [(choice.label, (forms.get(choice.value, 0),)) for choice in LegalForm]
            + ([(_("Not stated"), (forms[""],))] if forms.get("") else []),
        ),
        _breakdown(
            "insertion",
            _("ESS structures by insertion type"),
            _("Insertion type"),
            count,
            [(choice.label, (insertions.get(choice.value, 0),)) for choice in InsertionType],
        ),
        _breakdown(
            "disability",
            _("ESS structures by disability type"),
            _("Disability type"),
            count,
            [(choice.label, (disabilities.get(choice.value, 0),)) for choice in DisabilityType],
        ),
        _breakdown(
            "esus",
            _("ESS structures with the ESUS agreement"),
            _("ESUS agreement"),
            count,
            [(_("Yes"), (esus.get(True, 0),)), (_("No"), (esus.get(False, 0),))],
        ),
        _breakdown(
            "buyer-kinds",
            _("Buyers by type"),
            _("Type of buyer"),
            count,
            [(choice.label, (kinds.get(choice.value, 0),)) for choice in BuyerKind]
            + ([(_("Not stated"), (kinds[""],))] if kinds.get("") else []),
        ),
    ]


# --- Pitches and interests -----------------------------------------------------------------------


def pitches_and_interests(event) -> list[Breakdown]:
    """Published pitches, and the interests still standing in them, by theme and by route. Two
    queries."""
    pitches = list(
        Pitch.objects.filter(event=event, status=PitchStatus.PUBLISHED).values_list(
            "theme_id", "route"
        )
    )
    interests = list(
        Interest.objects.filter(
            pitch__event=event, pitch__status=PitchStatus.PUBLISHED, status__in=INTEREST_ACTIVE
        ).values_list("pitch__theme_id", "pitch__route")
    )
    series = (_("Pitches"), _("Interests"))
    by_theme = [
        (
            choice.label,
            (
                sum(1 for theme, _r in pitches if theme == choice.value),
                sum(1 for theme, _r in interests if theme == choice.value),
            ),
        )
        for choice in ThemeCode
    ]
    by_route = [
        (
            choice.label,
            (
                sum(1 for _t, route in pitches if route == choice.value),
                sum(1 for _t, route in interests if route == choice.value),
            ),
        )
        for choice in Route
    ]
    return [
        _breakdown("themes", _("Pitches and interests by theme"), _("Theme"), series, by_theme),
        _breakdown("routes", _("Pitches and interests by route"), _("Route"), series, by_route),
    ]


# --- Workshops -----------------------------------------------------------------------------------


def workshop_fill(event) -> Breakdown:
    """Each workshop's seats taken and free, and its waiting list (one query:
    workshops.queries.event_workshops)."""
    rows = [
        (
            workshop.session.title,
            (
                workshop.seats_taken,
                max(workshop.capacity - workshop.seats_taken, 0),
                workshop.waiting,
            ),
        )
        for workshop in event_workshops(event)
    ]
    return _breakdown(
        "workshops",
        _("Workshop fill and waiting lists"),
        _("Workshop"),
        (_("Seats taken"), _("Seats free"), _("Waiting list")),
        rows,
        stacked=True,
    )


# --- Meetings: the funnel, the ratios, what each buyer reached -----------------------------------


@dataclass(frozen=True)
class Pair:
    """A meeting request that was placed at some point, with what became of it."""

    request: MeetingRequest
    slot_start: dt.datetime | None
    both_checked_in: bool
    due: bool  # its slot has begun
    held: bool
    follow_up: bool


@dataclass
class Meetings:
    requested: int = 0
    accepted: int = 0
    scheduled: int = 0
    checked_in: int = 0
    due: int = 0
    held: int = 0
    follow_up: int = 0
    consultation_launched: int = 0
    awarded: int = 0
    participants: int = 0  # validated buyers and ESS participants
    attendances: int = 0  # their places in scheduled meetings (two per meeting)
    without_meeting: int = 0
    pairs: list[Pair] = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # the follow-ups (queries.follow_up_figures)


def _placed(request: MeetingRequest, places):
    """The slot where the meeting is or was: its promised place, or, for a meeting
    cancelled after being placed (a no-show re-paired, a partner who left), where it was."""
    place = places.get(request.pk)
    if place is not None:
        return place.slot
    if request.status == RequestStatus.CANCELLED and request.cancelled_slot_id:
        return request.cancelled_slot
    return None


def meetings(event, now: dt.datetime | None = None) -> Meetings:
    """The funnel of the event's meeting requests and what it is made of. A fixed number of
    queries (the requests, their places, the presences, the outcomes, the no-shows, the
    participants, the follow-ups).

    - requested: every request sent;
    - accepted: accepted and standing, or cancelled after being placed;
    - scheduled: placed where the participants know it (`promised_places`), or cancelled after
      being placed;
    - checked in: scheduled, both sides checked in at the desk;
    - held: scheduled, its slot begun, neither a no-show (`day_queries.no_shows`) nor recorded
      as "did not take place" by a side, unless one side confirmed it started;
    - follow-up planned: held, and a side recorded a follow-up outcome (`FOLLOW_UP_OUTCOMES`);
    - consultation launched, awarded: from the pairs' follow-up records (`followup_stages`)."""
    now = now or timezone.now()
    requests = list(
        MeetingRequest.objects.filter(event=event)
        .with_sides()
        .select_related("cancelled_slot")
        .order_by("pk")
    )
    standing = [r for r in requests if r.status == RequestStatus.ACCEPTED]
    places = schedule_queries.promised_places(event, standing)
    started = set(
        MeetingPresence.objects.filter(request__event=event, started_at__isnull=False).values_list(
            "request_id", flat=True
        )
    )
    said: dict[int, set[str]] = {}
    for request_id, outcome in MeetingOutcome.objects.filter(request__event=event).values_list(
        "request_id", "outcome"
    ):
        said.setdefault(request_id, set()).add(outcome)
    absent = {no_show.request.pk for no_show in day_queries.no_shows(event, now)}

    found = Meetings(requested=len(requests))
    for request in requests:
        slot = _placed(request, places)
        if request.status == RequestStatus.ACCEPTED or slot is not None:
            found.accepted += 1
        if slot is None:
            continue
        outcomes = said.get(request.pk, set())
        # A meeting cancelled before its time was not missed; one cancelled after a no-show
        # (the person left alone re-paired) was.
        cancelled = request.status == RequestStatus.CANCELLED
        due = slot.starts_at <= now and (not cancelled or request.pk in absent)
        held = due and (
            request.pk in started or (request.pk not in absent and Outcome.NOT_HELD not in outcomes)
        )
        found.pairs.append(
            Pair(
                request,
                slot.starts_at,
                request.sender.checked_in_at is not None
                and request.recipient.checked_in_at is not None,
                due,
                held,
                held and bool(outcomes & FOLLOW_UP_OUTCOMES),
            )
        )
    found.scheduled = len(found.pairs)
    found.checked_in = sum(1 for pair in found.pairs if pair.both_checked_in)
    found.due = sum(1 for pair in found.pairs if pair.due)
    found.held = sum(1 for pair in found.pairs if pair.held)
    found.follow_up = sum(1 for pair in found.pairs if pair.follow_up)
    found.figures = queries.follow_up_figures(event)
    found.consultation_launched, found.awarded = followup_stages(found.figures)

    participants = set(
        Registration.objects.filter(
            event=event, status=RegistrationStatus.VALIDATED, role__in=rules.MEETING_ROLES
        ).values_list("pk", flat=True)
    )
    met: Counter[int] = Counter()
    for request in standing:
        if request.pk in places:
            met[request.sender_id] += 1
            met[request.recipient_id] += 1
    found.participants = len(participants)
    found.attendances = sum(count for pk, count in met.items() if pk in participants)
    found.without_meeting = len(participants - set(met))
    return found


def followup_stages(figures: dict) -> tuple[int, int]:
    """(consultation launched, awarded) from the pairs' follow-up records, as
    `queries.follow_up_figures` counts them: a consultation launch recorded, awarded "yes"."""
    return figures["consultation_launched"], figures["awarded_yes"]


def follow_ups(figures: dict) -> Breakdown:
    """The follow-ups of the pairs after the day, counted (`queries.follow_up_figures`)."""
    stages = [
        (_("Follow-ups planned"), figures["planned"]),
        (_("Quote sent"), figures["quote_sent"]),
        (_("Consultation launched"), figures["consultation_launched"]),
        (_("… with a social clause"), figures["with_social_clause"]),
        (_("… with a reserved lot"), figures["with_reserved_lot"]),
        (_("… with lots open to small structures"), figures["with_small_lots"]),
        (_("The structure answered"), figures["answered"]),
        (_("Awarded to the structure"), figures["awarded_yes"]),
        (_("Not awarded"), figures["awarded_no"]),
    ]
    return _breakdown(
        "follow-ups",
        _("After the day: follow-ups traced to the consultation"),
        _("Stage"),
        (_("Pairs"),),
        [(label, (count,)) for label, count in stages],
    )


def funnel(found: Meetings) -> Breakdown:
    stages = [
        (_("Requested"), found.requested),
        (pgettext("meetings", "Accepted"), found.accepted),
        (_("Scheduled"), found.scheduled),
        (_("Both sides checked in"), found.checked_in),
        (_("Held"), found.held),
        (_("Follow-up planned"), found.follow_up),
        (_("Consultation launched"), found.consultation_launched),
        (_("Awarded"), found.awarded),
    ]
    return _breakdown(
        "funnel",
        _("From request to award"),
        _("Stage"),
        (_("Meetings"),),
        [(label, (count,)) for label, count in stages],
    )


@dataclass(frozen=True)
class Ratio:
    label: str
    value: float | None  # None: nothing to divide by yet
    numerator: int
    denominator: int
    percent: bool = True
    help: str = ""

    @property
    def shown(self) -> float | None:
        """The value as the page shows it: a percentage, or a plain number."""
        if self.value is None:
            return None
        return self.value * 100 if self.percent else self.value


def _ratio(label, numerator, denominator, percent=True, help="") -> Ratio:
    value = numerator / denominator if denominator else None
    return Ratio(str(label), value, numerator, denominator, percent, str(help))


def ratios(found: Meetings) -> list[Ratio]:
    """The figures organisers of such days compare; none divides by zero (None instead)."""
    return [
        _ratio(
            gettext_lazy("Requests accepted"),
            found.accepted,
            found.requested,
            help=gettext_lazy("accepted requests out of the requests sent"),
        ),
        _ratio(
            gettext_lazy("Meetings per participant"),
            found.attendances,
            found.participants,
            percent=False,
            help=gettext_lazy("meetings scheduled per validated buyer or ESS participant"),
        ),
        _ratio(
            gettext_lazy("Meetings held"),
            found.held,
            found.due,
            help=gettext_lazy("out of the meetings whose slot has begun; the rest: no-shows"),
        ),
        _ratio(
            gettext_lazy("Pairs planning a follow-up"),
            found.follow_up,
            found.held,
            help=gettext_lazy("out of the meetings held"),
        ),
        _ratio(
            gettext_lazy("People left with no meeting"),
            found.without_meeting,
            found.participants,
            help=gettext_lazy("validated buyers and ESS participants with no meeting scheduled"),
        ),
    ]


def reach_per_buyer(found: Meetings) -> Breakdown:
    """For each buyer, the ESS structures met in meetings held, and among them those of an
    insertion type (SIAE), of a disability type (EA, ESAT) and with the ESUS agreement. No
    query: the organisations come with the requests."""
    met: dict[str, set] = {}
    for pair in found.pairs:
        if not pair.held:
            continue
        sides = (pair.request.sender, pair.request.recipient)
        buyer = [s for s in sides if s.role == RegistrationRole.BUYER and s.organisation]
        structure = [s for s in sides if s.role == RegistrationRole.ESS and s.organisation]
        if buyer and structure:
            met.setdefault(buyer[0].organisation.name, set()).add(structure[0].organisation)
    rows = [
        (
            name,
            (
                len(structures),
                sum(1 for s in structures if s.insertion_type in SIAE_TYPES),
                sum(1 for s in structures if s.disability_type),
                sum(1 for s in structures if s.esus_agreed),
            ),
        )
        for name, structures in sorted(met.items(), key=lambda item: item[0].lower())
    ]
    return _breakdown(
        "reach",
        _("ESS types met per buyer"),
        _("Buyer"),
        (_("Structures met"), _("Insertion (SIAE)"), _("Disability (EA, ESAT)"), _("ESUS")),
        rows,
    )


def outcomes_per_buyer(event) -> Breakdown:
    """How many sides recorded each outcome in each buyer's meetings: counts only
    (day_queries.outcome_counts_by_buyer). One query."""
    counts = day_queries.outcome_counts_by_buyer(event)
    buyers = sorted({buyer for buyer, _o in counts}, key=str.lower)
    shown = [o for o in Outcome if any(counts.get((b, o.value)) for b in buyers)]
    rows = [(buyer, tuple(counts.get((buyer, o.value), 0) for o in shown)) for buyer in buyers]
    return _breakdown(
        "outcomes",
        _("Outcomes per buyer"),
        _("Buyer"),
        tuple(o.label for o in shown),
        rows,
        stacked=True,
    )


# --- Everything, for the page --------------------------------------------------------------------


def statistics_context(event, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    found = meetings(event, now)
    return {
        "event": event,
        "now": now,
        "roles": registrations_by_role(event),
        "organisation_types": organisation_types(event),
        "pitches": pitches_and_interests(event),
        "funnel": funnel(found),
        "ratios": ratios(found),
        "meetings": found,
        "workshops": workshop_fill(event),
        "reach": reach_per_buyer(found),
        "outcomes": outcomes_per_buyer(event),
        "follow_ups": follow_ups(found.figures),
        "amount_awarded": found.figures["amount"],
        "surveys": survey_results(event),
    }


def chart_breakdown(event, name: str) -> Breakdown | None:
    """The one breakdown a chart draws, computed alone (its own queries only)."""
    if name == "roles":
        return registrations_by_role(event)
    if name in {"funnel", "reach"}:
        found = meetings(event)
        return funnel(found) if name == "funnel" else reach_per_buyer(found)
    if name == "follow-ups":
        return follow_ups(queries.follow_up_figures(event))
    if name == "workshops":
        return workshop_fill(event)
    if name == "outcomes":
        return outcomes_per_buyer(event)
    for breakdown in (*organisation_types(event), *pitches_and_interests(event)):
        if breakdown.name == name:
            return breakdown
    return None
