"""The venue screen: now and next per table from where participants know their meetings, the
programme now and next, the latest moves, a secret revocable link, and a live hint that makes it
fetch its board again."""

import datetime as dt
import re

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import timezone

from config.routing import websocket_urlpatterns
from core import times
from events.enums import SessionKind
from events.models import Table
from matching import screen as screen_queries
from matching.enums import RequestStatus
from matching.models import ScheduleVersion, VenueScreen
from matching.screen import Move, Pair, Place
from matching.services import screens
from matching.services.requests import book_meeting, cancel_request
from tests.factories import (
    BuyerOrganisationFactory,
    MeetingRequestFactory,
    OrganisationFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SlotFactory,
    TableFactory,
)
from tests.matching.screen_world import venue_day


def _pair(event, buyer_name: str, ess_name: str):
    return MeetingRequestFactory(
        event=event,
        status=RequestStatus.ACCEPTED,
        sender=RegistrationFactory(
            event=event, organisation=BuyerOrganisationFactory(name=buyer_name), role="buyer"
        ),
        recipient=RegistrationFactory(event=event, organisation=OrganisationFactory(name=ess_name)),
    )


@pytest.fixture
def day(event, organiser):
    """A meeting block under way: a slot now, the next one, two tables; a workshop now."""
    now = timezone.now()
    start = now - dt.timedelta(minutes=5)
    block = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    current = SlotFactory(session=block, starts_at=start)
    upcoming = SlotFactory(session=block, starts_at=start + dt.timedelta(minutes=20))
    t1 = TableFactory(event=event, name="T01", zone="Hall A")
    t2 = TableFactory(event=event, name="T02")
    SessionFactory(
        event=event,
        kind=SessionKind.WORKSHOP,
        title="Alimentation durable",
        room=RoomFactory(event=event, name="Salle Lille"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    first = _pair(event, "Ville de Roubaix", "Cuisine Solidaire")
    second = _pair(event, "CHU de Lille", "Vélo Solidaire")
    ScheduleVersion.objects.create(
        event=event,
        number=1,
        meetings=[
            {"request": first.pk, "slot": current.pk, "table": t1.pk},
            {"request": second.pk, "slot": upcoming.pk, "table": t2.pk},
        ],
    )
    return {"now": now, "first": first, "second": second, "tables": (t1, t2)}


def test_board_shows_now_and_next_per_table_and_the_programme(event, day):
    board = screen_queries.board(event, day["now"])

    rows = {row.table.name: (row.now, row.next) for row in board["tables"]}
    assert rows == {
        "T01": (Pair("Ville de Roubaix", "Cuisine Solidaire"), None),
        "T02": (None, Pair("CHU de Lille", "Vélo Solidaire")),
    }
    assert [s.title for s in board["sessions_now"]][-1] == "Alimentation durable"


def test_a_cancelled_meeting_leaves_the_board(event, day, organiser):
    cancel_request(request=day["first"], by=day["first"].sender.user)

    rows = {row.table.name for row in screen_queries.board(event, day["now"])["tables"]}
    assert rows == {"T02"}


def test_the_screen_opens_without_login_and_a_revoked_link_shows_nothing(
    client, event, day, organiser
):
    screen = screens.create_screen(event=event, name="Hall", by=organiser)

    page = client.get(reverse("matching:screen", args=[screen.token]))
    assert page.status_code == 200
    assert "Ville de Roubaix" in page.content.decode()
    assert "× Cuisine Solidaire" in page.content.decode()
    assert "Salle Lille" in page.content.decode()

    screens.revoke_screen(screen=screen, by=organiser)
    assert client.get(reverse("matching:screen_board", args=[screen.token])).status_code == 404


def test_organisers_create_and_revoke_links(client, event, organiser):
    client.force_login(organiser)
    url = reverse("matching:screens", args=[event.slug])

    client.post(url, {"name": "Projecteur grande salle"})
    screen = VenueScreen.objects.get()
    page = client.get(url).content.decode()
    assert reverse("matching:screen", args=[screen.token]) in page

    client.post(reverse("matching:screen_revoke", args=[event.slug, screen.pk]))
    screen.refresh_from_db()
    assert screen.revoked_at is not None
    assert screen.token not in client.get(url).content.decode()


def test_an_empty_name_is_refused_with_a_message(client, event, organiser):
    client.force_login(organiser)
    response = client.post(reverse("matching:screens", args=[event.slug]), {"name": " "})
    assert response.status_code == 200
    assert not VenueScreen.objects.exists()
    assert "obligatoire" in response.content.decode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_booking_makes_the_screen_fetch_its_board(event, organiser):
    screen = await sync_to_async(screens.create_screen)(event=event, name="Hall", by=organiser)
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/screen/{screen.token}/"
    )
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        on_connect = await communicator.receive_from(timeout=10)  # catch up on (re)connect
        assert reverse("matching:screen_board", args=[screen.token]) in on_connect

        def book():
            slot = SlotFactory(session__event=event)
            table = TableFactory(event=event)
            book_meeting(
                request=_pair(event, "Métropole", "Recyclerie"),
                slot=slot,
                table=table,
                by=organiser,
            )

        await sync_to_async(book)()
        hint = await communicator.receive_from(timeout=10)
        assert 'id="screen-hint"' in hint
        assert reverse("matching:screen_board", args=[screen.token]) in hint
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_revoked_or_forged_link_cannot_listen(event, organiser):
    screen = await sync_to_async(screens.create_screen)(event=event, name="Hall", by=organiser)
    await sync_to_async(screens.revoke_screen)(screen=screen, by=organiser)
    for token in (screen.token, "forged"):
        communicator = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/ws/screen/{token}/"
        )
        accepted, _ = await communicator.connect()
        await communicator.disconnect()
        assert accepted is False


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_revoking_an_open_screen_makes_it_fetch_once_more_then_closes_it(event, organiser):
    kept = await sync_to_async(screens.create_screen)(event=event, name="Bar", by=organiser)
    gone = await sync_to_async(screens.create_screen)(event=event, name="Hall", by=organiser)
    sockets = {}
    try:
        for screen in (kept, gone):
            sockets[screen] = WebsocketCommunicator(
                URLRouter(websocket_urlpatterns), f"/ws/screen/{screen.token}/"
            )
            accepted, _ = await sockets[screen].connect()
            assert accepted
            await sockets[screen].receive_from(timeout=10)

        await sync_to_async(screens.revoke_screen)(screen=gone, by=organiser)

        last = await sockets[gone].receive_from(timeout=10)
        assert reverse("matching:screen_board", args=[gone.token]) in last  # answered by a 404
        closed = await sockets[gone].receive_output(timeout=10)
        assert closed == {"type": "websocket.close", "code": 4403}
        assert await sockets[kept].receive_nothing(timeout=0.5)
    finally:
        for socket in sockets.values():
            await socket.disconnect()


def test_the_latest_moves_say_from_which_table_to_which(event, organiser):
    day = venue_day(event, organiser, tables=5, moves=2)
    at = times.hhmm(day.next.starts_at, event)

    moves = screen_queries.board(event)["moves"]

    first, second = day.next_requests[:2]
    assert moves == [
        Move(screen_queries._pair(first), Place("T03", at), Place("T01", at)),
        Move(screen_queries._pair(second), Place("T04", at), Place("T02", at)),
    ]


def test_the_board_heads_each_zone_and_carries_its_page_time(client, event, organiser):
    day = venue_day(event, organiser, tables=3)
    Table.objects.filter(name="T03").update(zone="")

    page = client.get(reverse("matching:screen_board", args=[day.screen.token])).content.decode()

    groups = re.findall(r'<th colspan="3" scope="rowgroup">([^<]*)</th>', page)
    assert groups == ["Atrium, rez-de-chaussée", "Autres tables"]
    assert f'data-page-seconds="{screen_queries.PAGE_SECONDS}"' in page
    assert page.count('class="screen-table-name"') == 3


def test_tables_without_zones_have_no_heading(client, event, day, organiser):
    screen = screens.create_screen(event=event, name="Hall", by=organiser)
    Table.objects.filter(event=event).update(zone="")

    page = client.get(reverse("matching:screen_board", args=[screen.token])).content.decode()

    assert 'scope="rowgroup"' not in page
    assert page.count('class="screen-table-name"') == 2
