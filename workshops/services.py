"""The only code that writes workshops, wishes, seats, waiting lists and workshop plans.

A workshop is the participatory side of a programme session of kind "workshop": theme, capacity,
facilitators, expected outcome. Seats are the scarce resource: every path that adds a seat locks the
workshop row (late, once), re-counts, then writes; a unique constraint (one seat per person and
workshop) stands behind the lock. Locks are always taken workshop first, then registration, so two
paths never wait on each other in opposite orders. A lock timeout becomes `Busy` ("try again").

The engine runs synchronously: for an event of ~150 participants and 4 workshops, building the
problem, solving and checking takes about 0.05 s (measured on the demo data), well under a page
load, so a Celery task would only add moving parts.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Theme, User
from core.live import broadcast_on_commit, recheck_rights_on_commit
from core.locking import lock, locked_transaction
from events.enums import RegistrationStatus
from events.models import Event, Registration, Session
from events.services import WorkshopDetails, save_session
from matching.engine import FormatError
from matching.engine import workshops as engine

from . import bridge, emails, groups
from .enums import (
    COMMENT_TEXT_MAX,
    HEADING_TITLE_MAX,
    IDEA_STATUSES_SET_BY_HAND,
    IDEA_TEXT_MAX,
    IDEA_TITLE_MAX,
    VOTE_BUDGET_MAX,
    VOTE_BUDGET_MIN,
    IdeaStatus,
    PlanKind,
)
from .models import (
    MAX_SURVEY_COMMENT_LENGTH,
    Board,
    Comment,
    Heading,
    Idea,
    Seat,
    Vote,
    WaitlistEntry,
    WishList,
    Workshop,
    WorkshopFeedback,
    WorkshopPlan,
    WorkshopWish,
)
from .rules import (
    is_board_moderator,
    may_moderate,
    may_post,
    may_vote,
    seats_assigned,
    seats_phase,
    wishes_phase,
    workshop_survey_refusal,
)

logger = logging.getLogger(__name__)

SOLVER_TIME_LIMIT = 10.0
BUSY_MESSAGE = gettext_lazy(
    "Many people are choosing workshops right now; please try again in a moment."
)


# --- Workshops (events.services.save_session hands every saved session to sync_workshop) ------


def sync_workshop(*, session: Session, workshop: WorkshopDetails | None) -> Workshop | None:
    """The workshop row follows its session: created or updated when the session is a workshop
    with details, removed otherwise. Registered in `WorkshopsConfig.ready()` as a hook of
    events/programme.py. Side effects: save_workshop or remove_workshop."""
    if workshop is None:
        remove_workshop(session=session)
        return None
    return save_workshop(
        session=session,
        theme=workshop.theme,
        capacity=workshop.capacity,
        facilitators=workshop.facilitators,
        expected_outcome=workshop.expected_outcome,
    )


@locked_transaction()
def save_workshop(
    *,
    session: Session,
    theme: Theme,
    capacity: int,
    facilitators: Iterable[User] = (),
    expected_outcome: str = "",
) -> Workshop:
    """Create or update the workshop of a session.

    Side effects: writes the Workshop row (one per session), replaces its facilitators (those
    removed: their live pages check their rights again on commit), logs.
    The caller (events.services.save_session) has checked the capacity against the room's.
    """
    workshop, created = Workshop.objects.update_or_create(
        session=session,
        defaults={"theme": theme, "capacity": capacity, "expected_outcome": expected_outcome},
    )
    removed = set(workshop.facilitators.values_list("pk", flat=True)) - {
        user.pk for user in facilitators
    }
    workshop.facilitators.set(list(facilitators))
    for user_id in removed:
        recheck_rights_on_commit(user_id)
    logger.info(
        "workshop %s %s for session %s",
        workshop.pk,
        "created" if created else "updated",
        session.pk,
    )
    return workshop


def remove_workshop(*, session: Session) -> None:
    """Delete the workshop of a session that is no longer a workshop. Side effects: deletes, logs."""
    deleted, _ = Workshop.objects.filter(session=session).delete()
    if deleted:
        logger.info("workshop of session %s removed", session.pk)


# --- Ranked wishes ---------------------------------------------------------------------------


def save_wishes(
    *, registration: Registration, workshop_ids: Sequence[int], wants: int, by: User
) -> list[WorkshopWish]:
    """Replace a participant's ranked wishes (best first) and how many workshops they want.

    Side effects, in order: check the registration is validated, the phase takes wishes and no
    seat assignment is applied (workshops/rules.py, as the views ask), the workshops are distinct and belong to the event, `wants` is between 1 and the number of
    time blocks (at most 2); lock the registration; replace the wishes and the wish list; log.
    An empty list withdraws every wish.
    """
    event = registration.event
    if registration.status != RegistrationStatus.VALIDATED:
        raise ValidationError(_("Only validated participants can choose workshops."))
    if not wishes_phase(by, event):
        raise ValidationError(_("Workshop wishes are not open at this stage of the event."))
    if seats_assigned(by, event):
        raise ValidationError(
            _("The organisers have already assigned the seats: wishes can no longer change.")
        )
    if len(set(workshop_ids)) != len(workshop_ids):
        raise ValidationError(_("Each workshop can only be ranked once."))
    known = set(Workshop.objects.filter(session__event=event).values_list("pk", flat=True))
    if not set(workshop_ids) <= known:
        raise ValidationError(_("One of the chosen workshops does not belong to this event."))
    limit = bridge.max_wants(event)
    if not 1 <= wants <= limit:
        raise ValidationError(
            _("You can attend between 1 and %(limit)s workshops.") % {"limit": limit}
        )
    with locked_transaction(BUSY_MESSAGE):
        lock(Registration.objects.filter(pk=registration.pk)).get()
        WorkshopWish.objects.filter(registration=registration).delete()
        wishes = WorkshopWish.objects.bulk_create(
            [
                WorkshopWish(registration=registration, workshop_id=workshop_id, rank=rank)
                for rank, workshop_id in enumerate(workshop_ids, start=1)
            ]
        )
        WishList.objects.update_or_create(registration=registration, defaults={"wants": wants})
    logger.info(
        "workshop wishes of registration %s set to %s (wants %s) by user %s",
        registration.pk,
        list(workshop_ids),
        wants,
        by.pk,
    )
    return wishes


# --- Seats and waiting lists -------------------------------------------------------------------


def _clashing_seat(registration: Registration, workshop: Workshop) -> Seat | None:
    """A seat the person holds in another workshop at the same time, if any."""
    session = workshop.session
    return (
        Seat.objects.filter(
            registration=registration,
            workshop__session__starts_at__lt=session.ends_at,
            workshop__session__ends_at__gt=session.starts_at,
        )
        .exclude(workshop=workshop)
        .select_related("workshop__session")
        .first()
    )


def _clash_error(seat: Seat) -> ValidationError:
    return ValidationError(
        _(
            "You already have a seat in “%(workshop)s” at the same time; leave it first to take "
            "this one."
        )
        % {"workshop": seat.workshop.session.title}
    )


def _seats_changed(event_id: int) -> None:
    """Tell the event's open workshops pages, once committed, that seats or waiting lists moved
    (a hint: each page fetches its own board again, workshops/consumers.py)."""
    broadcast_on_commit(groups.seats(event_id), {"type": "seats.changed"})


def _lock_workshop(workshop: Workshop) -> Workshop:
    return lock(Workshop.objects.filter(pk=workshop.pk)).select_related("session__room").get()


def take_seat(*, registration: Registration, workshop: Workshop, by: User) -> Seat | WaitlistEntry:
    """Take a free seat in a workshop, or join its waiting list when it is full.

    Side effects, in order: check the registration is validated and for the workshop's event, and
    that seats are open (phase, seats assigned: workshops/rules.py, as the views ask); set a lock
    timeout; lock the workshop row, then the registration; re-check the person has no
    seat here nor one at the same time elsewhere; count the seats; write a kept seat (and drop the
    person's waiting list entry, and queue in the outbox a confirmation of the seat, sent on
    commit) or a waiting list entry; log; tell the event's open workshops pages on commit. A lock
    timeout becomes `Busy`.
    """
    if registration.status != RegistrationStatus.VALIDATED:
        raise ValidationError(_("Only validated participants can take a seat."))
    if registration.event_id != workshop.session.event_id:
        raise ValidationError(_("This workshop belongs to another event."))
    if not (seats_phase(by, registration.event) and seats_assigned(by, registration.event)):
        raise ValidationError(_("Workshop seats are not open at this stage of the event."))
    try:
        with locked_transaction(BUSY_MESSAGE):
            locked = _lock_workshop(workshop)
            lock(Registration.objects.filter(pk=registration.pk)).get()
            if Seat.objects.filter(workshop=locked, registration=registration).exists():
                raise ValidationError(_("You already have a seat in this workshop."))
            clash = _clashing_seat(registration, locked)
            if clash is not None:
                raise _clash_error(clash)
            if Seat.objects.filter(workshop=locked).count() < locked.seat_capacity:
                seat = Seat.objects.create(workshop=locked, registration=registration, locked=True)
                WaitlistEntry.objects.filter(workshop=locked, registration=registration).delete()
                emails.enqueue_seats([seat])
                _seats_changed(locked.session.event_id)
                logger.info(
                    "registration %s took a seat in workshop %s", registration.pk, locked.pk
                )
                return seat
            entry, _created = WaitlistEntry.objects.get_or_create(
                workshop=locked, registration=registration
            )
            _seats_changed(locked.session.event_id)
            logger.info("registration %s waits for workshop %s", registration.pk, locked.pk)
            return entry
    except IntegrityError:
        raise ValidationError(_("You already have a seat in this workshop.")) from None


def _promote(workshop: Workshop) -> list[Seat]:
    """Give the free seats of a locked workshop to the first people waiting who are free then.

    People who meanwhile took a seat at the same time elsewhere keep their place in the queue.
    Each promoted person is emailed (outbox, on commit), whatever freed the seat."""
    promoted = []
    free = workshop.seat_capacity - Seat.objects.filter(workshop=workshop).count()
    if free <= 0:
        return promoted
    for entry in WaitlistEntry.objects.filter(workshop=workshop).select_related("registration"):
        if free <= 0:
            break
        person = lock(Registration.objects.filter(pk=entry.registration_id)).get()
        if _clashing_seat(person, workshop) is not None:
            continue
        promoted.append(Seat.objects.create(workshop=workshop, registration=person, locked=True))
        entry.delete()
        free -= 1
        logger.info("registration %s promoted into workshop %s", person.pk, workshop.pk)
    _tell_promoted(promoted)
    return promoted


def leave_workshop(*, registration: Registration, workshop: Workshop, by: User) -> list[Seat]:
    """Give up a seat (or a place on the waiting list); a freed seat goes to the first in line.

    Side effects, in order: set a lock timeout; lock the workshop row; delete the person's seat or
    waiting list entry (refuse if they have neither); promote the first people waiting who are
    free at that time (locking each one's registration) in the same transaction, each emailed on
    commit; log; tell the event's open workshops pages on commit, and the person's live pages to
    check their rights again (a board they may no longer see closes). Returns the promoted seats.
    """
    with locked_transaction(BUSY_MESSAGE):
        locked = _lock_workshop(workshop)
        seats, _d = Seat.objects.filter(workshop=locked, registration=registration).delete()
        waiting, _d = WaitlistEntry.objects.filter(
            workshop=locked, registration=registration
        ).delete()
        if not seats and not waiting:
            raise ValidationError(
                _("You have neither a seat nor a place on the waiting list here.")
            )
        logger.info("registration %s left workshop %s", registration.pk, locked.pk)
        _seats_changed(locked.session.event_id)
        if seats:
            recheck_rights_on_commit(registration.user_id)
        return _promote(locked)


# --- Organisers: engine proposals ---------------------------------------------------------------


def _solve(event: Event, kind: str, by: User) -> WorkshopPlan:
    doc, refs = bridge.build_problem(event, kind)
    if not doc["workshops"]:
        raise ValidationError(_("There is no workshop with free seats to assign."))
    if kind == PlanKind.PLACEMENT and not doc["rooms"]:
        raise ValidationError(_("No room is free during the workshop time blocks."))
    try:
        problem = engine.load_problem(doc)
    except FormatError as error:  # our bridge wrote a bad problem: a bug, not the user's fault
        logger.error("workshop problem of %s refused by the engine: %s", event.slug, error)
        raise
    plan = engine.solve(problem, time_limit=SOLVER_TIME_LIMIT, seed=0)
    violations = engine.check(problem, plan)
    if violations:
        logger.error("workshop plan of %s breaks %s", event.slug, violations)
        raise ValidationError(_("The engine's proposal failed its own check; nothing was saved."))
    proposal = WorkshopPlan.objects.create(
        event=event,
        kind=kind,
        problem=doc,
        plan=engine.dump_plan(plan),
        refs=refs,
        created_by=by,
    )
    logger.info(
        "workshop %s plan %s proposed for %s by user %s", kind, proposal.pk, event.slug, by.pk
    )
    return proposal


def propose_seats(*, event: Event, by: User) -> WorkshopPlan:
    """Ask the engine to seat participants by their ranked wishes; nothing is applied yet.

    Side effects, in order: build the problem (organiser-kept seats stay, the rest is open), solve,
    check the result, write the proposal, log.
    """
    return _solve(event, PlanKind.SEATS, by)


def propose_placement(*, event: Event, by: User) -> WorkshopPlan:
    """Ask the engine for rooms and time blocks so that people who want two workshops can attend
    both; only before seats are given.

    Side effects, in order: refuse when seats exist; build the problem, solve, check, write the
    proposal, log.
    """
    if Seat.objects.filter(workshop__session__event=event).exists():
        raise ValidationError(
            _("Seats are already given: move workshops by hand, or remove the seats first.")
        )
    return _solve(event, PlanKind.PLACEMENT, by)


def is_stale(proposal: WorkshopPlan) -> bool:
    """The wishes, seats or workshops the proposal was solved from have changed since."""
    doc, _refs = bridge.build_problem(proposal.event, proposal.kind)
    return doc != proposal.problem


def _check_still_current(proposal: WorkshopPlan) -> None:
    if is_stale(proposal):
        raise ValidationError(
            _(
                "Wishes, seats or workshops changed since this proposal was made; "
                "please run it again."
            )
        )


def apply_plan(*, proposal: WorkshopPlan, by: User) -> WorkshopPlan:
    """Apply an engine proposal after the organiser's confirmation.

    Side effects, in order: lock the proposal and the event's workshops (by id); refuse if it is
    applied already or if the data it was solved from changed; then
    - seats: delete the seats that are not kept, write the proposed ones (kept ones stay), queue
      in the outbox an email to each person seated in a workshop where they had no seat before,
      drop waiting list entries of people now seated there, give remaining free seats to the
      waiting lists (those promoted are emailed too);
      and tell the event's open workshops pages on commit;
    - placement: move the workshops through events.services.save_session (room and time);
    mark the proposal applied; log.
    """
    with locked_transaction(BUSY_MESSAGE):
        locked = lock(WorkshopPlan.objects.filter(pk=proposal.pk)).select_related("event").get()
        if locked.applied_at is not None:
            raise ValidationError(_("This proposal is already applied."))
        workshops = list(lock(Workshop.objects.filter(session__event=locked.event).order_by("pk")))
        _check_still_current(locked)
        if locked.kind == PlanKind.SEATS:
            _apply_seats(locked, workshops)
            _seats_changed(locked.event_id)
        else:
            _apply_placement(locked, by)
        locked.applied_at = timezone.now()
        locked.save(update_fields=["applied_at"])
    logger.info("workshop plan %s applied by user %s", proposal.pk, by.pk)
    return locked


def _apply_seats(proposal: WorkshopPlan, workshops: list[Workshop]) -> None:
    refs = proposal.refs
    before = set(
        Seat.objects.filter(workshop__in=workshops).values_list("workshop_id", "registration_id")
    )
    Seat.objects.filter(workshop__in=workshops, locked=False).delete()
    seats = [
        Seat(
            workshop_id=refs["workshops"][seat["workshop"]],
            registration_id=refs["people"][seat["person"]],
        )
        for seat in proposal.plan["seats"]
    ]
    Seat.objects.bulk_create(seats)
    after = set(
        Seat.objects.filter(workshop__in=workshops).values_list("workshop_id", "registration_id")
    )
    unseated = {registration_id for _w, registration_id in before - after}
    for user_id in Registration.objects.filter(pk__in=unseated).values_list("user_id", flat=True):
        recheck_rights_on_commit(user_id)  # a board they may no longer see closes
    emails.enqueue_seats(
        [seat for seat in seats if (seat.workshop_id, seat.registration_id) not in before]
    )
    for seat in seats:
        WaitlistEntry.objects.filter(
            workshop_id=seat.workshop_id, registration_id=seat.registration_id
        ).delete()
    for workshop in Workshop.objects.filter(pk__in=[w.pk for w in workshops]).select_related(
        "session__room"
    ):
        _promote(workshop)


def _apply_placement(proposal: WorkshopPlan, by: User) -> None:
    """Move workshops in two passes (first out of their rooms, then into the new ones) so that
    two workshops swapping rooms never clash halfway."""
    refs = proposal.refs
    workshops = {
        w.pk: w
        for w in Workshop.objects.filter(pk__in=refs["workshops"].values()).select_related(
            "session__room", "theme"
        )
    }
    rooms = {room.pk: room for room in proposal.event.rooms.all()}
    moves = []
    for placement in proposal.plan["placements"]:
        workshop = workshops[refs["workshops"][placement["workshop"]]]
        room = rooms[refs["rooms"][placement["room"]]]
        starts, ends = (dt.datetime.fromisoformat(t) for t in refs["blocks"][placement["block"]])
        session = workshop.session
        if (session.room_id, session.starts_at, session.ends_at) != (room.pk, starts, ends):
            moves.append((workshop, room, starts, ends))
    for final in (False, True):
        for workshop, room, starts, ends in moves:
            session = Session.objects.get(pk=workshop.session_id)
            save_session(
                event=proposal.event,
                session=session,
                kind=session.kind,
                title=session.title,
                description=session.description,
                room=room if final else None,
                starts_at=starts if final else session.starts_at,
                ends_at=ends if final else session.ends_at,
                workshop=WorkshopDetails(
                    theme=workshop.theme,
                    capacity=min(workshop.capacity, room.capacity),
                    facilitators=list(workshop.facilitators.all()),
                    expected_outcome=workshop.expected_outcome,
                ),
            )


# --- A participant leaves: their registration is refused or cancelled, or their account deleted --


def release_registration(*, registration: Registration, by: User | None, reason: str) -> list[Seat]:
    """Free the seats and waiting list places of a person who no longer takes part
    (events/releases.py).

    Side effects, in order: for each workshop where the person has a seat or waits, in workshop id
    order, `leave_workshop` (lock the workshop, delete, give the freed seat to the first people
    waiting, who is emailed on commit). Returns the promoted seats.
    """
    held = set(
        Seat.objects.filter(registration=registration).values_list("workshop_id", flat=True)
    ) | set(
        WaitlistEntry.objects.filter(registration=registration).values_list(
            "workshop_id", flat=True
        )
    )
    promoted: list[Seat] = []
    for workshop in Workshop.objects.filter(pk__in=held).order_by("pk"):
        promoted += leave_workshop(registration=registration, workshop=workshop, by=by)
    if held:
        logger.info(
            "registration %s released (%s): left %s workshops, %s people promoted",
            registration.pk,
            reason,
            len(held),
            len(promoted),
        )
    return promoted


def _tell_promoted(seats: list[Seat]) -> None:
    """Queue in the outbox one email per person who got a seat from the waiting list (sent once
    the transaction commits)."""
    emails.enqueue_seats_from_waitlist(seats)


# --- Idea boards ---------------------------------------------------------------------------------
#
# Every write locks the board row (created by the first write): a board has a few dozen people,
# so one lock per board serialises its writes at no visible cost, and it is what keeps each
# person's vote budget exact when two of their votes arrive at once (tests/workshops/
# test_board_concurrency.py). Each write then tells the open boards on commit (a hint; see
# workshops/consumers.py for how a board re-renders).

BOARD_BUSY_MESSAGE = gettext_lazy(
    "Many people are using this board right now; please try again in a moment."
)


def _lock_board(workshop: Workshop) -> Board:
    """The workshop's board row, created if needed, locked (inside locked_transaction)."""
    board, _created = Board.objects.get_or_create(workshop=workshop)
    return lock(Board.objects.filter(pk=board.pk)).get()


def _board_changed(workshop: Workshop) -> None:
    """Tell the board's open pages, and the event's dashboards, once committed."""
    broadcast_on_commit(groups.board(workshop.pk), {"type": "board.changed"})
    broadcast_on_commit(groups.boards(workshop.session.event_id), {"type": "board.changed"})


def _workshop_of(idea: Idea) -> Workshop:
    return Workshop.objects.select_related("session__event").get(board__ideas=idea)


def _check_idea_text(title: str, text: str) -> tuple[str, str]:
    title, text = title.strip(), text.strip()
    if not title:
        raise ValidationError(_("Give your idea a short title."))
    if len(title) > IDEA_TITLE_MAX or len(text) > IDEA_TEXT_MAX:
        raise ValidationError(
            _("An idea has a title of at most %(title)s characters and a text of at most %(text)s.")
            % {"title": IDEA_TITLE_MAX, "text": IDEA_TEXT_MAX}
        )
    return title, text


def post_idea(
    *, workshop: Workshop, by: User, title: str, text: str = "", anonymous: bool = False
) -> Idea:
    """Post an idea on a workshop's board.

    Side effects, in order: check the text's bounds; set a lock timeout; lock the board (created
    if needed); check the person may post (a seat, a facilitator or an organiser; the board open:
    workshops/rules.py `may_post`); write the idea; log; tell the open boards on commit.
    """
    title, text = _check_idea_text(title, text)
    with locked_transaction(BOARD_BUSY_MESSAGE):
        board = _lock_board(workshop)
        if not may_post(by, workshop):
            raise ValidationError(_("You cannot post on this board."))
        idea = Idea.objects.create(
            board=board, author=by, anonymous=anonymous, title=title, text=text
        )
        _board_changed(workshop)
    logger.info("idea %s posted on workshop %s by user %s", idea.pk, workshop.pk, by.pk)
    return idea


def comment_idea(*, idea: Idea, by: User, text: str, anonymous: bool = False) -> Comment:
    """Comment on an idea.

    Side effects, in order: check the text's bounds; lock the board; check the person may post
    and the idea is neither hidden nor merged; write the comment; log; tell the open boards.
    """
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your comment first."))
    if len(text) > COMMENT_TEXT_MAX:
        raise ValidationError(
            _("A comment has at most %(n)s characters.") % {"n": COMMENT_TEXT_MAX}
        )
    workshop = _workshop_of(idea)
    with locked_transaction(BOARD_BUSY_MESSAGE):
        _lock_board(workshop)
        if not may_post(by, workshop):
            raise ValidationError(_("You cannot comment on this board."))
        current = Idea.objects.get(pk=idea.pk)
        if current.hidden or current.status == IdeaStatus.MERGED:
            raise ValidationError(_("This idea is no longer open for comments."))
        comment = Comment.objects.create(idea=current, author=by, anonymous=anonymous, text=text)
        _board_changed(workshop)
    logger.info("comment %s on idea %s by user %s", comment.pk, idea.pk, by.pk)
    return comment


def votes_used(board: Board, user: User) -> int:
    """How many of the board's votes a person has given."""
    return Vote.objects.filter(idea__board=board, voter=user).count()


def vote(*, idea: Idea, by: User) -> Vote:
    """Give one vote (a dot) to an idea; several on the same idea are allowed, up to the budget.

    Side effects, in order: lock the board; check the person may vote (workshops/rules.py
    `may_vote`), the idea is visible and open, it is not their own (unless the facilitator allows
    it), and, counted under the lock, that they have a vote left; write the vote; log; tell the
    open boards on commit. A budget lowered by the facilitator keeps the votes already given.
    """
    workshop = _workshop_of(idea)
    with locked_transaction(BOARD_BUSY_MESSAGE):
        board = _lock_board(workshop)
        if not may_vote(by, workshop):
            raise ValidationError(_("Voting is not open to you on this board."))
        current = Idea.objects.get(pk=idea.pk)
        if current.hidden or current.status == IdeaStatus.MERGED:
            raise ValidationError(_("This idea is no longer open for votes."))
        if current.author_id == by.pk and not board.own_votes_allowed:
            raise ValidationError(_("You cannot vote for your own idea on this board."))
        if votes_used(board, by) >= board.vote_budget:
            raise ValidationError(
                _("You have used all your %(n)s votes; take one back to vote again.")
                % {"n": board.vote_budget}
            )
        given = Vote.objects.create(idea=current, voter=by)
        _board_changed(workshop)
    logger.info("user %s voted for idea %s", by.pk, idea.pk)
    return given


def unvote(*, idea: Idea, by: User) -> None:
    """Take back one of one's votes on an idea (the latest).

    Side effects, in order: lock the board; check voting is open to the person; delete their
    latest vote on the idea (refuse when they gave none); log; tell the open boards on commit.
    """
    workshop = _workshop_of(idea)
    with locked_transaction(BOARD_BUSY_MESSAGE):
        _lock_board(workshop)
        if not may_vote(by, workshop):
            raise ValidationError(_("Voting is not open to you on this board."))
        latest = Vote.objects.filter(idea=idea, voter=by).order_by("-pk").first()
        if latest is None:
            raise ValidationError(_("You have no vote on this idea."))
        latest.delete()
        _board_changed(workshop)
    logger.info("user %s took back a vote for idea %s", by.pk, idea.pk)


def _moderated(workshop: Workshop, by: User) -> Board:
    """Lock the board and check the person moderates it while it is open."""
    board = _lock_board(workshop)
    if not may_moderate(by, workshop):
        raise ValidationError(_("Only the workshop's facilitators and the organisers can do this."))
    return board


def moderate_idea(
    *,
    idea: Idea,
    by: User,
    status: str | None = None,
    hidden: bool | None = None,
    heading: Heading | None = None,
    set_heading: bool = False,
) -> Idea:
    """A facilitator marks a lead (open, retained, not retained), hides or shows an idea, or puts
    it under a heading (`set_heading=True`, `heading=None` takes it out of its heading).

    Side effects, in order: lock the board; check the person moderates the open board; check the
    status is one set by hand and the idea is not merged, the heading is the board's; write; log;
    tell the open boards on commit.
    """
    workshop = _workshop_of(idea)
    with locked_transaction(BOARD_BUSY_MESSAGE):
        board = _moderated(workshop, by)
        current = Idea.objects.get(pk=idea.pk)
        if current.status == IdeaStatus.MERGED:
            raise ValidationError(_("This idea was merged into another one."))
        fields = []
        if status is not None:
            if status not in IDEA_STATUSES_SET_BY_HAND:
                raise ValidationError(_("Choose open, retained or not retained."))
            current.status = status
            fields.append("status")
        if hidden is not None:
            current.hidden = hidden
            fields.append("hidden")
        if set_heading:
            if heading is not None and heading.board_id != board.pk:
                raise ValidationError(_("This heading belongs to another board."))
            current.heading = heading
            fields.append("heading")
        current.save(update_fields=fields)
        _board_changed(workshop)
    logger.info("idea %s moderated (%s) by user %s", idea.pk, ", ".join(fields), by.pk)
    return current


def merge_ideas(*, idea: Idea, into: Idea, by: User) -> Idea:
    """Merge a duplicate into the idea that is kept: its votes and comments move to the kept idea,
    and it stays as a trace with the status "merged".

    Side effects, in order: lock the board; check the person moderates the open board, both ideas
    are on it, distinct and not merged; move the votes and the comments; mark the duplicate merged
    (pointing at the kept idea), and re-point ideas merged into it earlier; log; tell the open
    boards on commit. Returns the kept idea.
    """
    workshop = _workshop_of(idea)
    with locked_transaction(BOARD_BUSY_MESSAGE):
        board = _moderated(workshop, by)
        duplicate = Idea.objects.get(pk=idea.pk)
        kept = Idea.objects.filter(pk=into.pk, board=board).first()
        if kept is None or kept.pk == duplicate.pk:
            raise ValidationError(_("Choose another idea of this board to merge into."))
        if IdeaStatus.MERGED in (duplicate.status, kept.status):
            raise ValidationError(_("This idea was merged into another one."))
        Vote.objects.filter(idea=duplicate).update(idea=kept)
        Comment.objects.filter(idea=duplicate).update(idea=kept)
        Idea.objects.filter(merged_into=duplicate).update(merged_into=kept)
        duplicate.status, duplicate.merged_into = IdeaStatus.MERGED, kept
        duplicate.save(update_fields=["status", "merged_into"])
        _board_changed(workshop)
    logger.info("idea %s merged into %s by user %s", duplicate.pk, kept.pk, by.pk)
    return kept


def add_heading(*, workshop: Workshop, title: str, by: User) -> Heading:
    """Add a heading to group ideas under.

    Side effects, in order: lock the board; check the person moderates the open board and the
    title is new on it; write (last position); log; tell the open boards on commit.
    """
    title = title.strip()
    if not title or len(title) > HEADING_TITLE_MAX:
        raise ValidationError(
            _("A heading has between 1 and %(n)s characters.") % {"n": HEADING_TITLE_MAX}
        )
    with locked_transaction(BOARD_BUSY_MESSAGE):
        board = _moderated(workshop, by)
        if board.headings.filter(title__iexact=title).exists():
            raise ValidationError(_("This board already has this heading."))
        heading = Heading.objects.create(board=board, title=title, position=board.headings.count())
        _board_changed(workshop)
    logger.info("heading %s added to workshop %s by user %s", heading.pk, workshop.pk, by.pk)
    return heading


def configure_board(
    *,
    workshop: Workshop,
    by: User,
    vote_budget: int,
    own_votes_allowed: bool,
    counts_hidden: bool,
    voting_closed: bool,
) -> Board:
    """The facilitator's settings: votes per person, votes for one's own ideas, vote counts hidden
    until voting closes, voting closed.

    Side effects, in order: check the budget's bounds; lock the board; check the person moderates
    the open board; write (voting closed keeps its first time); log; tell the open boards.
    """
    if not VOTE_BUDGET_MIN <= vote_budget <= VOTE_BUDGET_MAX:
        raise ValidationError(
            _("Give between %(min)s and %(max)s votes per person.")
            % {"min": VOTE_BUDGET_MIN, "max": VOTE_BUDGET_MAX}
        )
    with locked_transaction(BOARD_BUSY_MESSAGE):
        board = _moderated(workshop, by)
        board.vote_budget = vote_budget
        board.own_votes_allowed = own_votes_allowed
        board.counts_hidden = counts_hidden
        if voting_closed and board.voting_closed_at is None:
            board.voting_closed_at = timezone.now()
        elif not voting_closed:
            board.voting_closed_at = None
        board.save()
        _board_changed(workshop)
    logger.info("board of workshop %s configured by user %s", workshop.pk, by.pk)
    return board


def close_board(*, workshop: Workshop, by: User, closed: bool = True) -> Board:
    """Close the board (read-only for everyone, voting closed too) or reopen it.

    Side effects, in order: lock the board; check the person moderates it (and, to close, that
    it is open); write the closing time (or clear it); log; tell the open boards on commit.
    """
    with locked_transaction(BOARD_BUSY_MESSAGE):
        board = _lock_board(workshop)
        if not is_board_moderator(by, workshop):
            raise ValidationError(
                _("Only the workshop's facilitators and the organisers can do this.")
            )
        if closed and board.is_closed:
            raise ValidationError(_("This board is already closed."))
        board.closed_at = timezone.now() if closed else None
        board.save(update_fields=["closed_at"])
        _board_changed(workshop)
    logger.info(
        "board of workshop %s %s by user %s", workshop.pk, "closed" if closed else "reopened", by.pk
    )
    return board


# --- After the day: the survey about a workshop ----------------------------------------------


def answer_workshop_survey(
    *, registration: Registration, by: User, workshop_id: int, usefulness: int, comment: str = ""
):
    """A seat holder says how useful a workshop was (1 to 5) and may comment.

    Side effects, in order: check `by` is the registration's person, the usefulness and the
    comment's length; check the workshop is one they are asked about
    (rules.workshop_survey_refusal: a seat, the workshop ended); write or update their one
    answer; log."""
    if registration.user_id != by.pk:
        raise ValidationError(_("Only the participant answers their survey."))
    if usefulness not in range(1, 6):
        raise ValidationError(_("Choose a usefulness from 1 to 5."))
    comment = comment.strip()
    if len(comment) > MAX_SURVEY_COMMENT_LENGTH:
        raise ValidationError(
            _("Keep the comment under %(max)s characters.") % {"max": MAX_SURVEY_COMMENT_LENGTH}
        )
    workshop = (
        Workshop.objects.select_related("session")
        .filter(pk=workshop_id, session__event_id=registration.event_id)
        .first()
    )
    reason = (
        _("You are not asked about this workshop.")
        if workshop is None
        else workshop_survey_refusal(workshop, registration, timezone.now())
    )
    if reason is not None:
        raise ValidationError(reason)
    row, created = WorkshopFeedback.objects.update_or_create(
        workshop=workshop,
        registration=registration,
        defaults={"usefulness": usefulness, "comment": comment},
    )
    logger.info(
        "workshop %s: survey %s by registration %s",
        workshop.pk,
        "answered" if created else "changed",
        registration.pk,
    )
    return row
