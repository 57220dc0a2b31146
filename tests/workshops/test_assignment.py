"""The bridge to the engine (problem built from the database) and the organisers' proposals."""

import random

import pytest
from django.core.exceptions import ValidationError

from events.enums import SessionKind
from matching.engine import workshops as engine
from tests.factories import RoomFactory, SessionFactory
from tests.workshops.conftest import at, make_workshop, participants
from workshops.bridge import build_problem, time_blocks
from workshops.enums import PlanKind
from workshops.models import Seat, WorkshopPlan
from workshops.queries import describe_proposal
from workshops.services import (
    apply_plan,
    leave_workshop,
    propose_placement,
    propose_seats,
    save_wishes,
    take_seat,
)

pytestmark = pytest.mark.django_db


def _db_plan(event) -> tuple:
    """The seats in the database as an engine plan, with the problem they answer."""
    # Judge every seat, kept ones included: a problem without kept seats taken out.
    Seat.objects.filter(workshop__session__event=event).update(locked=False)
    doc, _refs = build_problem(event, PlanKind.SEATS)
    plan = {
        "format": engine.FORMAT,
        "placements": doc["fixed"],
        "seats": [
            {"person": f"p{registration_id}", "workshop": f"w{workshop_id}"}
            for registration_id, workshop_id in Seat.objects.filter(
                workshop__session__event=event
            ).values_list("registration_id", "workshop_id")
        ],
        "unplaced": [],
    }
    return engine.load_problem(doc), engine.load_plan(plan)


@pytest.fixture
def two_blocks(event):
    """Three workshops over two time blocks (two at 10:00, one at 14:00), small capacities, and
    twelve participants with seeded random wishes, half of them wanting two workshops."""
    room = RoomFactory(event=event, capacity=4)
    workshops = [
        make_workshop(event, "Alimentation", start=(10, 0), end=(11, 30), capacity=5, room=room),
        make_workshop(event, "Mobilité", start=(10, 0), end=(11, 30), capacity=5),
        make_workshop(event, "Déchets", start=(14, 0), end=(15, 30), capacity=6),
    ]
    rng = random.Random(3)
    people = participants(event, 12)
    for n, person in enumerate(people):
        ranked = rng.sample([w.pk for w in workshops], rng.randint(1, 3))
        save_wishes(registration=person, workshop_ids=ranked, wants=1 + n % 2, by=person.user)
    return workshops, people


def test_time_blocks_merge_overlapping_ranges(event):
    a = make_workshop(event, "A", start=(10, 0), end=(11, 0))
    b = make_workshop(event, "B", start=(10, 30), end=(11, 30))
    c = make_workshop(event, "C", start=(10, 0), end=(11, 0))
    d = make_workshop(event, "D", start=(14, 0), end=(15, 0))

    blocks, block_of = time_blocks([a, b, c, d])

    assert [(b.id, b.starts_at, b.ends_at) for b in blocks] == [
        ("b1", at(10), at(11)),
        ("b2", at(14), at(15)),
    ]
    assert block_of == {a.pk: "b1", b.pk: "b1", c.pk: "b1", d.pk: "b2"}


def test_build_problem_passes_the_engine_loader(event, two_blocks):
    workshops, people = two_blocks

    doc, refs = build_problem(event, PlanKind.SEATS)
    problem = engine.load_problem(doc)

    assert (len(problem.blocks), len(problem.workshops), len(problem.people)) == (2, 3, 12)
    # A small room caps its workshop: min(5, 4).
    assert problem.workshop_by_id[f"w{workshops[0].pk}"].capacity == 4
    assert refs["people"] == {f"p{p.pk}": p.pk for p in people}


def test_applied_assignment_passes_the_engine_check(event, organiser, two_blocks):
    proposal = propose_seats(event=event, by=organiser)

    apply_plan(proposal=proposal, by=organiser)

    problem, plan = _db_plan(event)
    assert engine.check(problem, plan) == []
    assert Seat.objects.count() == len(proposal.plan["seats"]) > 0


def test_describe_proposal_gives_per_workshop_and_overall_figures(event, organiser, two_blocks):
    workshops, _people = two_blocks

    view = describe_proposal(propose_seats(event=event, by=organiser))

    stats = view.proposal.plan["stats"]
    assert (view.stats["people"], view.stats["served"], view.stats["first"]) == (
        12,
        stats["people_served"],
        stats["first_wishes"],
    )
    assert view.stats["served_pct"] == round(100 * stats["people_served"] / 12)
    assert [(row["workshop"], row["capacity"]) for row in view.workshops] == [
        (workshops[0], 4),
        (workshops[1], 5),
        (workshops[2], 6),
    ]
    assert all(row["seats"] <= row["capacity"] for row in view.workshops)


def test_apply_assignment_keeps_seats_people_took_and_replaces_the_others(
    event, organiser, two_blocks
):
    workshops, _people = two_blocks
    apply_plan(proposal=propose_seats(event=event, by=organiser), by=organiser)
    # After the assignment, someone gives up a seat and a newcomer takes it.
    leaver = Seat.objects.filter(workshop=workshops[2]).first().registration
    leave_workshop(registration=leaver, workshop=workshops[2], by=leaver.user)
    chooser = participants(event, 1)[0]
    kept = take_seat(registration=chooser, workshop=workshops[2], by=chooser.user)

    apply_plan(proposal=propose_seats(event=event, by=organiser), by=organiser)

    assert Seat.objects.filter(pk=kept.pk, locked=True).exists()
    assert Seat.objects.filter(workshop=workshops[2]).count() <= 6
    assert Seat.objects.filter(locked=False).count() > 0


def test_apply_refused_when_wishes_changed_since_the_proposal(event, organiser, two_blocks):
    workshops, _people = two_blocks
    proposal = propose_seats(event=event, by=organiser)
    latecomer = participants(event, 1)[0]
    save_wishes(registration=latecomer, workshop_ids=[workshops[2].pk], wants=1, by=latecomer.user)

    with pytest.raises(ValidationError, match="changed since this proposal"):
        apply_plan(proposal=proposal, by=organiser)
    assert (Seat.objects.count(), WorkshopPlan.objects.get().applied_at) == (0, None)


def test_apply_twice_is_refused(event, organiser, two_blocks):
    proposal = propose_seats(event=event, by=organiser)
    apply_plan(proposal=proposal, by=organiser)

    with pytest.raises(ValidationError, match="already applied"):
        apply_plan(proposal=proposal, by=organiser)


def test_propose_seats_without_workshops_is_refused(event, organiser):
    with pytest.raises(ValidationError, match="no workshop"):
        propose_seats(event=event, by=organiser)


@pytest.fixture
def co_wished(event):
    """Four workshops all at 10:00 in two rooms (a room clash the placement must solve, once a
    second block exists at 14:00), and people who want two workshops: food with mobility, waste
    with housing."""
    rooms = [RoomFactory(event=event, capacity=30), RoomFactory(event=event, capacity=30)]
    morning = [
        make_workshop(event, "Alimentation", start=(10, 0), end=(11, 0), room=rooms[0]),
        make_workshop(event, "Mobilité", start=(10, 0), end=(11, 0), room=rooms[1]),
    ]
    afternoon = [
        make_workshop(event, "Déchets", start=(14, 0), end=(15, 0), room=rooms[0]),
        make_workshop(event, "Habitat", start=(14, 0), end=(15, 0), room=rooms[1]),
    ]
    food, mobility, waste, housing = morning + afternoon
    for pair in [(food, mobility)] * 3 + [(waste, housing)] * 3:
        person = participants(event, 1)[0]
        save_wishes(registration=person, workshop_ids=[w.pk for w in pair], wants=2, by=person.user)
    return food, mobility, waste, housing


def test_placement_lets_people_attend_both_wished_workshops(event, organiser, co_wished):
    food, mobility, waste, housing = co_wished

    proposal = propose_placement(event=event, by=organiser)
    apply_plan(proposal=proposal, by=organiser)

    engine_problem = engine.load_problem(proposal.problem)
    assert engine.check(engine_problem, engine.load_plan(proposal.plan)) == []
    for a, b in [(food, mobility), (waste, housing)]:
        a.session.refresh_from_db()
        b.session.refresh_from_db()
        assert a.session.starts_at != b.session.starts_at
    assert proposal.plan["stats"]["co_wish_pairs_apart"] == 6


def test_placement_avoids_rooms_busy_with_other_sessions(event, organiser, co_wished):
    busy_room = co_wished[0].session.room
    SessionFactory(
        event=event, kind=SessionKind.PLENARY, room=busy_room, starts_at=at(9), ends_at=at(18)
    )

    proposal = propose_placement(event=event, by=organiser)

    assert [r["id"] for r in proposal.problem["rooms"]] == [f"r{co_wished[1].session.room_id}"]


def test_placement_refused_once_seats_are_given(event, organiser, co_wished, seats_open):
    person = participants(event, 1)[0]
    take_seat(registration=person, workshop=co_wished[0], by=person.user)

    with pytest.raises(ValidationError, match="Seats are already given"):
        propose_placement(event=event, by=organiser)
