"""The organisers' live dashboard: arrivals against registrations, meetings now and next with who
is not here yet, workshop seats, alerts; a hint on each check-in, and on each change of a
workshop's seats, makes it fetch its panel."""

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import timezone

from config.routing import websocket_urlpatterns
from events import services as event_services
from events.enums import SessionKind
from matching import dashboard
from matching.enums import RequestStatus
from matching.models import ScheduleVersion
from tests.factories import (
    BuyerOrganisationFactory,
    MeetingRequestFactory,
    OrganisationFactory,
    RegistrationFactory,
    SeatFactory,
    SessionFactory,
    SlotFactory,
    TableFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.services import leave_workshop


@pytest.fixture
def day(event):
    start = timezone.now() - dt.timedelta(minutes=5)
    block = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    slot = SlotFactory(session=block, starts_at=start)
    table = TableFactory(event=event, name="T07", accessible=False)
    request = MeetingRequestFactory(
        event=event,
        status=RequestStatus.ACCEPTED,
        sender=RegistrationFactory(
            event=event, organisation=BuyerOrganisationFactory(name="Ville de Lille"), role="buyer"
        ),
        recipient=RegistrationFactory(
            event=event,
            organisation=OrganisationFactory(name="Atelier Solidaire"),
            needs_accessible_table=True,
        ),
    )
    ScheduleVersion.objects.create(
        event=event,
        number=1,
        meetings=[{"request": request.pk, "slot": slot.pk, "table": table.pk}],
    )
    return request


def test_meetings_now_show_who_is_not_here_and_alerts(event, day, organiser):
    event_services.check_in(registration=day.sender, by=organiser)

    context = dashboard.live_context(event)

    [row] = context["tables"]
    assert (row.table.name, row.missing) == ("T07", ["Atelier Solidaire"])
    assert context["waiting_now"] == 1
    assert any("accessible" in alert for alert in context["alerts"])
    assert context["everyone"].arrived >= 1


def test_the_page_and_its_panel_for_organisers_only(client, event, day, organiser, buyer):
    client.force_login(organiser)
    page = client.get(reverse("matching:live", args=[event.slug]))
    assert page.status_code == 200
    assert "Atelier Solidaire" in page.content.decode()
    panel = client.get(reverse("matching:live_panel", args=[event.slug]))
    assert panel.status_code == 200 and "<html" not in panel.content.decode()

    client.force_login(buyer)
    assert client.get(reverse("matching:live", args=[event.slug])).status_code == 403


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_check_in_makes_the_dashboard_fetch_its_panel(event, day, organiser, buyer):
    path = f"/ws{reverse('matching:live', args=[event.slug])}"
    refused = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    refused.scope["user"] = buyer
    accepted, _ = await refused.connect()
    await refused.disconnect()
    assert accepted is False

    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = organiser
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        on_connect = await communicator.receive_from(timeout=10)  # catch up on (re)connect
        assert reverse("matching:live_panel", args=[event.slug]) in on_connect
        await sync_to_async(event_services.check_in)(registration=day.recipient, by=organiser)
        hint = await communicator.receive_from(timeout=10)
        assert reverse("matching:live_panel", args=[event.slug]) in hint
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_organiser_removed_from_the_event_is_closed_out(event, day, organiser):
    other = await sync_to_async(UserFactory)()
    await sync_to_async(event.organisers.add)(other)
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws{reverse('matching:live', args=[event.slug])}"
    )
    communicator.scope["user"] = other
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        await communicator.receive_from(timeout=10)
        await sync_to_async(event_services.remove_organiser)(event=event, user=other, by=organiser)
        closed = await communicator.receive_output(timeout=10)
        assert closed == {"type": "websocket.close", "code": 4403}
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_seat_freed_makes_the_dashboard_fetch_its_panel(event, day, organiser):
    """The panel shows the workshops' seats and waiting lists: they change live too."""
    workshop = await sync_to_async(WorkshopFactory)(session__event=event)
    seat = await sync_to_async(SeatFactory)(
        workshop=workshop, registration=await sync_to_async(RegistrationFactory)(event=event)
    )
    path = f"/ws{reverse('matching:live', args=[event.slug])}"
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = organiser
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        await communicator.receive_from(timeout=10)  # the frame of every (re)connect
        await sync_to_async(leave_workshop)(
            registration=seat.registration, workshop=workshop, by=organiser
        )
        hint = await communicator.receive_from(timeout=10)
        assert reverse("matching:live_panel", args=[event.slug]) in hint
    finally:
        await communicator.disconnect()
