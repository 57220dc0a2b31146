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
