"""On the day, at the table: each side of a meeting under way says "we are here" (started) or
"my partner is not here" (absent), and the person left alone meets someone free instead.

The rules (when a meeting is under way, who is absent, who may be met) are matching/rules.py's;
a re-pairing books through the one locked booking path, `requests.book_meeting`. Every change
tells both people's open agendas and the event's day group (groups.day: the organisers'
dashboard) once committed; those messages are hints.

Lock order, as accepting with a slot: the request row, then the slot, then the registrations in
id order (book_meeting takes the slot and its two registrations again, already held).
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.live import broadcast_on_commit
from core.locking import lock, locked_transaction
from events.enums import Phase
from events.models import Registration, Slot
from matching import groups, schedule_queries
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingPresence, MeetingRequest
from matching.rules import (
    checkin_in_use,
    is_present,
    no_show_minutes,
    presence_refusal,
    repair_refusal,
    request_refusal,
    side_of,
)
from matching.services.requests import (
    BUSY_MESSAGE,
    _lists_changed,
    book_meeting,
    cancel_locked,
)
from matching.services.sourcing import log_meeting

logger = logging.getLogger(__name__)


def day_changed(event_id: int, registration_ids) -> None:
    """On commit: the people's open agendas re-render, and the event's day group is told
    (`{"type": "day.changed"}`: a hint, no personal data; the dashboard reads day_queries)."""
    for registration_id in sorted(set(registration_ids)):
        broadcast_on_commit(groups.agenda(registration_id), {"type": "agenda.changed"})
    broadcast_on_commit(groups.day(event_id), {"type": "day.changed"})


def check_in_changed(*, registration: Registration, now: dt.datetime | None = None) -> None:
    """A person was checked in at the desk or their check-in undone (the events.checkins hook,
    inside that transaction): a meeting under way shows a partner not checked in as absent once
    its no-show minutes have passed (rules.absent_partner). On commit, tell the agendas of the
    person and of everyone they have a meeting with; when no one else of the event is checked
    in (its first check-in, or the last one undone: rules.checkin_in_use changes) while a slot
    is under way, every agenda of the event. Only on the live day; hints, nothing written."""
    event = registration.event
    if event.phase != Phase.LIVE:
        return
    now = now or timezone.now()
    others = Registration.objects.filter(event_id=event.pk, checked_in_at__isnull=False)
    under_way = Slot.objects.filter(session__event_id=event.pk, starts_at__lte=now, ends_at__gt=now)
    if under_way.exists() and not others.exclude(pk=registration.pk).exists():
        broadcast_on_commit(groups.agendas(event.pk), {"type": "agenda.changed"})
        return
    pairs = MeetingRequest.objects.filter(
        Q(sender_id=registration.pk) | Q(recipient_id=registration.pk),
        status=RequestStatus.ACCEPTED,
    ).values_list("sender_id", "recipient_id")
    concerned = {registration.pk, *(pk for pair in pairs for pk in pair)}
    for registration_id in sorted(concerned):
        broadcast_on_commit(groups.agenda(registration_id), {"type": "agenda.changed"})


def lock_request(request: MeetingRequest) -> MeetingRequest:
    """The request locked, with its event, pitch and both sides (organisation, person)."""
    return (
        lock(MeetingRequest.objects)
        .select_related(
            "event",
            "pitch__event",
            "sender__organisation",
            "sender__user",
            "recipient__organisation",
            "recipient__user",
        )
        .get(pk=request.pk)
    )


def _side_and_place(request: MeetingRequest, by: User):
    """The user's side of the request and where its participants know the meeting is."""
    side = side_of(request, by)
    if side is None:
        raise ValidationError(_("You are not part of this meeting."))
    place = schedule_queries.promised_places(request.event, [request]).get(request.pk)
    if place is None:
        raise ValidationError(_("This meeting is no longer in the agenda."))
    return side, place


def _check(reason: str | None) -> None:
    if reason is not None:
        raise ValidationError(reason)


def confirm_started(
    *, request: MeetingRequest, by: User, now: dt.datetime | None = None
) -> MeetingPresence:
    """One side says "we are here": the meeting has started (it clears an absence the other side
    reported: the partner came after all).

    Side effects, in order: lock the request; check the user is a side of it and the meeting is
    under way (matching.rules.presence_refusal: live event, within its slot); write the presence
    (nothing when already started: a second tap changes nothing and tells nobody); log; on
    commit, tell both sides' agendas and the day group.
    """
    now = now or timezone.now()
    with locked_transaction(BUSY_MESSAGE):
        locked = lock_request(request)
        side, place = _side_and_place(locked, by)
        _check(presence_refusal(locked, place.slot, now))
        presence, _created = MeetingPresence.objects.get_or_create(
            request=locked, slot=place.slot, defaults={"table": place.table}
        )
        if presence.started_at is not None:
            return presence
        presence.started_at, presence.started_by = now, side
        presence.absent_at = presence.absent = presence.absent_reported_by = None
        presence.save()
        logger.info("meeting request %s started (registration %s)", locked.pk, side.pk)
        day_changed(locked.event_id, [locked.sender_id, locked.recipient_id])
    return presence


def report_absent(
    *, request: MeetingRequest, by: User, now: dt.datetime | None = None
) -> MeetingPresence:
    """One side says "my partner is not here".

    Side effects, in order: lock the request; check the user is a side of it and the meeting is
    under way (matching.rules.presence_refusal); refuse when it has started, or when the partner
    already reported this side absent (they should confirm they are together); write the
    absence, the side who reported it and the side absent (nothing when this side already said
    so); log; on commit, tell both sides' agendas and the day group.
    """
    now = now or timezone.now()
    with locked_transaction(BUSY_MESSAGE):
        locked = lock_request(request)
        side, place = _side_and_place(locked, by)
        _check(presence_refusal(locked, place.slot, now))
        presence, _created = MeetingPresence.objects.get_or_create(
            request=locked, slot=place.slot, defaults={"table": place.table}
        )
        if presence.started_at is not None:
            raise ValidationError(_("This meeting has already started."))
        if presence.absent_at is not None:
            if presence.absent_reported_by_id == side.pk:
                return presence
            raise ValidationError(
                _(
                    "Your partner reported you absent. If you are together, confirm that "
                    "the meeting has started."
                )
            )
        partner = locked.recipient if side.pk == locked.sender_id else locked.sender
        presence.absent_at, presence.absent_reported_by, presence.absent = now, side, partner
        presence.save()
        logger.info("meeting request %s: partner %s absent", locked.pk, partner.pk)
        day_changed(locked.event_id, [locked.sender_id, locked.recipient_id])
    return presence


def repair(
    *,
    request: MeetingRequest,
    partner: Registration,
    by: User,
    now: dt.datetime | None = None,
) -> Meeting:
    """The person left alone in the meeting of `request` meets `partner` instead, at once, at the
    freed table (at a home table when either has one).

    Side effects, in order: lock the request, the slot, then the three people's registrations
    in id order; check the meeting is under way and its partner absent, and that the user is the
    one left alone (matching.rules.repair_refusal); check `partner` is at the venue (checked in,
    when check-in is in use); find the accepted request between the two that was never placed,
    or check they may meet (matching.rules.request_refusal, its re-pairing case) and write one,
    accepted; cancel the meeting that did not take place (requests.cancel_locked: its place kept
    for calendars, the absent side emailed); book the new one (requests.book_meeting: the busy
    times, the table, the booked email to both with its .ics); keep the no-show on record with
    what replaced it; on commit, tell the three people's pages and the day group. A lock timeout
    becomes `Busy`; anyone booked meanwhile is refused by book_meeting, and nothing is changed.
    """
    now = now or timezone.now()
    with locked_transaction(BUSY_MESSAGE):
        locked = lock_request(request)
        side, place = _side_and_place(locked, by)
        slot = lock(Slot.objects.filter(pk=place.slot.pk)).get()
        ids = sorted({locked.sender_id, locked.recipient_id, partner.pk})
        list(lock(Registration.objects.filter(pk__in=ids)).order_by("pk").values_list("pk"))
        event = locked.event
        in_use = checkin_in_use(event)
        presence = MeetingPresence.objects.filter(request=locked, slot=slot).first()
        _check(
            repair_refusal(
                locked,
                slot,
                presence,
                side,
                now,
                minutes=no_show_minutes(event),
                in_use=in_use,
            )
        )
        candidate = Registration.objects.select_related("organisation", "user", "event").get(
            pk=partner.pk
        )
        if candidate.pk in (locked.sender_id, locked.recipient_id):
            raise ValidationError(_("Choose someone else than your absent partner."))
        if not is_present(candidate, in_use=in_use):
            raise ValidationError(
                _("%(name)s has not checked in.")
                % {"name": candidate.organisation or candidate.user}
            )
        absent = locked.recipient if side.pk == locked.sender_id else locked.sender
        replacement = _request_between(side, candidate, by, now)
        cancel_locked(locked, by=by)
        homes = side.home_table_id or candidate.home_table_id
        meeting = book_meeting(
            request=replacement,
            slot=slot,
            by=by,
            table=None if homes else place.table,
            self_booked=True,
        )
        if presence is None:
            presence = MeetingPresence(request=locked, slot=slot, table=place.table)
        if presence.absent_at is None:
            presence.absent_at, presence.absent_reported_by, presence.absent = now, side, absent
        presence.replaced_by = replacement
        presence.save()
        logger.info(
            "meeting request %s re-paired: registration %s meets %s instead (request %s)",
            locked.pk,
            side.pk,
            candidate.pk,
            replacement.pk,
        )
        _lists_changed(locked)  # the two old sides; book_meeting told the two new ones
        day_changed(event.pk, [])
    return meeting


def _request_between(side: Registration, other: Registration, by: User, now) -> MeetingRequest:
    """The accepted request between the two people that was never placed, else a new one,
    accepted at once (they meet now), after the one rule of who may meet whom."""
    pair = MeetingRequest.objects.filter(
        event_id=side.event_id,
        status=RequestStatus.ACCEPTED,
        meeting__isnull=True,
        sender_id__in=[side.pk, other.pk],
        recipient_id__in=[side.pk, other.pk],
    )
    found = pair.select_related("sender__organisation", "recipient__organisation").first()
    if found is not None:
        return found
    _check(request_refusal(side, other, repairing=True))
    request = MeetingRequest.objects.create(
        event_id=side.event_id,
        sender=side,
        recipient=other,
        status=RequestStatus.ACCEPTED,
        answered_at=now,
    )
    log_meeting(request=request, what="accepted", actor=by)
    return request
