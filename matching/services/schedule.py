"""The only code that writes the organisers' schedule: engine runs, hand edits, versions.

Keyword-only functions, one per state change; each docstring lists its side effects in order.
Refusals are `ValidationError`s with a message for the organiser. Hand edits go through the
booking path of matching/services/requests.py (`book_meeting`), so every hard rule is checked in
one place; the draft written from an engine run is checked by `engine.check` before it is saved.
Live messages are sent from `transaction.on_commit` to groups named in matching/groups.py.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.live import broadcast_on_commit
from core.locking import lock, locked_transaction
from events.models import Event, Slot, Table, table_order
from events.rules import scheduling_open
from matching import bridge, emails, engine, groups
from matching.enums import ACTIVE_RUN_STATUSES, RequestStatus, RunStatus, RunStep
from matching.models import Attendance, Meeting, MeetingRequest, ScheduleRun, ScheduleVersion
from matching.services import jobs, screens
from matching.services.requests import book_meeting, raise_calendar_sequence, settings_for
from matching.services.sourcing import log_published_meetings

logger = logging.getLogger(__name__)

ENGINE_TIME_LIMIT = 10.0  # seconds given to the solver
# An active run with no sign of life for this long (neither a worker's heartbeat nor the sweep's
# re-sending, services/jobs.py: beat is not running either) no longer blocks a new one.
STALE_RUN = timedelta(minutes=5)

# Coarse but real progress: (step, percentage when the step starts).
PROGRESS = {
    RunStep.BUILDING: 5,
    RunStep.SOLVING: 20,
    RunStep.CHECKING: 80,
    RunStep.SAVING: 90,
    RunStep.FINISHED: 100,
}


def _check_phase(event: Event) -> None:
    if not scheduling_open(None, event):
        raise ValidationError(
            _("The schedule can be changed in the scheduling, published and live phases only.")
        )


def _console_changed(event_id: int, run: ScheduleRun | None = None) -> None:
    """Tell the console; a run's step travels with the message, since a fast run may be over
    before the consumer reads the database."""
    message = {"type": "run.progress", "run_id": None}
    if run is not None:
        message.update(run_id=run.pk, status=run.status, step=run.step, progress=run.progress)
    broadcast_on_commit(groups.schedule_console(event_id), message)


# --- Engine runs ---------------------------------------------------------------------------------


def start_run(*, event: Event, by: User, keep_booked: bool = True) -> ScheduleRun:
    """Queue an engine run for the event. `keep_booked`: the meetings participants booked
    themselves stay where they are (False: the engine may move them; the two people of each
    moved one are told when the result is published).

    Side effects, in order: check the phase; lock the event row; fail active runs with no sign
    of life for STALE_RUN (a lost run is normally re-queued by the sweep long before:
    `sweep_runs`); refuse when a run is queued or running; write the run; on commit, queue the
    task `matching.run_schedule` (`_queue_run`) and tell the console.
    """
    _check_phase(event)
    with locked_transaction():
        lock(Event.objects).filter(pk=event.pk).get()
        ScheduleRun.objects.filter(
            event=event,
            status__in=ACTIVE_RUN_STATUSES,
            heartbeat_at__lt=timezone.now() - STALE_RUN,
        ).update(status=RunStatus.FAILED, error=_("The run stopped without finishing."))
        if ScheduleRun.objects.filter(event=event, status__in=ACTIVE_RUN_STATUSES).exists():
            raise ValidationError(_("A scheduling run is already under way."))
        try:
            with locked_transaction():
                run = ScheduleRun.objects.create(
                    event=event, requested_by=by, keep_booked=keep_booked
                )
        except IntegrityError:
            raise ValidationError(_("A scheduling run is already under way.")) from None
        logger.info("schedule run %s queued for event %s by user %s", run.pk, event.pk, by.pk)
        _console_changed(event.pk, run)
        transaction.on_commit(lambda: _queue_run(run.pk))
    return run


def _queue_run(run_id: int) -> None:
    """Queue the run's task. A broker that cannot be reached (Redis down) fails the run with a
    message saying so, rather than leaving it queued for ever (blocking the next one) or turning
    the organiser's click into an error page."""
    from matching.tasks import run_schedule

    try:
        run_schedule.delay(run_id)
    except Exception:  # the broker's errors vary with the transport (kombu, redis, OSError)
        logger.warning("schedule run %s: broker unavailable, run failed", run_id, exc_info=True)
        message = _("The scheduling worker could not be reached. Start the run again in a moment.")
        _fail(run_id, message, [])


def _advance(run_id: int, attempt: int, step: str, **fields) -> ScheduleRun:
    """Write a run's step (and other fields) in its own transaction, while claim `attempt` holds
    it (else `jobs.Superseded`); the console hears it."""
    with locked_transaction():
        run = jobs.hold(ScheduleRun.objects, run_id, attempt)
        run.step, run.progress = step, PROGRESS.get(step, run.progress)
        for name, value in fields.items():
            setattr(run, name, value)
        run.save()
        _console_changed(run.event_id, run)
    return run


def execute_run(*, run_id: int, time_limit: float = ENGINE_TIME_LIMIT) -> ScheduleRun | None:
    """Solve a queued run and save its result as the draft (the body of `matching.run_schedule`).

    Side effects, in order: lock the run and claim it (`jobs.claim`: a queued run, or a running
    one whose worker died here; else nothing: a duplicate message); mark it running (one more
    attempt); build the problem from the database (the self-booked meetings locked unless the
    run says otherwise); solve, beating meanwhile (`jobs.beating`); choose the tables in the
    stated order (`bridge.seat_in_table_order`); check the result against the hard rules; in ONE
    transaction, save it as the draft (`apply_schedule`) and mark the run done with the engine's
    stats; or mark it failed with the reason. Each step is its own transaction, written only
    while this attempt's claim holds (a run re-queued by the sweep and claimed again stops the
    older attempt before it writes: `jobs.Superseded`), and is broadcast to the console.
    """
    with locked_transaction():
        run = lock(ScheduleRun.objects).filter(pk=run_id).first()
        if run is None:
            return None
        if not jobs.claim(run):
            _console_changed(run.event_id, run)
            return None
        run.started_at, run.step, run.progress = timezone.now(), RunStep.WAITING, 0
        run.save(update_fields=["started_at", "step", "progress"])
    attempt = run.attempts
    logger.info("schedule run %s: attempt %s by %s", run_id, attempt, run.worker)
    event = Event.objects.get(pk=run.event_id)
    try:
        with jobs.beating(ScheduleRun.objects, run_id, attempt):
            _advance(run_id, attempt, RunStep.BUILDING)
            built = bridge.build(event, keep_booked=run.keep_booked)
            problem = built.problem
            run = _advance(run_id, attempt, RunStep.SOLVING, stats=_count_stats(problem))
            schedule = engine.solve(problem, time_limit=time_limit, seed=0)
            schedule = bridge.seat_in_table_order(built, schedule)
            _advance(run_id, attempt, RunStep.CHECKING)
            violations = engine.check(problem, schedule)
            if violations:
                message = _("The engine's result breaks a hard rule.")
                return _fail(run_id, message, violations, attempt=attempt)
            _advance(run_id, attempt, RunStep.SAVING)
            stats = engine.dump_schedule(schedule).get("stats", {})
            stats = {**run.stats, **_count_stats(problem), **stats}
            return _save_and_finish(run_id, attempt, event, schedule, stats)
    except jobs.Superseded:
        logger.warning("schedule run %s: attempt %s superseded, stopped", run_id, attempt)
        return None
    except engine.FormatError as error:
        message = _("The data cannot be scheduled as it is.")
        return _fail(run_id, message, error.errors, attempt=attempt)
    except ValidationError as error:
        return _fail(run_id, " ".join(error.messages), [], attempt=attempt)
    except Exception:
        logger.exception("schedule run %s failed", run_id)
        message = _("The engine stopped on an unexpected error.")
        return _fail(run_id, message, [], attempt=attempt)


def sweep_runs() -> dict[str, int]:
    """Re-queue the runs a dead worker left running, send again those queued whose message was
    lost, fail those interrupted too often (`jobs.sweep`; the body of `matching.sweep_jobs`)."""
    from matching.tasks import run_schedule

    return jobs.sweep(
        ScheduleRun.objects.all(),
        reset={"step": RunStep.WAITING, "progress": 0},
        send=lambda pk: run_schedule.delay(pk),
        changed=lambda run: _console_changed(run.event_id, run),
    )


def _count_stats(problem: engine.Problem) -> dict:
    return {
        "requests": len(problem.requests),
        "participants": len(problem.participants),
        "slots": len(problem.slots),
        "tables": len(problem.tables),
    }


def _save_and_finish(
    run_id: int, attempt: int, event: Event, schedule: engine.Schedule, stats: dict
) -> ScheduleRun:
    """The draft and the run's "done" in one transaction, while claim `attempt` holds the run: a
    worker killed in the middle leaves the previous draft and a running run (re-queued by the
    sweep); a superseded attempt writes neither."""
    with locked_transaction():
        run = jobs.hold(ScheduleRun.objects, run_id, attempt)
        written = apply_schedule(event=event, schedule=schedule)
        run.step, run.progress, run.status = RunStep.FINISHED, 100, RunStatus.DONE
        run.stats, run.finished_at, run.worker = stats, timezone.now(), ""
        run.save()
        _console_changed(run.event_id, run)
    logger.info(
        "schedule run %s done (attempt %s, %s meetings): %s", run_id, attempt, written, stats
    )
    return run


def _fail(
    run_id: int, error: str, violations: list[str], *, attempt: int | None = None
) -> ScheduleRun | None:
    """Mark the run failed with the reason; with `attempt`, only while that claim holds it."""
    try:
        with locked_transaction():
            if attempt is None:
                run = lock(ScheduleRun.objects).get(pk=run_id)
            else:
                run = jobs.hold(ScheduleRun.objects, run_id, attempt)
            run.status, run.error, run.violations = RunStatus.FAILED, error, violations[:50]
            run.finished_at, run.worker = timezone.now(), ""
            run.save()
            _console_changed(run.event_id, run)
    except jobs.Superseded:
        logger.warning("schedule run %s: attempt %s superseded, not failed", run_id, attempt)
        return None
    logger.warning("schedule run %s failed: %s %s", run_id, error, violations[:5])
    return run


def apply_schedule(*, event: Event, schedule: engine.Schedule) -> int:
    """Make `schedule` the event's draft: its meetings replace every unlocked meeting, in one
    transaction (all or nothing: a process killed in the middle leaves the previous draft).

    Side effects, in order: lock the event's slot rows (as booking does); delete the unlocked
    meetings and their seats; write the schedule's meetings (locked ones are kept as they are,
    requests no longer accepted are skipped) and their seats; broadcast to the console. Returns
    the number of meetings written.
    """
    with locked_transaction():
        list(
            lock(Slot.objects)
            .filter(session__event=event)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Meeting.objects.filter(slot__session__event=event, locked=False).delete()
        kept = set(
            Meeting.objects.filter(slot__session__event=event).values_list("request_id", flat=True)
        )
        wanted = {int(m.request): m for m in schedule.meetings if int(m.request) not in kept}
        requests = {
            r.pk: r
            for r in MeetingRequest.objects.filter(
                event=event, pk__in=wanted, status=RequestStatus.ACCEPTED
            )
        }
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(request_id=pk, slot_id=int(m.slot), table_id=int(m.table))
                for pk, m in wanted.items()
                if pk in requests
            ]
        )
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, registration_id=person, slot_id=meeting.slot_id)
                for meeting in meetings
                for person in (
                    requests[meeting.request_id].sender_id,
                    requests[meeting.request_id].recipient_id,
                )
            ]
        )
        _console_changed(event.pk)
    logger.info("schedule applied to event %s: %s meetings written", event.pk, len(meetings))
    return len(meetings)


# --- Hand edits ----------------------------------------------------------------------------------


def _event_meeting(meeting: Meeting) -> Meeting:
    """The meeting re-read under lock, with its event."""
    return (
        lock(Meeting.objects).select_related("slot__session__event", "request").get(pk=meeting.pk)
    )


def lock_meeting(*, meeting: Meeting, locked: bool, by: User) -> Meeting:
    """Lock a meeting (engine runs keep it as it is) or unlock it.

    Side effects, in order: check the phase; lock the row; write the flag; log; broadcast.
    """
    with locked_transaction():
        current = _event_meeting(meeting)
        _check_phase(current.slot.session.event)
        current.locked = locked
        current.save(update_fields=["locked"])
        logger.info("meeting %s locked=%s by user %s", current.pk, locked, by.pk)
        _console_changed(current.slot.session.event_id)
    return current


def move_meeting(*, meeting: Meeting, slot: Slot, table: Table | None, by: User) -> Meeting:
    """Move a meeting to another slot and/or table, under the booking path's hard rules.

    Side effects, in order: check the phase; lock the meeting; refuse locked ones; delete it and
    book the request again in `slot` at `table` (or a free table) through `book_meeting`, all in
    one transaction: a refusal leaves the meeting where it was; log; broadcast.
    """
    with locked_transaction():
        current = _event_meeting(meeting)
        event = current.slot.session.event
        _check_phase(event)
        if current.locked:
            raise ValidationError(_("This meeting is locked: unlock it before moving it."))
        if (current.slot_id, current.table_id) == (slot.pk, table.pk if table else None):
            raise ValidationError(_("The meeting is already there."))
        request = current.request
        current.delete()
        moved = book_meeting(request=request, slot=slot, table=table, by=by)
        logger.info("meeting of request %s moved by user %s", request.pk, by.pk)
        _console_changed(event.pk)
    return moved


def unschedule_meeting(*, meeting: Meeting, by: User) -> MeetingRequest:
    """Take a meeting out of the draft; its request stays accepted and unscheduled.

    Side effects, in order: check the phase; lock the meeting; refuse locked ones; delete it and
    its seats; log; broadcast.
    """
    with locked_transaction():
        current = _event_meeting(meeting)
        event = current.slot.session.event
        _check_phase(event)
        if current.locked:
            raise ValidationError(_("This meeting is locked: unlock it before unscheduling it."))
        request = current.request
        current.delete()
        logger.info("meeting of request %s unscheduled by user %s", request.pk, by.pk)
        _console_changed(event.pk)
    return request


def place_request(*, request: MeetingRequest, slot: Slot, table: Table | None, by: User) -> Meeting:
    """Place an unscheduled accepted request by hand (the booking path, organiser's hand).

    Side effects, in order: check the phase; `book_meeting` (its checks, locks and writes);
    broadcast.
    """
    _check_phase(request.event)
    with locked_transaction():
        meeting = book_meeting(request=request, slot=slot, table=table, by=by)
        _console_changed(request.event_id)
    return meeting


# --- Versions ------------------------------------------------------------------------------------


def publish_schedule(*, event: Event, by: User) -> ScheduleVersion:
    """Publish the draft as the next numbered version.

    Side effects, in order: check the phase; lock the event row (numbering); snapshot the
    meetings and the places participants booked themselves (`promised`: what they saw); write the
    version; clear those booked places (the version holds every place from now on); raise the
    calendar SEQUENCE of the meetings whose place changed against what people saw; log, and each
    meeting it places about a pitch in that pitch's sourcing log; queue in the outbox one email to
    each person whose meetings changed against what they saw (sent once the transaction commits,
    with the iTIP REQUEST of their meetings and a CANCEL of those removed) and, due before each
    meeting of the version, a reminder to each of its two people (`MatchingSettings.
    reminder_minutes`; none when 0 or already past); on commit, tell their open agenda and
    "My meetings" pages and the console.
    """
    _check_phase(event)
    with locked_transaction():
        lock(Event.objects).filter(pk=event.pk).get()
        previous = bridge.published_version(event)
        meetings = [
            {"request": m.request_id, "slot": m.slot_id, "table": m.table_id, "locked": m.locked}
            for m in Meeting.objects.filter(slot__session__event=event).order_by(
                "slot__starts_at", *table_order("table__")
            )
        ]
        promised = bridge.booked_places(event)
        if not meetings and previous is None:
            raise ValidationError(_("There is no meeting to publish yet."))
        if previous is not None and _same(previous.meetings, meetings):
            raise ValidationError(
                _("The draft is the same as version %(number)s.") % {"number": previous.number}
            )
        number = (
            ScheduleVersion.objects.filter(event=event).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        version = ScheduleVersion.objects.create(
            event=event, number=number, meetings=meetings, promised=promised, published_by=by
        )
        MeetingRequest.objects.filter(pk__in=[p["request"] for p in promised]).update(
            booked_slot=None, booked_table=None
        )
        raise_calendar_sequence(_moved_for_people(previous, promised, meetings))
        log_published_meetings(
            before=previous.meetings if previous else [], after=meetings, actor=by
        )
        logger.info("schedule version %s published for event %s by %s", number, event.pk, by.pk)
        changes = bridge.changes_between(bridge.as_people_saw(previous, promised), version)
        _agendas_changed(event.pk, changes)
        _console_changed(event.pk)
        emails.enqueue_schedule_changed(version, changes)
        emails.enqueue_reminders(
            event,
            [m["request"] for m in meetings],
            minutes=settings_for(event).reminder_minutes,
        )
    return version


def _moved_for_people(previous, promised: list[dict], meetings: list[dict]) -> set[int]:
    """Requests whose place in `meetings` differs from what their participants saw (the last
    version, overlaid with the places they booked themselves), or that appear or vanish."""
    saw = {m["request"]: (m["slot"], m["table"]) for m in (previous.meetings if previous else [])}
    saw.update({p["request"]: (p["slot"], p["table"]) for p in promised})
    now = {m["request"]: (m["slot"], m["table"]) for m in meetings}
    return {pk for pk in saw.keys() | now.keys() if saw.get(pk) != now.get(pk)}


def _same(a: list[dict], b: list[dict]) -> bool:
    def key(items):
        return sorted((m["request"], m["slot"], m["table"]) for m in items)

    return key(a) == key(b)


def _agendas_changed(event_id: int, changes: dict[str, list]) -> None:
    """On commit, the open agenda and "My meetings" pages of the people concerned fetch theirs
    again: one message to each page kind of the event, naming the registrations concerned (a
    publication concerns up to every participant: one message per person took 2 s for 1,000)."""
    screens.screen_changed(event_id)  # the venue screens fetch their board again
    concerned = sorted(int(registration_id) for registration_id in changes)
    if not concerned:
        return
    message = {"registrations": concerned}
    broadcast_on_commit(groups.agendas(event_id), {"type": "agenda.changed", **message})
    broadcast_on_commit(groups.every_my_requests(event_id), {"type": "requests.changed", **message})


def unpublish_version(*, version: ScheduleVersion, by: User) -> ScheduleVersion:
    """Withdraw the current version: participants' agendas show the previous one (or nothing).

    Side effects, in order: check the phase; lock the event row; refuse a version that is not
    the current one; write its unpublished time; log; on commit tell the open agenda pages of the
    people whose meetings change and the console. No email: the next publication tells them.
    """
    event = version.event
    _check_phase(event)
    with locked_transaction():
        lock(Event.objects).filter(pk=event.pk).get()
        current = bridge.published_version(event)
        if current is None or current.pk != version.pk:
            raise ValidationError(_("Only the current version can be unpublished."))
        current.unpublished_at = timezone.now()
        current.save(update_fields=["unpublished_at"])
        logger.info(
            "schedule version %s of event %s unpublished by %s", current.number, event.pk, by.pk
        )
        _agendas_changed(event.pk, bridge.changes_between(current, bridge.published_version(event)))
        _console_changed(event.pk)
    return current
