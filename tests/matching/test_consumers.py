import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from matching.services import requests as services_requests
from matching.services import schedule as services
from matching.services.requests import book_meeting
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401
from tests.sockets import connected, fetch_frame_as

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def frames_until(communicator, marker: str, limit: int = 20) -> list[str]:
    frames = []
    for _ in range(limit):
        frames.append(await communicator.receive_from(timeout=10))
        if marker in frames[-1]:
            return frames
    raise AssertionError(f"no frame with {marker!r} in {len(frames)} frames")


@pytest.fixture
def world(event, organiser):
    world = make_world(event)
    world.organiser = organiser
    return world


@pytest.mark.parametrize("who", ["anonymous", "participant", "other_organiser"])
async def test_console_consumer_refuses_non_organisers(world, who, other_organiser):
    user = {
        "anonymous": AnonymousUser(),
        "participant": world.buyers[0].user,
        "other_organiser": other_organiser,
    }[who]

    async with connected(f"/ws/e/{world.event.slug}/console/schedule/", user) as (_, accepted):
        assert accepted is False


async def test_console_consumer_unknown_event_refused(world):
    async with connected("/ws/e/no-such-event/console/schedule/", world.organiser) as (_, accepted):
        assert accepted is False


async def test_console_consumer_streams_run_progress(world):
    path = f"/ws/e/{world.event.slug}/console/schedule/"
    async with connected(path, world.organiser) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)

        await sync_to_async(services.start_run)(event=world.event, by=world.organiser)
        frames = await frames_until(communicator, "badge-ok")

    assert accepted is True
    assert 'id="schedule-run"' in first and 'id="schedule-draft"' in first
    assert any("<progress" in frame for frame in frames)
    assert 'id="schedule-draft"' in frames[-1]


async def test_agenda_consumer_refuses_people_not_registered(world, other_organiser):
    async with connected(f"/ws/e/{world.event.slug}/agenda/", other_organiser) as (_, accepted):
        assert accepted is False


async def test_agenda_consumer_updates_on_publication(world):
    def publish():
        with transaction.atomic():
            book_meeting(
                request=world.requests[0],
                slot=world.slots[0],
                table=world.tables[0],
                by=world.organiser,
            )
            services.publish_schedule(event=world.event, by=world.organiser)

    person = world.buyers[0].user
    async with connected(f"/ws/e/{world.event.slug}/agenda/", person) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)
        await sync_to_async(publish)()
        hint = await communicator.receive_from(timeout=10)
    fetched = await sync_to_async(fetch_frame_as)(person, hint)

    assert accepted is True
    assert 'id="agenda-meetings"' in first and 'role="status"' not in first
    assert hint.startswith('<div id="agenda-fetch" hidden hx-swap-oob="true"') and len(hint) < 300
    assert 'role="status"' in fetched and str(world.ess[0].organisation) in fetched


async def test_agenda_consumer_of_unchanged_person_gets_nothing(world):
    def publish():
        book_meeting(
            request=world.requests[0],
            slot=world.slots[0],
            table=world.tables[0],
            by=world.organiser,
        )
        services.publish_schedule(event=world.event, by=world.organiser)

    bystander = world.buyers[1].user
    async with connected(f"/ws/e/{world.event.slug}/agenda/", bystander) as (
        communicator,
        accepted,
    ):
        await communicator.receive_from(timeout=10)
        await sync_to_async(publish)()
        nothing = await communicator.receive_nothing(timeout=0.5)

    assert (accepted, nothing) == (True, True)


# --- "My meetings" (MyRequestsConsumer) ----------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "organiser", "other_organiser", "not_registered"])
async def test_requests_consumer_refuses_people_not_registered(
    requests_phase, who, organiser, other_organiser
):
    from tests.factories import UserFactory

    user = {
        "anonymous": lambda: AnonymousUser(),
        "organiser": lambda: organiser,
        "other_organiser": lambda: other_organiser,
        "not_registered": lambda: UserFactory(),
    }[who]
    user = await sync_to_async(user)()

    async with connected(f"/ws/e/{requests_phase.slug}/my-meetings/", user) as (_, accepted):
        assert accepted is False


async def test_requests_consumer_renders_lists_on_connect(requests_phase, ess_member):
    path = f"/ws/e/{requests_phase.slug}/my-meetings/"
    async with connected(path, ess_member) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)

    assert accepted is True
    assert 'id="my-requests-live"' in first and "request-card" not in first


async def test_requests_consumer_pushes_new_request_to_recipient_only(
    requests_phase, buyer_reg, ess_reg, buyer, ess_member
):
    from tests.factories import RegistrationFactory

    bystander = await sync_to_async(lambda: RegistrationFactory(event=requests_phase).user)()
    path = f"/ws/e/{requests_phase.slug}/my-meetings/"
    async with (
        connected(path, ess_member) as (recipient, recipient_accepted),
        connected(path, bystander) as (other, other_accepted),
    ):
        await recipient.receive_from(timeout=10)
        await other.receive_from(timeout=10)
        request = await sync_to_async(services_requests.send_request)(
            sender=buyer_reg, recipient=ess_reg, by=buyer
        )
        hint = await recipient.receive_from(timeout=10)
        nothing = await other.receive_nothing(timeout=0.5)
    update = await sync_to_async(fetch_frame_as)(ess_member, hint)

    assert (recipient_accepted, other_accepted, nothing) == (True, True, True)
    assert f'id="request-{request.pk}"' in update and buyer_reg.organisation.name in update


async def test_requests_consumer_pushes_answer_to_sender(
    requests_phase, buyer_reg, ess_reg, buyer, ess_member
):
    request = await sync_to_async(services_requests.send_request)(
        sender=buyer_reg, recipient=ess_reg, by=buyer
    )
    path = f"/ws/e/{requests_phase.slug}/my-meetings/"
    async with connected(path, buyer) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)
        await sync_to_async(services_requests.answer_request)(
            request=request, accept=True, by=ess_member
        )
        hint = await communicator.receive_from(timeout=10)
    update = await sync_to_async(fetch_frame_as)(buyer, hint)

    assert accepted is True
    assert first.count(f'id="request-{request.pk}"') == 1
    assert update.index(f'id="request-{request.pk}"') > update.index('id="accepted-title"')
    assert first.index(f'id="request-{request.pk}"') > first.index('id="sent-title"')


async def test_requests_consumer_pushes_lapse_once_to_each_side(
    requests_phase, buyer_reg, ess_reg, buyer, ess_member
):
    from tests.factories import OrganisationFactory, RegistrationFactory

    other = await sync_to_async(
        lambda: RegistrationFactory(event=requests_phase, organisation=OrganisationFactory())
    )()
    await sync_to_async(services_requests.send_request)(
        sender=buyer_reg, recipient=ess_reg, by=buyer
    )
    await sync_to_async(services_requests.send_request)(sender=buyer_reg, recipient=other, by=buyer)
    path = f"/ws/e/{requests_phase.slug}/my-meetings/"
    async with connected(path, buyer) as (communicator, accepted):
        await communicator.receive_from(timeout=10)
        await sync_to_async(services_requests.lapse_pending_requests)(event=requests_phase)
        hint = await communicator.receive_from(timeout=10)
        more = await communicator.receive_nothing(timeout=0.5)
    update = await sync_to_async(fetch_frame_as)(buyer, hint)

    assert (accepted, more) == (True, True)
    assert update.count(">Expirée<") == 2


# --- authorisation of every consumer: anonymous, other event, other organisation, foreign origin,
# after logout, after a change of rights ------------------------------------------------------


async def until_closed(communicator, limit: int = 5) -> dict:
    """The close, past the hints sent before it (the cancelled meetings)."""
    for _ in range(limit):
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output
    raise AssertionError("the socket stayed open")


def consumer_paths(slug: str) -> dict[str, str]:
    return {
        "console": f"/ws/e/{slug}/console/schedule/",
        "agenda": f"/ws/e/{slug}/agenda/",
        "my-meetings": f"/ws/e/{slug}/my-meetings/",
        "notifications": "/ws/notifications/",
    }


@pytest.mark.parametrize("page", ["console", "agenda", "my-meetings", "notifications"])
async def test_every_consumer_refuses_anonymous(world, page):
    path = consumer_paths(world.event.slug)[page]
    async with connected(path, AnonymousUser()) as (_, accepted):
        assert accepted is False


@pytest.mark.parametrize("page", ["console", "agenda", "my-meetings"])
async def test_event_consumers_refuse_a_participant_of_another_event(world, page):
    from tests.factories import EventFactory, RegistrationFactory

    stranger = await sync_to_async(lambda: RegistrationFactory(event=EventFactory()).user)()
    async with connected(consumer_paths(world.event.slug)[page], stranger) as (_, accepted):
        assert accepted is False


async def test_requests_consumer_refuses_an_organisation_without_a_registration(requests_phase):
    from tests.factories import MembershipFactory, OrganisationFactory, RegistrationFactory

    def outsider():
        RegistrationFactory(event=requests_phase, organisation=OrganisationFactory())
        return MembershipFactory(organisation=OrganisationFactory()).user

    user = await sync_to_async(outsider)()
    path = f"/ws/e/{requests_phase.slug}/my-meetings/"
    async with connected(path, user) as (_, accepted):
        assert accepted is False


def session_headers(user, origin: str) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return [(b"origin", origin.encode()), (b"host", b"testserver"), (b"cookie", cookie.encode())]


@pytest.mark.parametrize("page", ["console", "agenda", "my-meetings", "notifications"])
@pytest.mark.parametrize(
    ("origin", "expected"), [("http://testserver", True), ("https://evil.example", False)]
)
async def test_every_consumer_refuses_a_foreign_origin(world, page, origin, expected):
    """Through the project's ASGI application (config/asgi.py), with a real session cookie."""
    from config.asgi import application

    user = world.organiser if page == "console" else world.buyers[0].user
    headers = await sync_to_async(session_headers)(user, origin)
    path = consumer_paths(world.event.slug)[page]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    try:
        accepted, _ = await communicator.connect()
    finally:
        await communicator.disconnect()
    assert accepted is expected


@pytest.mark.parametrize("page", ["console", "agenda", "notifications"])
async def test_logging_out_closes_every_socket_of_the_person(world, page):
    user = world.organiser if page == "console" else world.buyers[0].user

    def log_in_and_out():
        client = Client()
        client.force_login(user)
        client.logout()

    async with connected(consumer_paths(world.event.slug)[page], user) as (communicator, accepted):
        await communicator.receive_from(timeout=10)
        await sync_to_async(log_in_and_out)()
        closed = await communicator.receive_output(timeout=5)

    assert (accepted, closed) == (True, {"type": "websocket.close", "code": 4403})


async def test_deleting_the_account_closes_the_persons_sockets(world):
    from accounts.services import delete_user_account

    user = world.buyers[0].user
    async with connected("/ws/notifications/", user) as (communicator, accepted):
        await communicator.receive_from(timeout=10)
        await sync_to_async(delete_user_account)(user=user)
        closed = await communicator.receive_output(timeout=5)

    assert (accepted, closed) == (True, {"type": "websocket.close", "code": 4403})


async def test_agenda_consumer_closes_when_the_registration_is_cancelled(world):
    from events.services import cancel_registration

    registration = world.buyers[0]
    async with (
        connected(f"/ws/e/{world.event.slug}/agenda/", registration.user) as (agenda, accepted),
        connected("/ws/notifications/", registration.user) as (badge, badge_accepted),
    ):
        await agenda.receive_from(timeout=10)
        await badge.receive_from(timeout=10)
        await sync_to_async(cancel_registration)(registration=registration, by=registration.user)
        closed = await until_closed(agenda)
        badge_stays = await badge.receive_nothing(timeout=0.5)

    assert (accepted, badge_accepted, badge_stays) == (True, True, True)
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_agenda_reconnecting_after_changes_it_missed_shows_them(world):
    """Live messages are hints: a page whose connection dropped while the schedule was published
    gets the whole agenda again, from the database, when it reconnects."""

    def publish():
        book_meeting(
            request=world.requests[0],
            slot=world.slots[0],
            table=world.tables[0],
            by=world.organiser,
        )
        services.publish_schedule(event=world.event, by=world.organiser)

    person = world.buyers[0].user
    path = f"/ws/e/{world.event.slug}/agenda/"
    async with connected(path, person) as (communicator, _):
        before = await communicator.receive_from(timeout=10)
    await sync_to_async(publish)()  # while no page is connected
    async with connected(path, person) as (communicator, accepted):
        after = await communicator.receive_from(timeout=10)

    assert accepted is True
    assert str(world.ess[0].organisation) not in before
    assert str(world.ess[0].organisation) in after
