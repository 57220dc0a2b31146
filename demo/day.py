"""The demo event as the day itself, happening now (`python manage.py load_demo --day`).

`Timeline` says when things happen: on the eve (the 2019 clock, the default) or on the day, with
the whole programme moved so that the meeting slot `data.DAY_SLOT_NOW` has been under way for a
few minutes. `Day` then plays the day through the services of the day, as the people in the
room would: more meeting requests, workshop wishes and seats, an engine run and a published
schedule (then a second version that moves two meetings: the venue screen's "latest moves"), the
event live, check-ins (a few people never come), meetings confirmed at the table, partners
reported absent and one person left alone re-paired, outcomes of the meetings that have ended,
an idea board per workshop (one closed: its retained leads are public), a venue screen link.

Every write goes through a service; the services that take `now` (presence, outcomes) get a time
inside the slot concerned. Nothing else is dated in the past: check-ins and board activity bear
the time of the load.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.enums import OrganisationKind
from accounts.models import User
from core import times
from demo import data
from events import services as events_services
from events.enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
from events.models import Event, Registration, Slot, Table, table_order
from matching import day_queries
from matching.enums import RunStatus
from matching.models import Meeting, MeetingOutcome, MeetingPresence, MeetingRequest, VenueScreen
from matching.services import outcomes, presence, schedule, screens
from matching.services import requests as matching_services
from workshops import services as workshops_services
from workshops.models import Idea, Seat, WaitlistEntry, Workshop

EVE = dt.date.fromisoformat(data.EVENT["date"])
ZONE = ZoneInfo(data.EVENT["time_zone"])
ENGINE_SECONDS = 5.0  # the demo's engine run: the solver stops earlier when it has proved its best


def _meeting_block() -> dict:
    return next(item for item in data.PROGRAMME if item["kind"] == SessionKind.MEETINGS)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Timeline:
    """When the demo's programme happens. `offset` (None on the eve) moves every time of the day,
    in absolute time; `now` is the moment the day was loaded for."""

    offset: dt.timedelta | None = None
    now: dt.datetime | None = None

    @classmethod
    def eve(cls) -> Timeline:
        return cls()

    @classmethod
    def around(cls, now: dt.datetime) -> Timeline:
        """The day placed so that the meeting slot DAY_SLOT_NOW started on a five-minute mark at
        least DAY_MINUTES_IN minutes before `now` (the organisers' no-show minutes have passed)."""
        block = _meeting_block()
        step = block["slot_minutes"] + block.get("gap_minutes", 0)
        start = _minutes(data.DAY_AFTERNOON["meetings"][0]) + data.DAY_SLOT_NOW * step
        slot_on_the_eve = cls._on_the_eve(_hhmm(start))
        latest = (now - dt.timedelta(minutes=data.DAY_MINUTES_IN)).timestamp()
        slot_start = dt.datetime.fromtimestamp(latest - latest % 300, tz=dt.UTC)
        return cls(offset=slot_start - slot_on_the_eve, now=now)

    @property
    def is_day(self) -> bool:
        return self.offset is not None

    @staticmethod
    def _on_the_eve(hhmm: str) -> dt.datetime:
        return dt.datetime.combine(EVE, dt.time.fromisoformat(hhmm), tzinfo=ZONE)

    def at(self, hhmm: str) -> dt.datetime:
        """A time of the programme (local, on the day's own clock) as an instant."""
        when = self._on_the_eve(hhmm)
        if self.offset is None:
            return when
        return (when.astimezone(dt.UTC) + self.offset).astimezone(ZONE)  # absolute, across DST

    def session(self, item: dict) -> tuple[dt.datetime, dt.datetime]:
        """When a programme item happens. On the day the workshops come before the meetings
        (data.DAY_AFTERNOON), so that their idea boards are full while meetings go on."""
        start, end = item["start"], item["end"]
        if self.is_day and item["kind"] == SessionKind.WORKSHOP:
            start, end = data.DAY_AFTERNOON["workshop"]
        elif self.is_day and item["kind"] == SessionKind.MEETINGS:
            start, end = data.DAY_AFTERNOON["meetings"]
        return self.at(start), self.at(end)

    def leaving(self, hhmm: str) -> dt.datetime:
        """When someone who leaves early (data.LEAVING_EARLY, eve clock) leaves: on the day, as
        far into the meeting block as on the eve."""
        if not self.is_day:
            return self.at(hhmm)
        into = _minutes(hhmm) - _minutes(_meeting_block()["start"])
        return self.at(_hhmm(_minutes(data.DAY_AFTERNOON["meetings"][0]) + into))

    def dates(self) -> tuple[dt.date, dt.date]:
        """The event's first and last dates (two when the day, moved to now, spans midnight)."""
        first = min(self.session(item)[0] for item in data.PROGRAMME)
        last = max(self.session(item)[1] for item in data.PROGRAMME)
        return first.astimezone(ZONE).date(), last.astimezone(ZONE).date()

    def later(self, date: dt.date) -> dt.date:
        """A date after the event (a pitch's expected consultation), as far from the day."""
        return date + (self.dates()[0] - EVE)


class Day:
    """Plays the day on the event the eve's loader built (phase: requests)."""

    def __init__(self, loader, event: Event, organiser: User):
        self.loader = loader  # its people and organisations, by data key
        self.now: dt.datetime = loader.timeline.now
        self.event = event
        self.organiser = organiser
        self.demo_emails = {data.BUYER_ACCOUNT["email"], data.ESS_ACCOUNT["email"]}
        self.no_wish: list[Registration] = []  # who ranked no workshop (wishes)
        self.absent: set[int] = set()  # registrations never checked in (absentees)
        self.left_alone: Meeting | None = None  # the meeting now whose partner never came

    # --- helpers -------------------------------------------------------------------------

    def validated(self):
        return Registration.objects.filter(
            event=self.event, status=RegistrationStatus.VALIDATED
        ).select_related("user", "organisation", "event")

    def registration(self, key: str, index: int) -> Registration:
        user = self.loader.people[key][index]
        return self.validated().get(user=user)

    def is_demo(self, registration: Registration) -> bool:
        return registration.user.email in self.demo_emails

    def move_to(self, phase: str) -> None:
        self.event = events_services.move_phase(event=self.event, to_phase=phase, by=self.organiser)

    def slots(self) -> list[Slot]:
        return list(
            Slot.objects.filter(session__event=self.event, session__kind=SessionKind.MEETINGS)
            .select_related("session")
            .order_by("starts_at")
        )

    def meetings_in(self, slot: Slot) -> list[Meeting]:
        return list(
            Meeting.objects.filter(slot=slot)
            .select_related(
                "table",
                "request__event",
                "request__sender__user",
                "request__sender__organisation",
                "request__recipient__user",
                "request__recipient__organisation",
            )
            .order_by(*table_order("table__"))
        )

    # --- before the day: requests, wishes, seats, the schedule ------------------------------

    def more_requests(self) -> None:
        """Each structure asks a buyer whose themes meet its own (the least asked first), so
        that most tables are busy; the buyers accept all but the last few."""
        buyers = [
            spec
            for spec in data.BUYERS
            if self.validated().filter(user__in=self.loader.people[spec["key"]]).exists()
        ]
        asked = Counter(
            MeetingRequest.objects.filter(event=self.event).values_list(
                "recipient__organisation_id", flat=True
            )
        )
        incoming = Counter(
            MeetingRequest.objects.filter(event=self.event).values_list("recipient_id", flat=True)
        )
        sent = []
        for n, spec in enumerate(data.ESS):
            senders = list(self.validated().filter(user__in=self.loader.people[spec["key"]]))
            if not senders:
                continue
            sender = senders[0]
            themes = set(spec["themes"])
            fits = [b for b in buyers if themes & set(b["themes"])]
            fits.sort(key=lambda b: asked[self.loader.organisations[b["key"]].pk])
            for buyer in fits:
                people = list(self.validated().filter(user__in=self.loader.people[buyer["key"]]))
                recipient = min(people, key=lambda r: (incoming[r.pk], r.pk))
                try:
                    request = matching_services.send_request(
                        sender=sender,
                        recipient=recipient,
                        by=sender.user,
                        message=data.DAY_REQUEST_MESSAGES[n % len(data.DAY_REQUEST_MESSAGES)],
                    )
                except ValidationError:
                    continue  # a request between the two is already open
                asked[recipient.organisation_id] += 1
                incoming[recipient.pk] += 1
                sent.append(request)
                break
        keep_pending = len(sent) - data.DAY_PENDING_LEFT
        for request in sent[:keep_pending]:
            matching_services.answer_request(
                request=request, accept=True, by=request.recipient.user
            )

    def wishes(self) -> None:
        """Participants rank the workshops: their organisation's first theme that has one (the
        demo accounts theirs: data.DAY_DEMO_WORKSHOPS), then the others; every DAY_NO_WISH-th
        person ranks none."""
        workshops = self.workshops()
        order = list(workshops)
        participants = self.validated().filter(
            role__in=[RegistrationRole.BUYER, RegistrationRole.ESS]
        )
        themes = {
            self.loader.organisations[spec["key"]].pk: spec["themes"]
            for spec in [*data.BUYERS, *data.ESS]
        }
        for n, registration in enumerate(participants.order_by("pk")):
            if self.is_demo(registration):
                first = data.DAY_DEMO_WORKSHOPS[registration.user.email]
            elif (n + 1) % data.DAY_NO_WISH == 0:
                self.no_wish.append(registration)
                continue
            else:
                fitting = [
                    data.DAY_WORKSHOP_OF_THEME[theme]
                    for theme in themes[registration.organisation_id]
                    if theme in data.DAY_WORKSHOP_OF_THEME
                ]
                first = fitting[0] if fitting else order[n % len(order)]
            ranked = [first] + [code for code in order if code != first]
            workshops_services.save_wishes(
                registration=registration,
                workshop_ids=[workshops[code].pk for code in ranked],
                wants=1,
                by=registration.user,
            )

    def workshops(self) -> dict[str, Workshop]:
        """The event's workshops by theme code, in programme order."""
        found = Workshop.objects.filter(session__event=self.event).select_related(
            "session__room", "session__event", "theme"
        )
        return {w.theme_id: w for w in found.order_by("session__starts_at", "pk")}

    def seats(self) -> None:
        proposal = workshops_services.propose_seats(event=self.event, by=self.organiser)
        workshops_services.apply_plan(proposal=proposal, by=self.organiser)
        for email, code in data.DAY_DEMO_WORKSHOPS.items():
            registration = self.validated().get(user__email=email)
            workshop = self.workshops()[code]
            if not Seat.objects.filter(workshop=workshop, registration=registration).exists():
                for seat in Seat.objects.filter(registration=registration):
                    workshops_services.leave_workshop(
                        registration=registration, workshop=seat.workshop, by=registration.user
                    )
                workshops_services.take_seat(
                    registration=registration, workshop=workshop, by=registration.user
                )

    def schedule(self) -> None:
        """The engine places the accepted requests; the organisers publish the result."""
        run = schedule.start_run(event=self.event, by=self.organiser)
        run = schedule.execute_run(run_id=run.pk, time_limit=ENGINE_SECONDS)
        if run is None or run.status != RunStatus.DONE:
            raise RuntimeError(f"The demo's engine run failed: {run and run.error}")
        schedule.publish_schedule(event=self.event, by=self.organiser)

    # --- the day ----------------------------------------------------------------------------

    def moves(self) -> None:
        """In the morning the organisers move a few meetings by hand and publish again (the
        venue screen lists the moves): a demo account without a meeting in the slot that will be
        under way gets one there (a meeting of that slot makes room, moved to the next slot),
        and meetings of the next slot change tables, three moves in all."""
        slots = self.slots()
        now_slot, next_slot = slots[data.DAY_SLOT_NOW], slots[data.DAY_SLOT_NOW + 1]
        planned = set(
            Meeting.objects.filter(slot__session__event=self.event).values_list("pk", flat=True)
        )
        moved = 0
        for email in sorted(self.demo_emails):
            registration = self.validated().get(user__email=email)
            mine = list(
                Meeting.objects.filter(attendances__registration=registration)
                .select_related("slot", "request")
                .order_by("-slot__starts_at", "pk")
            )
            if any(m.slot_id == now_slot.pk for m in mine):
                continue
            for meeting in mine:
                done = self.move_into(meeting, now_slot, next_slot)
                if done:
                    moved += done
                    break
        arrived = {m.request_id for m in self.meetings_in(next_slot) if m.pk not in planned}
        for meeting in reversed(self.meetings_in(next_slot)):
            if moved >= 3:
                break
            request = meeting.request
            if self.is_demo(request.sender) or self.is_demo(request.recipient):
                continue
            if request.pk in arrived:
                continue  # moved here already
            moved += self.move(meeting, next_slot)
        if moved:
            schedule.publish_schedule(event=self.event, by=self.organiser)

    def free_tables(self, slot: Slot) -> list[Table]:
        taken = set(Meeting.objects.filter(slot=slot).values_list("table_id", flat=True))
        tables = Table.objects.filter(event=self.event).order_by(*table_order())
        return [table for table in tables if table.pk not in taken]

    def move(self, meeting: Meeting, slot: Slot, tables: list[Table] | None = None) -> int:
        """Move `meeting` to `slot`, at the first of `tables` (default: the free ones, last
        first) that fits its people; 1 if it moved, else 0."""
        for table in tables if tables is not None else reversed(self.free_tables(slot)):
            try:
                with transaction.atomic():
                    schedule.move_meeting(
                        meeting=meeting, slot=slot, table=table, by=self.organiser
                    )
            except ValidationError:
                continue
            return 1
        return 0

    def move_into(self, meeting: Meeting, slot: Slot, spare: Slot) -> int:
        """Move `meeting` into `slot`: at a free table, else at the table of one of the slot's
        meetings that moves to `spare` first."""
        if self.move(meeting, slot, self.free_tables(slot)):
            return 1
        for other in self.meetings_in(slot):
            request = other.request
            if self.is_demo(request.sender) or self.is_demo(request.recipient):
                continue
            table = other.table
            with transaction.atomic():
                if not self.move(other, spare):
                    continue
                if self.move(meeting, slot, [table]):
                    return 2
                transaction.set_rollback(True)
        return 0

    def on_the_day_seats(self) -> None:
        """People who ranked no workshop take a seat in the one filled on the day, until its
        waiting list holds DAY_WAITING people."""
        workshop = self.workshops()[data.DAY_FILLED_WORKSHOP]
        for registration in self.no_wish:
            if WaitlistEntry.objects.filter(workshop=workshop).count() >= data.DAY_WAITING:
                break
            try:
                workshops_services.take_seat(
                    registration=registration, workshop=workshop, by=registration.user
                )
            except ValidationError:
                continue  # a seat at the same time elsewhere

    def absentees(self) -> set[int]:
        """Who never comes: data.DAY_ABSENT, and one side of a meeting of the first slot and of
        the slot under way (the one under way leaves its partner alone, to be re-paired)."""
        absent = {self.registration(key, index).pk for key, index in data.DAY_ABSENT}
        slots = self.slots()
        for slot in (slots[0], slots[data.DAY_SLOT_NOW]):
            for meeting in self.meetings_in(slot):
                sides = (meeting.request.sender, meeting.request.recipient)
                if any(self.is_demo(s) or s.pk in absent for s in sides):
                    continue
                ess = [s for s in sides if s.organisation.kind == OrganisationKind.ESS]
                missing = ess[-1]
                absent.add(missing.pk)
                if slot == slots[data.DAY_SLOT_NOW]:
                    self.left_alone = meeting
                break
        return absent

    def check_ins(self) -> None:
        """The organisers check in everyone who came (the time written is the load's)."""
        self.absent = self.absentees()
        for registration in self.validated().order_by("pk"):
            if registration.pk not in self.absent:
                events_services.check_in(registration=registration, by=self.organiser)

    def at_the_tables(self) -> None:
        """What the two sides said at each table: most meetings confirmed started; in the last
        slot that ended and in the one under way, a partner checked in but not at the table is
        reported absent; the person left alone by a no-show meets someone free instead."""
        slots = self.slots()
        minute = dt.timedelta(minutes=1)
        for index, slot in enumerate(slots[: data.DAY_SLOT_NOW + 1]):
            under_way = index == data.DAY_SLOT_NOW
            reported = False
            for n, meeting in enumerate(self.meetings_in(slot)):
                request = meeting.request
                sides = [request.sender, request.recipient]
                if any(side.pk in self.absent for side in sides):
                    continue  # a no-show: the dashboard finds it (not checked in)
                demo = any(self.is_demo(side) for side in sides)
                if under_way and demo:
                    continue  # the demo accounts' meeting now waits for their own tap
                if not reported and not demo and index >= data.DAY_SLOT_NOW - 1:
                    presence.report_absent(
                        request=request, by=sides[n % 2].user, now=slot.starts_at + 6 * minute
                    )
                    reported = True
                    continue
                if under_way and n % 3 == 2:
                    continue  # waiting: nobody has tapped yet
                presence.confirm_started(
                    request=request,
                    by=sides[n % 2].user,
                    now=slot.starts_at + (1 + n % 4) * minute,
                )
        if self.left_alone is not None:
            self.repair(self.left_alone, slots[data.DAY_SLOT_NOW])

    def repair(self, meeting: Meeting, slot: Slot) -> None:
        request = meeting.request
        alone = next(s for s in (request.sender, request.recipient) if s.pk not in self.absent)
        now = min(self.now, slot.ends_at - dt.timedelta(seconds=1))
        presence.report_absent(request=request, by=alone.user, now=now)
        candidates = [
            c
            for c in day_queries.repair_candidates(self.event, alone, slot)
            if not self.is_demo(c.registration)
        ]
        if candidates:
            presence.repair(
                request=request, partner=candidates[0].registration, by=alone.user, now=now
            )

    def outcomes(self) -> None:
        """Both sides of the meetings that have ended record what they led to (their outcomes
        differ; in one meeting in four between two structures, one side has not said yet); the
        side left alone records that it did not take place. The demo accounts leave their
        latest one to record: their agenda asks for it."""
        turns = {
            OrganisationKind.ESS: itertools.cycle(data.DAY_OUTCOMES_ESS),
            OrganisationKind.BUYER: itertools.cycle(data.DAY_OUTCOMES_BUYERS),
        }
        demo_left = set()
        for slot in reversed(self.slots()[: data.DAY_SLOT_NOW]):
            for n, meeting in enumerate(self.meetings_in(slot)):
                request = meeting.request
                said = MeetingPresence.objects.filter(request=request, slot=slot).first()
                absent = {side.pk for side in (request.sender, request.recipient)} & self.absent
                if said is not None and said.absent_id is not None:
                    absent = {said.absent_id}
                both_ess = request.sender.organisation.kind == request.recipient.organisation.kind
                for side in (request.sender, request.recipient):
                    if side.pk in absent:
                        continue
                    if self.is_demo(side) and side.pk not in demo_left:
                        demo_left.add(side.pk)
                        continue
                    if absent:
                        outcome, note = data.DAY_NOT_HELD
                    elif both_ess and side.pk == request.recipient_id:
                        if n % 4 == 3:
                            continue
                        outcome, note = next(turns[OrganisationKind.BUYER])
                    else:
                        outcome, note = next(turns[side.organisation.kind])
                    outcomes.record_outcome(
                        request=request, by=side.user, outcome=outcome, note=note, now=self.now
                    )

    # --- idea boards -----------------------------------------------------------------------

    def boards(self) -> None:
        for code, workshop in self.workshops().items():
            spec = data.DAY_BOARDS.get(code)
            if spec is not None:
                self.board(workshop, spec)

    def board(self, workshop: Workshop, spec: dict) -> None:
        facilitator = workshop.facilitators.order_by("pk").first() or self.organiser
        settings = spec["settings"]
        workshops_services.configure_board(
            workshop=workshop,
            by=facilitator,
            vote_budget=settings["vote_budget"],
            own_votes_allowed=False,
            counts_hidden=settings["counts_hidden"],
            voting_closed=False,
        )
        headings = [
            workshops_services.add_heading(workshop=workshop, title=title, by=facilitator)
            for title in spec["headings"]
        ]
        seated = [
            seat.registration.user
            for seat in Seat.objects.filter(
                workshop=workshop, registration__checked_in_at__isnull=False
            )
            .select_related("registration__user")
            .order_by("registration_id")
            if seat.registration.user.email not in self.demo_emails
        ]
        people = itertools.cycle(seated)
        ideas: list[Idea] = []
        for item in spec["ideas"]:
            author = User.objects.get(email=item["author"]) if "author" in item else next(people)
            ideas.append(
                workshops_services.post_idea(
                    workshop=workshop,
                    by=author,
                    title=item["title"],
                    text=item["text"],
                    anonymous=item.get("anonymous", False),
                )
            )
        for idea, item in zip(ideas, spec["ideas"], strict=True):
            for text, anonymous in item.get("comments", []):
                commenter = next(people)
                if commenter.pk == idea.author_id:
                    commenter = next(people)
                workshops_services.comment_idea(
                    idea=idea, by=commenter, text=text, anonymous=anonymous
                )
        used: Counter[int] = Counter()
        voters = itertools.cycle(seated)
        for idea, item in zip(ideas, spec["ideas"], strict=True):
            given = 0
            for voter in itertools.islice(voters, len(seated) * 2):
                if given == item.get("votes", 0):
                    break
                if voter.pk == idea.author_id or used[voter.pk] >= settings["vote_budget"]:
                    continue
                workshops_services.vote(idea=idea, by=voter)
                used[voter.pk] += 1
                given += 1
        for idea, item in zip(ideas, spec["ideas"], strict=True):
            if "merge" in item:
                workshops_services.merge_ideas(idea=idea, into=ideas[item["merge"]], by=facilitator)
                continue
            if not ({"status", "hidden", "heading"} & item.keys()):
                continue
            workshops_services.moderate_idea(
                idea=idea,
                by=facilitator,
                status=item.get("status"),
                hidden=True if item.get("hidden") else None,
                heading=headings[item["heading"]] if "heading" in item else None,
                set_heading="heading" in item,
            )
        if settings["voting_closed"]:
            workshops_services.configure_board(
                workshop=workshop,
                by=facilitator,
                vote_budget=settings["vote_budget"],
                own_votes_allowed=False,
                counts_hidden=settings["counts_hidden"],
                voting_closed=True,
            )
        if spec["closed"]:
            workshops_services.close_board(workshop=workshop, by=facilitator)

    # --- everything -------------------------------------------------------------------------

    def load(self) -> Event:
        self.more_requests()
        self.wishes()
        self.move_to(Phase.SCHEDULING)  # pending requests lapse
        self.seats()
        self.schedule()
        self.move_to(Phase.PUBLISHED)
        self.move_to(Phase.LIVE)
        self.moves()
        self.on_the_day_seats()
        self.check_ins()
        self.boards()
        self.at_the_tables()
        self.outcomes()
        screens.create_screen(event=self.event, name=data.DAY_SCREEN, by=self.organiser)
        return self.event

    @staticmethod
    def summary(event: Event, now: dt.datetime) -> str:
        """What the command prints after loading the day."""
        slots = list(
            Slot.objects.filter(session__event=event, session__kind=SessionKind.MEETINGS).order_by(
                "starts_at"
            )
        )
        current = next((s for s in slots if s.starts_at <= now < s.ends_at), None)
        registrations = Registration.objects.filter(
            event=event, status=RegistrationStatus.VALIDATED
        )
        arrived = registrations.filter(checked_in_at__isnull=False).count()
        meetings = Meeting.objects.filter(slot__session__event=event).count()
        boards = Workshop.objects.filter(session__event=event, board__isnull=False)
        when = (
            f"slot {times.time_range(current.starts_at, current.ends_at, event)} under way"
            if current
            else "no meeting slot under way"
        )
        return (
            f"The day is live ({when}, now {times.hhmm(now, event)}): {arrived} of "
            f"{registrations.count()} people checked in, {meetings} meetings, "
            f"{MeetingPresence.objects.filter(request__event=event, started_at__isnull=False).count()} "
            f"confirmed at their table, {len(day_queries.no_shows(event, now))} no-shows, "
            f"{MeetingOutcome.objects.filter(request__event=event).count()} outcomes, "
            f"{boards.count()} idea boards ({boards.filter(board__closed_at__isnull=False).count()} "
            f"closed), {VenueScreen.objects.filter(event=event, revoked_at=None).count()} venue "
            "screen."
        )
