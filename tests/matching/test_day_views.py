"""The day's buttons on "My agenda" (htmx and plain forms) and the re-pairing page."""

import pytest
from django.urls import reverse
from django.utils import translation

from matching.models import Meeting, MeetingPresence
from matching.services import presence
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer, ess

HTMX = {"HX-Request": "true", "accept-language": "en"}
HUGE = "9" * 20


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def day(event):
    world = live_day(event)
    world.buyer, world.ess = buyer(event), ess(event)
    world.request = meet(world.buyer, world.ess, world.current, world.tables[0])
    return world


def _url(name, day):
    return reverse(f"matching:{name}", args=[day.event.slug, day.request.pk])


def test_we_are_here_with_htmx_re_renders_the_agenda(day, client):
    client.force_login(day.buyer.user)

    response = client.post(_url("meeting_here", day), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="agenda-meetings"' in page and "Started at" in page
    assert MeetingPresence.objects.get().started_by == day.buyer


def test_partner_absent_without_htmx_goes_back_to_the_agenda(day, client):
    client.force_login(day.ess.user)

    response = client.post(_url("meeting_absent", day))

    assert response.status_code == 302
    assert response["Location"] == reverse("matching:agenda", args=[day.event.slug])
    assert MeetingPresence.objects.get().absent == day.buyer


def test_partner_absent_shows_the_way_to_meet_someone_else(day, client):
    client.force_login(day.ess.user)

    page = client.post(_url("meeting_absent", day), headers=HTMX).content.decode()

    assert _url("meeting_replace", day) in page
    assert "Partner absent" in page


def test_a_refusal_with_htmx_goes_to_the_message_area(day, client):
    presence.confirm_started(request=day.request, by=day.buyer.user)
    client.force_login(day.ess.user)

    response = client.post(_url("meeting_absent", day), headers=HTMX)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#refusal"
    assert "already started" in response.content.decode()


def test_replace_page_lists_who_is_free(day, client):
    presence.report_absent(request=day.request, by=day.ess.user)
    free = buyer(day.event)
    client.force_login(day.ess.user)

    page = client.get(_url("meeting_replace", day), headers={"accept-language": "en"})

    assert page.status_code == 200
    assert str(free.organisation) in page.content.decode()
    listed = page.content.decode().split('<ul class="request-list">')[1]
    assert str(day.buyer.organisation) not in listed


def test_replace_post_books_and_redirects_to_the_agenda(day, client):
    presence.report_absent(request=day.request, by=day.ess.user)
    free = buyer(day.event)
    client.force_login(day.ess.user)

    response = client.post(_url("meeting_replace", day), {"partner": free.pk}, headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("matching:agenda", args=[day.event.slug])
    meeting = Meeting.objects.get(slot=day.current)
    assert {meeting.request.sender, meeting.request.recipient} == {day.ess, free}


@pytest.mark.parametrize("partner", [HUGE, "abc", ""])
def test_replace_post_with_a_bad_partner_is_refused(day, client, partner):
    presence.report_absent(request=day.request, by=day.ess.user)
    client.force_login(day.ess.user)

    response = client.post(_url("meeting_replace", day), {"partner": partner}, headers=HTMX)

    assert response.status_code == 400


def test_replace_post_with_someone_busy_is_a_conflict(day, client):
    presence.report_absent(request=day.request, by=day.ess.user)
    busy = buyer(day.event)
    meet(busy, ess(day.event), day.current, day.tables[1])
    client.force_login(day.ess.user)

    response = client.post(_url("meeting_replace", day), {"partner": busy.pk}, headers=HTMX)

    assert response.status_code == 409
    assert Meeting.objects.get(request=day.request).table == day.tables[0]


def test_replace_page_query_count_does_not_grow(client, assert_queries_constant):
    from tests.factories import EventFactory

    def world_of(people):
        world = live_day(EventFactory())
        absent, alone = buyer(world.event), ess(world.event)
        world.request = meet(absent, alone, world.current, world.tables[0])
        presence.report_absent(request=world.request, by=alone.user)
        for index in range(people):
            candidate = buyer(world.event)
            if index % 2:
                from tests.matching.schedule_world import accepted

                accepted(candidate, alone)
        client.force_login(alone.user)
        return world

    def run(world):
        response = client.get(_url("meeting_replace", world))
        assert response.status_code == 200
        return response

    assert_queries_constant(items=world_of, run=run)


def test_agenda_during_a_slot_query_count_does_not_grow(client, assert_queries_constant):
    """A meeting under way and 1 or 3 ended ones (each asking for its outcome)."""
    import datetime as dt

    from events.models import Slot
    from tests.factories import EventFactory

    def world_of(ended):
        world = live_day(EventFactory(), tables=3)
        me = ess(world.event)
        meet(buyer(world.event), me, world.current, world.tables[0])
        for index in range(ended):
            start = world.past.starts_at - dt.timedelta(minutes=20 * (index + 1))
            slot = Slot.objects.create(
                session=world.past.session,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=20),
            )
            meet(buyer(world.event), me, slot, world.tables[0])
        client.force_login(me.user)
        return world

    def run(world):
        return client.get(reverse("matching:agenda", args=[world.event.slug]))

    assert_queries_constant(items=world_of, run=run)
