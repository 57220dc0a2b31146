"""Named reads of the matching app, one section per area (the writes are in matching/services/)."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.http import QueryDict

from accounts.rules import visible_contact_ids
from core.counts import count_of
from core.pagination import paginate
from events import day, ical
from events.enums import PHASES_WITH_MEETINGS, RegistrationRole, RegistrationStatus, SessionKind
from events.models import Event, Registration, Slot, Table
from events.rules import requests_open

from .bridge import published_version
from .enums import ACTIVE_REQUEST_STATUSES, WEIGHT_MUTUAL, RequestStatus
from .forms import DeclineForm
from .models import Attendance, FollowUp, Meeting, MeetingRequest
from .recommendations import dashboard_recommendations
from .rules import follow_ups_filter, meeting_refusal, pitch_refusal
from .schedule_queries import promised_places
from .services.requests import is_self_service

# --- meeting requests and self-service booking -------------------------------------------------


def participants(event, *, exclude=None, role: str = "", theme: str = "", search: str = ""):
    """Validated buyer and ESS participants of the event, by organisation name (themes
    prefetched). `exclude`: the viewer's own registration."""
    rows = (
        Registration.objects.filter(
            event=event,
            status=RegistrationStatus.VALIDATED,
            role__in=[RegistrationRole.BUYER, RegistrationRole.ESS],
            organisation__isnull=False,
        )
        .select_related("organisation", "user")
        .prefetch_related("organisation__themes")
        .order_by("organisation__name", "user__last_name", "pk")
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    if role:
        rows = rows.filter(role=role)
    if theme:
        rows = rows.filter(organisation__themes=theme)
    if search:
        rows = rows.filter(organisation__name__icontains=search)
    return rows


def active_requests_with(registration) -> dict[int, MeetingRequest]:
    """The viewer's pending or accepted requests, by the other participant's registration id."""
    if registration is None:
        return {}
    rows = MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration), status__in=ACTIVE_REQUEST_STATUSES
    )
    return {
        (row.recipient_id if row.sender_id == registration.pk else row.sender_id): row
        for row in rows
    }


@dataclass
class MyRequests:
    """A participant's requests for one event, sorted for the "My meetings" page: the rows of
    the page shown of each list (`pages`: its Page, with the whole list's count)."""

    received: list = field(default_factory=list)  # pending, waiting for my answer
    sent: list = field(default_factory=list)  # pending, waiting for theirs
    accepted: list = field(default_factory=list)
    closed: list = field(default_factory=list)  # declined, cancelled, lapsed
    pages: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(page.paginator.count for page in self.pages.values())


MY_REQUESTS_LISTS = ("received", "accepted", "sent", "closed")
# Cards with their forms (accept, decline, book, cancel) cost ~3 ms each to render: 10 a page.
MY_REQUESTS_PER_PAGE = 10


def my_requests(registration, viewer, params=None) -> MyRequests:
    """The requests the registration sent or received, list by list, each cut into pages in the
    database (core.pagination; the page of each list in `params` under the list's name): a
    fixed number of queries, and only the rows shown are read.

    Each request gets `other` (the other side's registration), `incoming`, `mutual` (weight
    WEIGHT_MUTUAL, see services.requests.request_weights), `placed` (its Meeting or None) and
    `contact_visible` (whether the viewer may see the other person's email and phone)."""
    from .services.requests import request_weights

    params = QueryDict() if params is None else params
    mine = MeetingRequest.objects.filter(Q(sender=registration) | Q(recipient=registration))
    newest = ("-created_at", "-pk")
    pending = RequestStatus.PENDING
    which = {
        "received": Q(status=pending, recipient=registration),
        "accepted": Q(status=RequestStatus.ACCEPTED),
        "sent": Q(status=pending, sender=registration),
        "closed": ~Q(status__in=[pending, RequestStatus.ACCEPTED]),
    }
    # The four lists counted in one query (instead of a COUNT per list); an empty one is not read.
    counts = mine.aggregate(**{name: Count("pk", filter=q) for name, q in which.items()})
    lists = {
        "received": mine.filter(which["received"]).order_by(*newest),
        # Placed first, by their slot; then the others, newest first.
        "accepted": mine.filter(which["accepted"]).order_by(
            F("meeting__slot__starts_at").asc(nulls_last=True), *newest
        ),
        "sent": mine.filter(which["sent"]).order_by(*newest),
        "closed": mine.filter(which["closed"]).order_by(*newest),
    }
    result = MyRequests()
    for name, rows in lists.items():
        rows = rows.select_related(
            "sender__organisation",
            "sender__user",
            "recipient__organisation",
            "recipient__user",
            "pitch__event",
            "meeting__slot",
            "meeting__table",
        )
        page = paginate(rows, params.get(name), per_page=MY_REQUESTS_PER_PAGE, count=counts[name])
        page.object_list = list(page.object_list)  # the rows annotated below, read once
        result.pages[name] = page
        setattr(result, name, page.object_list)
    rows = [row for name in MY_REQUESTS_LISTS for row in getattr(result, name)]
    weights = request_weights(rows)
    visible = visible_contact_ids(
        viewer,
        [r.recipient.user if r.sender_id == registration.pk else r.sender.user for r in rows],
    )
    for row in rows:
        row.incoming = row.recipient_id == registration.pk
        row.other = row.sender if row.incoming else row.recipient
        row.mutual = weights[row.pk] == WEIGHT_MUTUAL
        row.placed = getattr(row, "meeting", None)
        row.contact_visible = row.other.user_id in visible
    return result


def my_requests_context(user, event: Event, mine, *, params=None, **extra) -> dict:
    """The page context of "My meetings" for `user`: its `lists` partial is rendered by the view
    and, live, by matching.consumers.MyRequestsConsumer. Each list is cut into pages
    (core.pagination), its page number in `params` (the query string) under the list's name."""
    params = QueryDict() if params is None else params
    data = my_requests(mine, user, params)
    pages = data.pages
    is_open = requests_open(user, event)
    self_service = is_self_service(event)
    if not self_service:
        # The organisers' draft stays theirs until they publish it: the agenda shows that.
        for row in data.accepted:
            row.placed = None
    else:
        # Where the two people know their meeting is: booked by them, or published.
        places = promised_places(event, data.accepted)
        for row in data.accepted:
            # In the organisers' draft, not published: theirs until they publish it.
            row.in_draft = row.placed is not None and row.pk not in places
            row.placed = places.get(row.pk)
    # What each card offers mirrors matching/rules.py (answer_request, cancel_request,
    # book_meeting); the action views check the rules themselves.
    for row in [*data.received, *data.sent, *data.accepted]:
        # Accepting and booking ask the one rule of who may meet whom (quiet period included).
        row.refusal = meeting_refusal(row) if row.status in ACTIVE_REQUEST_STATUSES else None
        row.can_answer = is_open and row.incoming and row.status == RequestStatus.PENDING
        row.can_accept = row.can_answer and row.refusal is None
        row.can_cancel = is_open and (
            row.status == RequestStatus.ACCEPTED
            or (row.status == RequestStatus.PENDING and not row.incoming)
        )
        row.can_book = (
            is_open
            and self_service
            and row.status == RequestStatus.ACCEPTED
            and row.placed is None
            and not getattr(row, "in_draft", False)
            and row.refusal is None
        )
    return {
        "event": event,
        "mine": mine,
        "data": data,
        "pages": pages,
        "page_params": params,
        "requests_open": is_open,
        "self_service": self_service,
        "schedule_published": not self_service and published_version(event) is not None,
        "decline_form": DeclineForm(),
        "calendar": ical.feed_links(event, mine),
        **extra,
    }


def free_slots(request: MeetingRequest) -> list[Slot]:
    """Slots of the event's meeting blocks where both people are free in their day (events/day.py:
    meetings, the pitch session, workshops, unavailability) and a table (an accessible one when
    either needs it) is free. Fixed number of queries. book_meeting re-checks all of it under
    lock: this list is what to offer, not a promise."""
    people = [request.sender, request.recipient]
    event_id = request.event_id
    if any(
        p.max_meetings is not None
        and Attendance.objects.filter(registration=p).count() >= p.max_meetings
        for p in people
    ):
        return []
    accessible = any(p.needs_accessible_table for p in people)
    tables = Table.objects.filter(event_id=event_id)
    if accessible:
        tables = tables.filter(accessible=True)
    table_count = tables.count()
    if not table_count:
        return []
    slots = list(
        Slot.objects.filter(session__event_id=event_id, session__kind=SessionKind.MEETINGS)
        .annotate(
            taken=Count("meetings", filter=Q(meetings__table__accessible=True))
            if accessible
            else Count("meetings")
        )
        .order_by("starts_at")
    )
    busy = day.busy_stretches(request.event, people)
    home = next((p.home_table_id for p in people if p.home_table_id), None)
    home_taken = (
        set(Meeting.objects.filter(table_id=home, slot__in=slots).values_list("slot_id", flat=True))
        if home
        else set()
    )
    return [
        slot
        for slot in slots
        if slot.taken < table_count
        and slot.pk not in home_taken
        and not any(day.clash(busy[p.pk], slot.starts_at, slot.ends_at) for p in people)
    ]


def request_pitches(event, sender, recipient):
    """The pitches a request may name (matching.rules.pitch_refusal): between a buyer and a
    structure, the buyer's published pitches still open for exchanges (none in its quiet period);
    between two structures, none."""
    from pitches.enums import PitchStatus
    from pitches.models import Pitch

    buyers = [r.organisation_id for r in (sender, recipient) if r.organisation.is_buyer]
    pitches = Pitch.objects.filter(
        event=event, status=PitchStatus.PUBLISHED, buyer_id__in=buyers
    ).select_related("buyer", "event")
    open_ids = [p.pk for p in pitches if pitch_refusal(p, sender, recipient) is None]
    return pitches.filter(pk__in=open_ids).order_by("title")


def meeting_slots(event):
    """Every slot of the event's meeting blocks (what a booking form accepts)."""
    return Slot.objects.filter(session__event=event, session__kind=SessionKind.MEETINGS)


def dashboard_context(user) -> dict:
    """'My space': for each event in its requests phase or later where the user takes part, how
    many requests wait for their answer; and the best pitches for the user's ESS structures."""

    registrations = (
        Registration.objects.filter(
            user=user,
            status=RegistrationStatus.VALIDATED,
            role__in=[RegistrationRole.BUYER, RegistrationRole.ESS],
            organisation__isnull=False,
            event__phase__in=PHASES_WITH_MEETINGS,
        )
        .select_related("event")
        # A subquery, not a join grouped by the registration and its event.
        .annotate(
            to_answer=count_of(
                MeetingRequest.objects.filter(status=RequestStatus.PENDING), "recipient"
            )
        )
        .order_by("event__start_date")
    )
    return {
        "meeting_registrations": list(registrations),
        "recommendations": dashboard_recommendations(user),
    }


# --- after the day: follow-ups -----------------------------------------------------------------


def _follow_ups(event):
    return (
        FollowUp.objects.filter(request__event=event)
        .select_related(
            "request__pitch",
            "request__sender__organisation",
            "request__sender__user",
            "request__recipient__organisation",
            "request__recipient__user",
        )
        .order_by(
            "request__sender__organisation__name", "request__recipient__organisation__name", "pk"
        )
    )


def my_follow_ups(user, event):
    """The follow-ups of `event` the user sees as a side (either organisation)."""
    ids = _follow_ups(event).filter(follow_ups_filter(user)).values("pk")
    return _follow_ups(event).filter(pk__in=ids)


def event_follow_ups(event):
    """Every follow-up of `event`, for its organisers."""
    return _follow_ups(event)


def follow_up_figures(event) -> dict:
    """The event's follow-ups counted (statistics, the organisers' list): planned, quote_sent,
    consultation_launched, with_social_clause, with_reserved_lot, with_small_lots, answered,
    awarded_yes, awarded_no, and the amount awarded (None when none)."""
    counted = {
        "planned": Q(),
        "quote_sent": Q(quote_sent_on__isnull=False),
        "consultation_launched": Q(consultation_launched_on__isnull=False),
        "with_social_clause": Q(consultation_launched_on__isnull=False, social_clause=True),
        "with_reserved_lot": Q(consultation_launched_on__isnull=False, reserved_lot=True),
        "with_small_lots": Q(consultation_launched_on__isnull=False, small_lots=True),
        "answered": Q(answered_on__isnull=False),
        "awarded_yes": Q(awarded=True),
        "awarded_no": Q(awarded=False),
    }
    # Aggregates may not take a field's name: counted under other names, then renamed.
    figures = FollowUp.objects.filter(request__event=event).aggregate(
        **{f"n_{name}": Count("pk", filter=condition) for name, condition in counted.items()},
        total_amount=Sum("amount", filter=Q(awarded=True)),
    )
    result = {name: figures[f"n_{name}"] for name in counted}
    result["amount"] = figures["total_amount"]
    return result
