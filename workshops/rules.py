"""Who may do what with workshops. Phase sets live in workshops/enums.py; event-level predicates
(organiser, validated participant, public) come from events/rules.py and accept a workshop too
(it has an `.event`).

- view_workshops (event): anyone who can see the event.
- wish (event): a validated participant, while wishes are open and no seat assignment is applied.
- take_seat (event): a validated participant, once the organisers applied a seat assignment.
- view_registrants (workshop): the event's organisers, staff and the workshop's facilitators.
- assign (event): the event's organisers and staff.
"""

import rules

from events.rules import can_manage, event_of, is_public, is_validated_participant, phase_in

from .enums import PHASES_OPEN_FOR_SEATS, PHASES_OPEN_FOR_WISHES, PlanKind


@rules.predicate
def seats_assigned(user, obj) -> bool:
    """The organisers applied a seat assignment for the event."""
    event = event_of(obj)
    if event is None:
        return False
    return event.workshop_plans.filter(kind=PlanKind.SEATS, applied_at__isnull=False).exists()


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


rules.add_perm("workshops.view_workshops", is_public | can_manage)
rules.add_perm("workshops.wish", wishes_open)
rules.add_perm("workshops.take_seat", seats_open)
rules.add_perm("workshops.view_registrants", can_manage | is_facilitator)
rules.add_perm("workshops.assign", can_manage)
