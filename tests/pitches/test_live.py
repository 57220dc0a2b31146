"""A pitch's counts, live for its buyer (pitches/consumers.py): who may listen, the hint that
every change of the sourcing log sends, the fragment it fetches, and a member removed from the
buyer organisation closed out."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts import services as account_services
from accounts.enums import MembershipRole
from pitches import services
from tests.factories import MembershipFactory, PitchFactory
from tests.sockets import connected, fetch_frame_as

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def mine_path(event) -> str:
    return f"/ws{reverse('pitches:mine', args=[event.slug])}"


def panel_path(pitch) -> str:
    return f"/ws{reverse('pitches:detail', args=[pitch.pk])}"


@pytest.fixture
def pitch(event, buyer_org):
    return PitchFactory(event=event, buyer=buyer_org, title="Goûters bio")


async def test_an_interest_reaches_my_pitches_and_the_panel_and_they_fetch_the_new_count(
    event, pitch, buyer, ess_org, ess_member
):
    async with (
        connected(mine_path(event), buyer) as (mine, mine_ok),
        connected(panel_path(pitch), buyer) as (panel, panel_ok),
    ):
        assert mine_ok and panel_ok
        await mine.receive_from(timeout=10)  # the frame of every (re)connect
        await panel.receive_from(timeout=10)

        await sync_to_async(services.express_interest)(
            pitch=pitch, organisation=ess_org, actor=ess_member, answers={}
        )

        mine_frame = await mine.receive_from(timeout=10)
        panel_frame = await panel.receive_from(timeout=10)

    table = await sync_to_async(fetch_frame_as)(buyer, mine_frame)
    assert table.startswith('<div id="my-pitches">')
    assert f'href="{reverse("pitches:interests", args=[pitch.pk])}">1</a>' in table
    panel_html = await sync_to_async(fetch_frame_as)(buyer, panel_frame)
    assert 'id="buyer-panel"' in panel_html
    assert "1 structure intéressée" in panel_html
    assert "<html" not in panel_html


async def test_a_question_reaches_the_panel(event, pitch, buyer, ess_org, ess_member):
    async with connected(panel_path(pitch), buyer) as (panel, accepted):
        assert accepted
        await panel.receive_from(timeout=10)
        await sync_to_async(services.ask_question)(
            pitch=pitch, organisation=ess_org, actor=ess_member, text="Quel volume ?"
        )
        frame = await panel.receive_from(timeout=10)

    assert "Quel volume ?" in await sync_to_async(fetch_frame_as)(buyer, frame)


@pytest.mark.parametrize("who", ["anonymous", "ess_member", "other_buyer", "other_organiser"])
async def test_only_the_buyer_and_organisers_listen(
    event, pitch, who, ess_member, other_organiser, organiser
):
    other_buyer = await sync_to_async(
        lambda: MembershipFactory(organisation=PitchFactory(event=event).buyer).user
    )()
    user = {
        "anonymous": AnonymousUser(),
        "ess_member": ess_member,
        "other_buyer": other_buyer,
        "other_organiser": other_organiser,
    }[who]

    async with connected(panel_path(pitch), user) as (_, accepted):
        assert accepted is False
    async with connected(panel_path(pitch), organiser) as (_, accepted):
        assert accepted is True
    if who in ("anonymous", "ess_member"):
        async with connected(mine_path(event), user) as (_, accepted):
            assert accepted is False


async def test_other_buyers_hear_nothing_of_this_pitch(event, pitch, ess_org, ess_member):
    other_buyer = await sync_to_async(
        lambda: MembershipFactory(organisation=PitchFactory(event=event).buyer).user
    )()
    async with connected(mine_path(event), other_buyer) as (mine, accepted):
        assert accepted
        await mine.receive_from(timeout=10)
        await sync_to_async(services.express_interest)(
            pitch=pitch, organisation=ess_org, actor=ess_member, answers={}
        )
        assert await mine.receive_nothing(timeout=1)


async def test_a_member_removed_from_the_buyer_is_closed_out(event, pitch, buyer, buyer_org):
    membership = await sync_to_async(MembershipFactory)(
        organisation=buyer_org, role=MembershipRole.MEMBER
    )
    async with connected(panel_path(pitch), membership.user) as (panel, accepted):
        assert accepted
        await panel.receive_from(timeout=10)
        await sync_to_async(account_services.remove_member)(membership=membership, actor=buyer)
        assert await panel.receive_output(timeout=10) == {"type": "websocket.close", "code": 4403}
