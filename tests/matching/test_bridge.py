import datetime as dt

import pytest
from django.utils import translation

from events.enums import RegistrationStatus, SessionKind
from events.models import Unavailability
from matching import bridge, engine, schedule_queries
from matching.models import Attendance, Meeting, ScheduleVersion
from matching.services import schedule as services
from tests.factories import PARIS, PitchFactory, SessionFactory, TableFactory
from tests.matching.schedule_world import accepted, buyer, ess, make_world


@pytest.fixture(autouse=True)
def _english():
    """Refusals and reasons are asserted in English (the msgids)."""
    with translation.override("en"):
        yield


def solved(event):
    problem = bridge.build_problem(event)
    result = engine.solve(problem, time_limit=2.0, seed=0)
    assert engine.check(problem, result) == []
    return problem, result


def test_build_problem_reads_every_part_of_the_event(event, organiser):
    world = make_world(event)
    first, second = world.slots[0], world.slots[1]
    Unavailability.objects.create(
        registration=world.ess[0],
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        reason="Atelier",
    )
    world.buyers[1].max_meetings, world.buyers[1].needs_accessible_table = 4, True
    world.buyers[1].save()
    meeting = services.book_meeting(
        request=world.requests[0], slot=second, by=organiser, table=world.tables[0]
    )
    Meeting.objects.filter(pk=meeting.pk).update(locked=True)

    document = bridge.build(event).document
    problem = engine.load_problem(document)

    by_id = problem.participant_by_id
    assert [s.id for s in problem.slots] == [str(s.pk) for s in world.slots]
    assert (
        by_id[str(world.ess[0].pk)].unavailable,
        by_id[str(world.buyers[1].pk)].max_meetings,
    ) == (
        frozenset({str(first.pk)}),
        4,
    )
    assert by_id[str(world.buyers[1].pk)].needs_accessible_table is True
    assert problem.locked == (
        engine.Meeting(str(world.requests[0].pk), str(second.pk), str(world.tables[0].pk)),
    )
    assert {r.id for r in problem.requests} == {str(r.pk) for r in world.requests}
    assert all(1 <= r.weight <= 10 for r in problem.requests)


def test_build_problem_leaves_out_people_not_validated(event):
    world = make_world(event)
    world.ess[1].status = RegistrationStatus.CANCELLED
    world.ess[1].save()

    problem = bridge.build_problem(event)

    assert sorted(p.id for p in problem.participants) == sorted(
        [str(world.buyers[0].pk), str(world.ess[0].pk)]
    )
    assert [r.id for r in problem.requests] == [str(world.requests[0].pk)]


def test_build_problem_blocks_pitch_session_for_buyer_with_published_pitch(event):
    world = make_world(event)
    SessionFactory(
        event=event,
        kind=SessionKind.PITCHES,
        title="Pitchs",
        starts_at=dt.datetime(2019, 11, 26, 14, 20, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 14, 40, tzinfo=PARIS),
    )
    PitchFactory(event=event, buyer=world.buyers[0].organisation)

    problem = bridge.build_problem(event)

    by_id = problem.participant_by_id
    assert by_id[str(world.buyers[0].pk)].unavailable == frozenset({str(world.slots[1].pk)})
    assert by_id[str(world.buyers[1].pk)].unavailable == frozenset()


def test_build_problem_previous_is_the_published_version(event):
    world = make_world(event)
    version = ScheduleVersion.objects.create(
        event=event,
        number=1,
        meetings=[
            {
                "request": world.requests[1].pk,
                "slot": world.slots[2].pk,
                "table": world.tables[1].pk,
            }
        ],
    )

    problem = bridge.build_problem(event)

    assert version.number == 1
    assert problem.previous == (
        engine.Meeting(str(world.requests[1].pk), str(world.slots[2].pk), str(world.tables[1].pk)),
    )


def test_apply_schedule_round_trip(event):
    world = make_world(event, pairs=3)
    problem, result = solved(event)

    written = services.apply_schedule(event=event, schedule=result)

    back = bridge.current_schedule(problem, bridge.draft_meetings(event))
    assert written == 3
    assert sorted(back.meetings, key=lambda m: m.request) == sorted(
        result.meetings, key=lambda m: m.request
    )
    assert engine.check(problem, back) == []
    assert Attendance.objects.filter(meeting__slot__session__event=event).count() == 6
    assert len(world.requests) == 3


def test_apply_schedule_keeps_locked_meetings(event, organiser):
    world = make_world(event)
    kept = services.book_meeting(
        request=world.requests[0], slot=world.slots[2], by=organiser, table=world.tables[1]
    )
    Meeting.objects.filter(pk=kept.pk).update(locked=True)
    problem, result = solved(event)

    services.apply_schedule(event=event, schedule=result)

    kept_now = Meeting.objects.get(request=world.requests[0])
    assert (kept_now.pk, kept_now.slot_id, kept_now.table_id) == (
        kept.pk,
        world.slots[2].pk,
        world.tables[1].pk,
    )
    assert (
        engine.check(problem, bridge.current_schedule(problem, bridge.draft_meetings(event))) == []
    )


def test_unscheduled_reasons_name_the_obstacle(event):
    world = make_world(event, slots=1, tables=1, pairs=0)
    busy_buyer = buyer(event)
    # No common free slot: the structure is away for the only slot.
    away = ess(event)
    Unavailability.objects.create(
        registration=away, starts_at=world.slots[0].starts_at, ends_at=world.slots[0].ends_at
    )
    no_slot = accepted(busy_buyer, away)
    # Accessible table missing: the only table has no step-free access.
    TableFactory._meta.model.objects.filter(pk=world.tables[0].pk).update(accessible=False)
    wheel = ess(event, needs_accessible_table=True)
    no_table = accepted(buyer(event), wheel)
    # Cap reached and lower priority: capped has max 0; two pairs compete for one table.
    capped = ess(event, max_meetings=0)
    cap = accepted(buyer(event), capped)
    winner, loser = accepted(buyer(event), ess(event)), accepted(buyer(event), ess(event))
    built = bridge.build(event)
    result = engine.solve(built.problem, time_limit=2.0, seed=0)
    assert engine.check(built.problem, result) == []

    reasons = schedule_queries.unscheduled_reasons(built, result)

    placed = {m.request for m in result.meetings}
    lost = str(loser.pk) if str(winner.pk) in placed else str(winner.pk)
    assert {
        key: reasons[key] for key in (str(no_slot.pk), str(no_table.pk), str(cap.pk), lost)
    } == {
        str(no_slot.pk): "no common free slot",
        str(no_table.pk): "accessible table missing",
        str(cap.pk): f"meeting cap reached ({capped.organisation} ({capped.user}))",
        lost: "lower priority: their common free slots are taken by other meetings",
    }
