"""Tables are chosen in a stated order (events.models.TABLE_ORDER, matching/bridge.py
`seat_in_table_order`, matching/services/requests.py `_free_table`): a buyer's home table, then the
table the buyer already sits at, then the organisers' order — their explicit position, step-free
tables (the ground floor) before the others (a mezzanine reached by stairs), then the name."""

from django.urls import reverse

from events.enums import Phase
from events.models import Table
from matching import bridge, engine
from matching.models import MatchingSettings, Meeting
from matching.services import requests as services
from tests.factories import TableFactory
from tests.matching.schedule_world import accepted, buyer, eager_tasks, ess, make_world  # noqa: F401


def demo_tables(event):
    """Like the demo: T01–T04 on the step-free ground floor, T05–T08 on a mezzanine."""
    return [TableFactory(event=event, name=f"T{n:02d}", accessible=n <= 4) for n in range(1, 9)]


def test_self_service_booking_takes_a_step_free_table_before_the_mezzanine(client, event):
    world = make_world(event, tables=0, pairs=1)
    MatchingSettings.objects.create(event=event, booking_mode="self_service")
    event.phase = Phase.REQUESTS
    event.save(update_fields=["phase"])
    TableFactory(event=event, name="A-mezzanine", accessible=False)
    ground = TableFactory(event=event, name="B-rez-de-chaussee", accessible=True)
    client.force_login(world.buyers[0].user)

    response = client.post(
        reverse("matching:request_book", args=[event.slug, world.requests[0].pk]),
        {"slot": world.slots[0].pk},
    )

    assert response.status_code == 302
    assert Meeting.objects.get().table == ground


def test_organisers_position_comes_first(event, organiser):
    world = make_world(event, tables=0, pairs=1)
    TableFactory(event=event, name="T01")
    chosen = TableFactory(event=event, name="T09", accessible=False, position=0)
    Table.objects.exclude(pk=chosen.pk).update(position=1)

    meeting = services.book_meeting(request=world.requests[0], slot=world.slots[0], by=organiser)

    assert meeting.table == chosen


def test_booking_keeps_a_buyer_at_the_table_they_already_sit_at(event, organiser):
    world = make_world(event, tables=3, pairs=1)
    services.book_meeting(
        request=world.requests[0], slot=world.slots[0], table=world.tables[1], by=organiser
    )
    second = accepted(world.buyers[0], ess(event))

    meeting = services.book_meeting(request=second, slot=world.slots[1], by=organiser)

    assert meeting.table == world.tables[1]


def test_booking_uses_a_buyers_home_table(event, organiser):
    world = make_world(event, tables=3, pairs=1)
    world.buyers[0].home_table = world.tables[2]
    world.buyers[0].save()

    meeting = services.book_meeting(request=world.requests[0], slot=world.slots[0], by=organiser)

    assert meeting.table == world.tables[2]


def test_engine_run_fills_the_ground_floor_and_keeps_each_buyer_at_one_table(
    client, event, organiser, django_capture_on_commit_callbacks
):
    make_world(event, slots=3, tables=0, pairs=0)
    tables = demo_tables(event)
    buyers = [buyer(event) for _ in range(2)]
    for b in buyers:
        for _ in range(3):
            accepted(b, ess(event))
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:schedule_run", args=[event.slug]))

    meetings = list(Meeting.objects.select_related("table", "request"))
    assert len(meetings) == 6
    assert {m.table.name for m in meetings} == {"T01", "T02"}
    for b in buyers:
        assert len({m.table_id for m in meetings if m.request.sender_id == b.pk}) == 1
    assert tables[0].accessible


def test_seating_in_table_order_keeps_the_engines_rules(event):
    world = make_world(event, slots=3, tables=0, pairs=0)
    demo_tables(event)
    wheel = ess(event, needs_accessible_table=True)
    for _ in range(5):
        accepted(buyer(event), ess(event))
    accepted(buyer(event), wheel)
    built = bridge.build(event)
    solved = engine.solve(built.problem, time_limit=2.0, seed=0)

    seated = bridge.seat_in_table_order(built, solved)

    assert engine.check(built.problem, seated) == []
    assert sorted((m.request, m.slot) for m in seated.meetings) == sorted(
        (m.request, m.slot) for m in solved.meetings
    )
    assert world.slots


def test_engine_problem_lists_tables_in_order_with_home_tables(event):
    world = make_world(event, tables=0, pairs=1)
    mezzanine = TableFactory(event=event, name="A", accessible=False)
    ground = TableFactory(event=event, name="B", accessible=True)
    world.buyers[0].home_table = mezzanine
    world.buyers[0].save()

    document = bridge.build(event).document

    assert [t["id"] for t in document["tables"]] == [str(ground.pk), str(mezzanine.pk)]
    [home] = [p for p in document["participants"] if p["id"] == str(world.buyers[0].pk)]
    assert home["home_table"] == str(mezzanine.pk)


def test_console_grid_opens_at_the_first_meeting(client, event, organiser):
    world = make_world(event, tables=0, pairs=1)
    demo_tables(event)
    meeting = services.book_meeting(request=world.requests[0], slot=world.slots[2], by=organiser)
    client.force_login(organiser)

    content = client.get(reverse("matching:schedule", args=[event.slug])).content.decode()

    assert f'data-scroll-to="meeting-{meeting.pk}"' in content
    assert f'id="meeting-{meeting.pk}"' in content
    assert "js/schedule-grid" in content


def test_organisers_set_the_table_order_on_the_tables_page(client, event, organiser):
    first, second = TableFactory(event=event, name="T01"), TableFactory(event=event, name="T02")
    client.force_login(organiser)

    response = client.post(
        reverse("events:table_edit", args=[event.slug, first.pk]),
        {"name": "T01", "zone": "", "accessible": "on", "position": "5"},
    )
    page = client.get(reverse("events:tables", args=[event.slug]))

    assert response.status_code == 302
    assert list(page.context["tables"]) == [second, first]


def test_free_slots_leave_out_slots_where_the_buyers_home_table_is_taken(client, event, organiser):
    world = make_world(event, tables=2, pairs=2)
    world.buyers[0].home_table = world.tables[0]
    world.buyers[0].save()
    services.book_meeting(
        request=world.requests[1], slot=world.slots[0], table=world.tables[0], by=organiser
    )
    MatchingSettings.objects.create(event=event, booking_mode="self_service")
    event.phase = Phase.REQUESTS
    event.save(update_fields=["phase"])
    client.force_login(world.buyers[0].user)

    page = client.get(reverse("matching:request_book", args=[event.slug, world.requests[0].pk]))

    offered = [choice[0] for choice in page.context["form"].fields["slot"].choices]
    assert offered == [world.slots[1].pk, world.slots[2].pk]
