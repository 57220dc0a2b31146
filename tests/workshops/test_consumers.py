"""The workshops' live pages: who may connect, and the hint frame that makes each page fetch its
own part (workshops/consumers.py) after a vote, an idea, a seat taken or freed."""

import re

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser

from tests.sockets import connected
from workshops import services

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def same_frame(one: str, other: str) -> bool:
    """The same fetch (frames differ only by their nonce, so that each one fires)."""
    return re.sub(r'data-hint="\w+"', "", one) == re.sub(r'data-hint="\w+"', "", other)


def board_path(world) -> str:
    return f"/ws/e/{world.event.slug}/workshops/{world.workshop.pk}/board/"


@pytest.mark.parametrize("who", ["alice", "facilitator", "organiser"])
async def test_board_consumer_accepts_members_and_sends_fetch_hint(board_world, who):
    async with connected(board_path(board_world), getattr(board_world, who)) as (com, accepted):
        frame = await com.receive_from(timeout=5)

    assert accepted is True
    assert 'id="board-hint" hidden hx-swap-oob="true"' in frame
    assert f'hx-get="/e/{board_world.event.slug}/workshops/{board_world.workshop.pk}/board/"' in (
        frame
    )
    assert 'hx-target="#idea-board"' in frame


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_organiser"])
async def test_board_consumer_refuses_others(board_world, who, other_organiser):
    user = {
        "anonymous": AnonymousUser(),
        "outsider": board_world.outsider,
        "other_organiser": other_organiser,
    }[who]

    async with connected(board_path(board_world), user) as (_, accepted):
        assert accepted is False


async def test_board_consumer_refuses_workshop_of_another_event(board_world):
    path = f"/ws/e/no-such-event/workshops/{board_world.workshop.pk}/board/"

    async with connected(path, board_world.organiser) as (_, accepted):
        assert accepted is False


async def test_board_consumer_gets_hint_after_vote(board_world):
    idea = await sync_to_async(services.post_idea)(
        workshop=board_world.workshop, by=board_world.alice, title="Goûters"
    )
    async with connected(board_path(board_world), board_world.alice) as (com, _accepted):
        first = await com.receive_from(timeout=5)

        await sync_to_async(services.vote)(idea=idea, by=board_world.bob)
        hint = await com.receive_from(timeout=5)

    assert same_frame(hint, first)


async def test_board_consumer_gets_hint_after_idea_posted(board_world):
    async with connected(board_path(board_world), board_world.facilitator) as (com, _accepted):
        await com.receive_from(timeout=5)

        await sync_to_async(services.post_idea)(
            workshop=board_world.workshop, by=board_world.bob, title="Vélos"
        )
        hint = await com.receive_from(timeout=5)

    assert 'id="board-hint"' in hint


async def test_seats_consumer_public_gets_hint_when_seat_freed(board_world):
    registration = await sync_to_async(
        lambda: board_world.event.registrations.get(user=board_world.alice)
    )()
    path = f"/ws/e/{board_world.event.slug}/workshops/"
    async with connected(path, AnonymousUser()) as (com, accepted):
        first = await com.receive_from(timeout=5)

        await sync_to_async(services.leave_workshop)(
            registration=registration, workshop=board_world.workshop, by=board_world.alice
        )
        hint = await com.receive_from(timeout=5)

    assert accepted is True
    assert same_frame(hint, first)
    assert 'hx-target="#workshop-board"' in hint


async def test_seats_consumer_refuses_draft_event_to_participants(board_world):
    from events.enums import Phase

    board_world.event.phase = Phase.DRAFT
    await sync_to_async(board_world.event.save)(update_fields=["phase"])
    path = f"/ws/e/{board_world.event.slug}/workshops/"

    async with connected(path, board_world.alice) as (_, accepted):
        assert accepted is False


async def test_a_seat_holder_who_leaves_is_closed_out_of_the_board(board_world):
    registration = await sync_to_async(
        lambda: board_world.event.registrations.get(user=board_world.alice)
    )()
    async with connected(board_path(board_world), board_world.alice) as (com, accepted):
        assert accepted
        await com.receive_from(timeout=5)
        await sync_to_async(services.leave_workshop)(
            registration=registration, workshop=board_world.workshop, by=board_world.alice
        )
        assert await com.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


async def test_a_facilitator_removed_from_the_workshop_is_closed_out_of_the_board(board_world):
    workshop = board_world.workshop
    session, theme = await sync_to_async(lambda: (workshop.session, workshop.theme))()
    async with connected(board_path(board_world), board_world.facilitator) as (com, accepted):
        assert accepted
        await com.receive_from(timeout=5)
        await sync_to_async(services.save_workshop)(
            session=session, theme=theme, capacity=workshop.capacity, facilitators=[]
        )
        assert await com.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
