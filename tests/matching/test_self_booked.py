"""Self-service: a booked meeting is a promise. Organisers' runs keep it in place unless the
organiser unticks it on the run form; then its two people are told (email and live) when the
result is published, and until then their agenda shows the place they booked."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from events.enums import Phase
from events.models import Unavailability
from matching.models import MatchingSettings, Meeting, ScheduleVersion
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(event, client):
    """Two slots (14:00, 14:20), one table; the first pair booked 14:00 themselves through the
    page; the second pair can only meet at 14:00 (one of them is away at 14:20)."""
    world = make_world(event, slots=2, tables=1, pairs=2)
    MatchingSettings.objects.create(event=event, booking_mode="self_service")
    event.phase = Phase.REQUESTS
    event.save(update_fields=["phase"])
    client.force_login(world.buyers[0].user)
    response = client.post(
        reverse("matching:request_book", args=[event.slug, world.requests[0].pk]),
        {"slot": world.slots[0].pk},
    )
    assert response.status_code == 302
    Unavailability.objects.create(
        registration=world.ess[1],
        starts_at=world.slots[1].starts_at,
        ends_at=world.slots[1].ends_at,
    )
    event.phase = Phase.SCHEDULING
    event.save(update_fields=["phase"])
    return world


def run(client, event, organiser, capture, **data):
    client.force_login(organiser)
    with capture(execute=True):
        response = client.post(reverse("matching:schedule_run", args=[event.slug]), data)
    assert response.status_code == 302


def publish(client, event, organiser, capture):
    client.force_login(organiser)
    with capture(execute=True):
        client.post(reverse("matching:schedule_publish", args=[event.slug]))


def agenda(client, person, event) -> str:
    client.force_login(person.user)
    return client.get(reverse("matching:agenda", args=[event.slug])).content.decode()


def test_run_keeps_self_booked_meeting_in_place(
    client, world, organiser, django_capture_on_commit_callbacks
):
    run(client, world.event, organiser, django_capture_on_commit_callbacks)

    booked = Meeting.objects.get(request=world.requests[0])
    assert (booked.slot, booked.table) == (world.slots[0], world.tables[0])
    assert not Meeting.objects.filter(request=world.requests[1]).exists()


def test_run_form_offers_to_keep_the_booked_meetings(client, world, organiser):
    client.force_login(organiser)

    content = client.get(reverse("matching:schedule", args=[world.event.slug])).content.decode()

    assert 'name="keep_booked" value="1" checked' in content
    assert "1 meeting was booked by the participants themselves" in content
    assert "Nothing is published yet." not in content


def test_run_told_to_move_booked_meetings_moves_them_and_the_console_says_so(
    client, world, organiser, django_capture_on_commit_callbacks
):
    run(client, world.event, organiser, django_capture_on_commit_callbacks, keep_booked="0")

    moved = Meeting.objects.get(request=world.requests[0])
    content = client.get(reverse("matching:schedule", args=[world.event.slug])).content.decode()
    assert moved.slot == world.slots[1]
    assert Meeting.objects.get(request=world.requests[1]).slot == world.slots[0]
    assert "The draft moves 1 of them: its two people will be told when you publish." in content


def test_moved_booked_meeting_shows_its_booked_place_until_published_then_both_are_told(
    client, world, organiser, django_capture_on_commit_callbacks
):
    run(client, world.event, organiser, django_capture_on_commit_callbacks, keep_booked="0")
    before = agenda(client, world.buyers[0], world.event)

    publish(client, world.event, organiser, django_capture_on_commit_callbacks)

    after = agenda(client, world.buyers[0], world.event)
    told = {m.to[0]: m.body for m in mail.outbox}
    assert "14:00\u201314:20" in before and "14:20\u201314:40" not in before
    assert "14:20\u201314:40" in after
    assert ScheduleVersion.objects.get().promised == [
        {"request": world.requests[0].pk, "slot": world.slots[0].pk, "table": world.tables[0].pk}
    ]
    for person in (world.buyers[0], world.ess[0]):
        assert "déplacé : 14:00 · T01 → 14:20 · T01" in told[person.user.email]


def test_publishing_kept_booked_meetings_tells_nobody(
    client, world, organiser, django_capture_on_commit_callbacks
):
    run(client, world.event, organiser, django_capture_on_commit_callbacks)

    publish(client, world.event, organiser, django_capture_on_commit_callbacks)

    assert ScheduleVersion.objects.count() == 1
    assert mail.outbox == []


def test_booked_meeting_that_now_clashes_is_left_to_the_engine(
    client, world, organiser, django_capture_on_commit_callbacks
):
    Unavailability.objects.create(
        registration=world.buyers[0],
        starts_at=world.slots[0].starts_at,
        ends_at=world.slots[0].ends_at,
        reason="Appel urgent",
    )

    run(client, world.event, organiser, django_capture_on_commit_callbacks)

    run_row = world.event.schedule_runs.get()
    assert (run_row.status, run_row.error) == ("done", "")
    assert Meeting.objects.get(request=world.requests[0]).slot == world.slots[1]


def test_meeting_the_organisers_placed_stays_theirs_until_published(
    client, world, organiser, django_capture_on_commit_callbacks
):
    """A run placed the second pair's meeting (unticked): before publication its people see
    that the organisers placed it, with no slot to pick, and after publication its place."""
    run(client, world.event, organiser, django_capture_on_commit_callbacks, keep_booked="0")
    world.event.phase = Phase.REQUESTS
    world.event.save(update_fields=["phase"])
    client.force_login(world.ess[1].user)
    my_meetings = reverse("matching:requests", args=[world.event.slug])

    before = client.get(my_meetings).content.decode()
    world.event.phase = Phase.SCHEDULING
    world.event.save(update_fields=["phase"])
    publish(client, world.event, organiser, django_capture_on_commit_callbacks)
    client.force_login(world.ess[1].user)
    after = client.get(my_meetings).content.decode()

    book = reverse("matching:request_book", args=[world.event.slug, world.requests[1].pk])
    assert "The organisers have placed this meeting" in before and book not in before
    assert "14:00\u201314:20" not in before
    assert "14:00\u201314:20" in after


def test_console_meeting_page_says_the_participants_booked_it(client, world, organiser):
    booked = Meeting.objects.get(request=world.requests[0])
    client.force_login(organiser)

    content = client.get(
        reverse("matching:meeting", args=[world.event.slug, booked.pk])
    ).content.decode()

    assert "The participants booked this meeting themselves." in content
