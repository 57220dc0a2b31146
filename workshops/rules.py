"""Who may do what with workshops. Phase sets live in workshops/enums.py; event-level predicates
(organiser, validated participant, public) come from events/rules.py and accept a workshop too
(it has an `.event`).

- view_workshops (event): anyone who can see the event.
- wish (event): a validated participant, while wishes are open and no seat assignment is applied.
- take_seat (event): a validated participant, once the organisers applied a seat assignment.
- view_registrants (workshop): the event's organisers, staff and the workshop's facilitators.
- assign (event): the event's organisers and staff.

Idea boards (all on a workshop):
- view_board: the people holding a seat in the workshop (validated registration), its
  facilitators, the event's organisers and staff ("board members").
- post_idea (ideas and comments): a board member while the board is open (event published or
  live, board not closed).
- vote: a board member while voting is open (board open, voting not closed).
- moderate_board (hide, merge, group, mark leads, settings, close and reopen, exports): the
  workshop's facilitators and the event's organisers. Changing ideas needs the board open too
  (`moderate_open`); reopening a closed board only the first.
- view_leads (event): anyone who can see the event (retained leads are public).
"""

import rules

from core.memo import memoised
from events.enums import RegistrationStatus
from events.rules import can_manage, event_of, is_public, is_validated_participant, phase_in

from .enums import PHASES_OPEN_FOR_BOARDS, PHASES_OPEN_FOR_SEATS, PHASES_OPEN_FOR_WISHES, PlanKind


@rules.predicate
def seats_assigned(user, obj) -> bool:
    """The organisers applied a seat assignment for the event."""
    event = event_of(obj)
    if event is None:
        return False
    return memoised(
        ("seats_assigned", event.pk),
        lambda: event.workshop_plans.filter(kind=PlanKind.SEATS, applied_at__isnull=False).exists(),
    )


wishes_phase = phase_in(PHASES_OPEN_FOR_WISHES, "wishes_phase")
seats_phase = phase_in(PHASES_OPEN_FOR_SEATS, "seats_phase")
# What the views and the services both ask (workshops.services guards with these).
wishes_open = is_validated_participant & wishes_phase & ~seats_assigned
seats_open = is_validated_participant & seats_phase & seats_assigned


@rules.predicate
def is_facilitator(user, workshop) -> bool:
    if not user.is_authenticated or workshop is None:
        return False
    return workshop.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def holds_seat(user, workshop) -> bool:
    """The user holds a seat in the workshop through a validated registration."""
    if not user.is_authenticated or workshop is None:
        return False
    return workshop.seats.filter(
        registration__user=user, registration__status=RegistrationStatus.VALIDATED
    ).exists()


def _board_state(workshop) -> tuple[bool, bool]:
    """(closed, voting closed), read afresh: a board without a row is open with voting open."""
    from .models import Board

    row = (
        Board.objects.filter(workshop=workshop).values("closed_at", "voting_closed_at").first()
        if workshop is not None
        else None
    )
    if row is None:
        return False, False
    closed = row["closed_at"] is not None
    return closed, closed or row["voting_closed_at"] is not None


@rules.predicate
def board_not_closed(user, workshop) -> bool:
    return workshop is not None and not _board_state(workshop)[0]


@rules.predicate
def board_voting_not_closed(user, workshop) -> bool:
    return workshop is not None and not _board_state(workshop)[1]


boards_phase = phase_in(PHASES_OPEN_FOR_BOARDS, "boards_phase")
is_board_moderator = is_facilitator | can_manage
is_board_member = holds_seat | is_board_moderator
# What the views and the services both ask (workshops.services guards with these).
board_open = boards_phase & board_not_closed
voting_open = board_open & board_voting_not_closed
may_post = is_board_member & board_open
may_vote = is_board_member & voting_open
may_moderate = is_board_moderator & board_open


rules.add_perm("workshops.view_workshops", is_public | can_manage)
rules.add_perm("workshops.wish", wishes_open)
rules.add_perm("workshops.take_seat", seats_open)
rules.add_perm("workshops.view_registrants", can_manage | is_facilitator)
rules.add_perm("workshops.assign", can_manage)
rules.add_perm("workshops.view_board", is_board_member)
rules.add_perm("workshops.post_idea", may_post)
rules.add_perm("workshops.vote", may_vote)
rules.add_perm("workshops.moderate_board", is_board_moderator)
rules.add_perm("workshops.moderate_open", may_moderate)
rules.add_perm("workshops.view_leads", is_public | can_manage)


# --- after the day: the survey about each workshop ---------------------------------------------


def workshop_survey_refusal(workshop, registration, now) -> str | None:
    """Why `registration` is not asked about `workshop`, or None: they held a seat in it and it
    has ended (the feedback window itself is the events app's: events.give_feedback)."""
    from django.utils.translation import gettext as _

    from .models import Seat

    if not Seat.objects.filter(workshop=workshop, registration=registration).exists():
        return _("Only the people who had a seat are asked about a workshop.")
    if now < workshop.session.ends_at:
        return _("You are asked about a workshop once it has ended.")
    return None
