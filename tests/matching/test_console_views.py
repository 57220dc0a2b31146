import pytest
from django.urls import reverse
from django.utils.html import escape

from matching.models import Meeting, ScheduleRun, ScheduleVersion
from matching.services import schedule as services
from matching.services.requests import book_meeting
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401


def grid_world(event, organiser, pairs):
    world = make_world(event, slots=3, tables=3, pairs=pairs)
    for i, request in enumerate(world.requests):
        book_meeting(request=request, slot=world.slots[i], table=world.tables[i], by=organiser)
    return world


@pytest.mark.parametrize("name", ["matching:schedule", "matching:schedule_participants"])
def test_console_lists_query_count_does_not_grow(
    client, organiser, name, django_capture_on_commit_callbacks, assert_queries_constant
):
    from tests.factories import EventFactory

    def world_of(pairs):
        event = EventFactory()
        event.organisers.add(organiser)
        grid_world(event, organiser, pairs)
        return event

    client.force_login(organiser)
    assert_queries_constant(
        items=world_of, run=lambda event: client.get(reverse(name, args=[event.slug]))
    )


def test_versions_page_query_count_does_not_grow(
    client, organiser, django_capture_on_commit_callbacks, assert_queries_constant
):
    from tests.factories import EventFactory

    def world_of(versions):
        event = EventFactory()
        event.organisers.add(organiser)
        world = grid_world(event, organiser, 3)
        meeting = Meeting.objects.get(request=world.requests[0])
        for n in range(versions):
            meeting = (
                services.move_meeting(
                    meeting=meeting, slot=world.slots[n % 2 + 1], table=None, by=organiser
                )
                if n
                else meeting
            )
            with django_capture_on_commit_callbacks(execute=True):
                services.publish_schedule(event=event, by=organiser)
        return event

    client.force_login(organiser)
    assert_queries_constant(
        items=world_of,
        run=lambda event: client.get(reverse("matching:versions", args=[event.slug])),
    )


def test_compare_query_count_does_not_grow(
    client, organiser, django_capture_on_commit_callbacks, assert_queries_constant
):
    from tests.factories import EventFactory

    def world_of(pairs):
        event = EventFactory()
        event.organisers.add(organiser)
        world = grid_world(event, organiser, pairs)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_schedule(event=event, by=organiser)
        for meeting in Meeting.objects.filter(request__in=world.requests):
            services.unschedule_meeting(meeting=meeting, by=organiser)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_schedule(event=event, by=organiser)
        return event

    client.force_login(organiser)
    assert_queries_constant(
        items=world_of,
        run=lambda event: client.get(reverse("matching:versions", args=[event.slug]) + "?a=1&b=2"),
    )


def test_schedule_page_shows_grid_and_unscheduled_reason(client, event, organiser):
    world = make_world(event, slots=1, tables=1, pairs=2)
    book_meeting(
        request=world.requests[0], slot=world.slots[0], table=world.tables[0], by=organiser
    )
    client.force_login(organiser)

    response = client.get(reverse("matching:schedule", args=[event.slug]))

    assert response.status_code == 200
    assert [item.request for item in response.context["unscheduled"]] == [world.requests[1]]
    assert escape(response.context["unscheduled"][0].reason) in response.content.decode()
    assert str(world.buyers[0].organisation) in response.content.decode()


def test_run_from_console_fills_the_draft(
    client, event, organiser, django_capture_on_commit_callbacks
):
    world = make_world(event, pairs=3)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:schedule_run", args=[event.slug]))

    assert response.status_code == 302
    assert ScheduleRun.objects.get(event=event).status == "done"
    assert Meeting.objects.filter(request__in=world.requests).count() == 3


def test_move_with_bad_slot_shows_error_and_keeps_meeting(client, event, organiser):
    world = make_world(event)
    meeting = book_meeting(
        request=world.requests[0], slot=world.slots[0], table=world.tables[0], by=organiser
    )
    client.force_login(organiser)

    response = client.post(
        reverse("matching:meeting", args=[event.slug, meeting.pk]), {"slot": "999999", "table": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["slot"]
    assert Meeting.objects.get(pk=meeting.pk).slot_id == world.slots[0].pk


def test_move_refused_by_hard_rule_shows_message(client, event, organiser):
    world = make_world(event)
    meeting = book_meeting(
        request=world.requests[0], slot=world.slots[0], table=world.tables[0], by=organiser
    )
    book_meeting(
        request=world.requests[1], slot=world.slots[1], table=world.tables[0], by=organiser
    )
    client.force_login(organiser)

    response = client.post(
        reverse("matching:meeting", args=[event.slug, meeting.pk]),
        {"slot": world.slots[1].pk, "table": world.tables[0].pk},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Meeting.objects.get(request=world.requests[0]).slot_id == world.slots[0].pk


def test_meeting_of_another_event_is_404(client, event, organiser, other_organiser):
    world = make_world(event)
    meeting = book_meeting(
        request=world.requests[0], slot=world.slots[0], table=world.tables[0], by=organiser
    )
    other_event = other_organiser.organised_events.get()
    client.force_login(other_organiser)

    response = client.get(reverse("matching:meeting", args=[other_event.slug, meeting.pk]))

    assert response.status_code == 404


def test_place_request_by_hand(client, event, organiser):
    world = make_world(event)
    client.force_login(organiser)

    response = client.post(
        reverse("matching:request_place", args=[event.slug, world.requests[0].pk]),
        {"slot": world.slots[2].pk, "table": ""},
    )

    assert response.status_code == 302
    assert Meeting.objects.get(request=world.requests[0]).slot_id == world.slots[2].pk


def test_publish_and_compare_from_console(
    client, event, organiser, django_capture_on_commit_callbacks
):
    world = make_world(event)
    meeting = book_meeting(
        request=world.requests[0], slot=world.slots[0], table=world.tables[0], by=organiser
    )
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:schedule_publish", args=[event.slug]))
    services.move_meeting(meeting=meeting, slot=world.slots[1], table=None, by=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:schedule_publish", args=[event.slug]))

    response = client.get(reverse("matching:versions", args=[event.slug]), {"a": 1, "b": 2})

    assert list(ScheduleVersion.objects.filter(event=event).values_list("number", flat=True)) == [
        2,
        1,
    ]
    assert [row.lines[0].kind for row in response.context["comparison"]["people"]] == [
        "moved",
        "moved",
    ]


def test_agenda_shows_published_meetings_in_event_time(
    client, event, organiser, django_capture_on_commit_callbacks
):
    world = make_world(event)
    book_meeting(
        request=world.requests[0], slot=world.slots[1], table=world.tables[0], by=organiser
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_schedule(event=event, by=organiser)
    client.force_login(world.ess[0].user)

    response = client.get(reverse("matching:agenda", args=[event.slug]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "14:20\u201314:40" in content and str(world.buyers[0].organisation) in content


def test_agenda_before_publication_says_so(client, event):
    world = make_world(event)
    client.force_login(world.ess[0].user)

    response = client.get(reverse("matching:agenda", args=[event.slug]))

    assert (response.status_code, response.context["version"], response.context["days"]) == (
        200,
        None,
        [],
    )
