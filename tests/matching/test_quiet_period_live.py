"""The start of a pitch's quiet period reaches both sides' open "My meetings" pages live."""

import pytest
from asgiref.sync import sync_to_async

from core import times
from matching.services import requests as services_requests
from pitches import services as pitch_services
from tests.factories import PitchFactory
from tests.matching.schedule_world import eager_tasks  # noqa: F401
from tests.sockets import connected, fetch_frame_as

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

URL = "https://marches.example.org/avis-42"


async def test_quiet_period_start_pushes_the_lapse_and_why_to_both_sides(
    requests_phase, buyer_org, buyer_reg, ess_reg, buyer, ess_member
):
    pitch = await sync_to_async(PitchFactory)(event=requests_phase, buyer=buyer_org)
    request = await sync_to_async(services_requests.send_request)(
        sender=ess_reg, recipient=buyer_reg, by=ess_member, pitch=pitch
    )
    path = f"/ws/e/{requests_phase.slug}/my-meetings/"
    async with (
        connected(path, ess_member) as (structure, _),
        connected(path, buyer) as (buyer_page, _),
    ):
        await structure.receive_from(timeout=10)
        await buyer_page.receive_from(timeout=10)
        await sync_to_async(pitch_services.launch_consultation)(
            pitch=pitch, actor=buyer, launched_on=times.today(requests_phase), url=URL
        )
        hints = [
            (ess_member, await structure.receive_from(timeout=10)),
            (buyer, await buyer_page.receive_from(timeout=10)),
        ]
    updates = [await sync_to_async(fetch_frame_as)(user, hint) for user, hint in hints]

    for update in updates:
        assert f'id="request-{request.pk}"' in update
        assert "a lancé la consultation" in update and URL in update
