"""The day's changes reach open agendas live: a hint to both people's agenda groups, the page
re-rendered from the database by AgendaConsumer. A check-in at the desk is one of them: what a
meeting under way shows depends on who is checked in (matching.rules.absent_partner)."""

import asyncio
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async

from matching.services import presence
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer, eager_tasks, ess  # noqa: F401
from tests.matching.test_consumers import frames_until
from tests.sockets import connected, fetch_frame_as

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day(event):
    world = live_day(event)
    world.buyer, world.ess = buyer(event), ess(event)
    world.request = meet(world.buyer, world.ess, world.current, world.tables[0])
    return world


async def test_partners_agenda_shows_the_absence_at_once(day):
    path = f"/ws/e/{day.event.slug}/agenda/"
    async with connected(path, day.buyer.user) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)
        await sync_to_async(presence.report_absent)(request=day.request, by=day.ess.user)
        frames = await frames_until(communicator, "agenda-fetch")
        page = await sync_to_async(fetch_frame_as)(day.buyer.user, frames[-1])

    assert accepted is True
    assert "now-waiting" in first
    assert "now-partner_absent" in page


async def test_repair_reaches_the_new_partners_agenda(day):
    other = await sync_to_async(buyer)(day.event)
    await sync_to_async(presence.report_absent)(request=day.request, by=day.ess.user)

    path = f"/ws/e/{day.event.slug}/agenda/"
    async with connected(path, other.user) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)
        await sync_to_async(presence.repair)(request=day.request, partner=other, by=day.ess.user)
        frames = await frames_until(communicator, "agenda-fetch")
        page = await sync_to_async(fetch_frame_as)(other.user, frames[-1])

    assert accepted is True
    assert str(day.ess.organisation) not in first
    assert str(day.ess.organisation) in page
    assert "now-waiting" in page


async def test_day_group_gets_a_hint_without_names(day):
    from channels.db import database_sync_to_async
    from channels.layers import get_channel_layer

    from matching import groups

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(groups.day(day.event.pk), channel)
    try:
        # database_sync_to_async closes the thread's connection, as a consumer's call would.
        await database_sync_to_async(presence.confirm_started)(
            request=day.request, by=day.buyer.user
        )
        message = await layer.receive(channel)
    finally:
        await layer.group_discard(groups.day(day.event.pk), channel)

    assert message == {"type": "day.changed"}


async def test_late_partner_checked_in_clears_the_absence_on_the_agenda(day, organiser):
    """Check-in in use, the no-show minutes passed: the buyer not checked in is absent; checked
    in at the desk, the structure's open agenda is told (events.checkins hook)."""
    from events.services import check_in

    day.ess.checked_in_at = day.current.starts_at
    await sync_to_async(day.ess.save)(update_fields=["checked_in_at"])
    path = f"/ws/e/{day.event.slug}/agenda/"
    async with connected(path, day.ess.user) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)
        await sync_to_async(check_in)(registration=day.buyer, by=organiser)
        frames = await frames_until(communicator, "agenda-fetch")
        page = await sync_to_async(fetch_frame_as)(day.ess.user, frames[-1])

    assert accepted is True
    assert "now-partner_absent" in first
    assert "now-waiting" in page


async def test_first_check_in_of_the_day_tells_every_agenda(day, organiser):
    """Nobody checked in: check-in not in use, nobody absent. The first check-in puts it in use,
    so the buyer's meeting under way now has its buyer absent, on the buyer's own agenda too."""
    from events.services import check_in

    path = f"/ws/e/{day.event.slug}/agenda/"
    async with connected(path, day.buyer.user) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)
        await sync_to_async(check_in)(registration=day.ess, by=organiser)
        frames = await frames_until(communicator, "agenda-fetch")
        page = await sync_to_async(fetch_frame_as)(day.buyer.user, frames[-1])

    assert accepted is True
    assert "now-waiting" in first
    assert "now-partner_absent" in page


async def test_check_in_before_the_day_tells_no_agenda(event, organiser):
    from channels.db import database_sync_to_async
    from channels.layers import get_channel_layer

    from events.services import check_in
    from matching import groups

    world = await sync_to_async(lambda: SimpleNamespace(buyer=buyer(event), ess=ess(event)))()
    layer = get_channel_layer()
    channel = await layer.new_channel()
    watched = [groups.agenda(world.buyer.pk), groups.agendas(event.pk)]
    for group in watched:
        await layer.group_add(group, channel)
    try:
        await database_sync_to_async(check_in)(registration=world.buyer, by=organiser)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(layer.receive(channel), timeout=0.5)
    finally:
        for group in watched:
            await layer.group_discard(group, channel)
