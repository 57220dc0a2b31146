"""Every websocket route of the project (config/routing.py), through the project's ASGI
application: the person who may see the page is accepted with the site's origin and refused with
a foreign one; a stranger (signed in, another event's organiser and participant) and, unless the
page is public, an anonymous visitor are refused; logging out closes the socket. A new route
without its row here fails `test_every_route_is_covered`."""

from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from config.routing import websocket_urlpatterns
from events.enums import Phase, RegistrationRole
from matching.services.screens import create_screen
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    PitchFactory,
    RegistrationFactory,
    SeatFactory,
    UserFactory,
)
from tests.sockets import connected
from tests.workshops.conftest import make_workshop

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

# route pattern -> (the path for the world, who may see it, public: open without an account)
ROUTES = {
    "ws/e/<slug:slug>/console/check-in/": (
        lambda w: f"/ws/e/{w.event.slug}/console/check-in/",
        "organiser",
        False,
    ),
    "ws/e/<slug:slug>/console/schedule/": (
        lambda w: f"/ws/e/{w.event.slug}/console/schedule/",
        "organiser",
        False,
    ),
    "ws/e/<slug:slug>/agenda/": (lambda w: f"/ws/e/{w.event.slug}/agenda/", "buyer", False),
    "ws/e/<slug:slug>/my-meetings/": (
        lambda w: f"/ws/e/{w.event.slug}/my-meetings/",
        "buyer",
        False,
    ),
    "ws/screen/<str:token>/": (lambda w: f"/ws/screen/{w.screen.token}/", "anonymous", True),
    "ws/e/<slug:slug>/console/live/": (
        lambda w: f"/ws/e/{w.event.slug}/console/live/",
        "organiser",
        False,
    ),
    "ws/e/<slug:slug>/console/statistics/": (
        lambda w: f"/ws/e/{w.event.slug}/console/statistics/",
        "organiser",
        False,
    ),
    "ws/e/<slug:slug>/pitches/mine/": (
        lambda w: f"/ws/e/{w.event.slug}/pitches/mine/",
        "buyer",
        False,
    ),
    "ws/pitches/<int:pk>/": (lambda w: f"/ws/pitches/{w.pitch.pk}/", "buyer", False),
    "ws/e/<slug:slug>/workshops/": (lambda w: f"/ws/e/{w.event.slug}/workshops/", "buyer", True),
    "ws/e/<slug:slug>/workshops/<int:pk>/board/": (
        lambda w: f"/ws/e/{w.event.slug}/workshops/{w.workshop.pk}/board/",
        "buyer",
        False,
    ),
    "ws/notifications/": (lambda w: "/ws/notifications/", "buyer", False),
    "ws/notifications/centre/": (lambda w: "/ws/notifications/centre/", "buyer", False),
}
PERSONAL = {"ws/notifications/", "ws/notifications/centre/"}  # anyone's own: no stranger


@pytest.fixture
def world(event):
    event.phase = Phase.LIVE
    event.save(update_fields=["phase"])
    organiser = UserFactory()
    event.organisers.add(organiser)
    buyer_org = BuyerOrganisationFactory()
    buyer = MembershipFactory(organisation=buyer_org).user
    registration = RegistrationFactory(
        event=event, user=buyer, organisation=buyer_org, role=RegistrationRole.BUYER
    )
    workshop = make_workshop(event, "Atelier Mobilité")
    SeatFactory(workshop=workshop, registration=registration)
    other = EventFactory(phase=Phase.LIVE)
    stranger = UserFactory()
    other.organisers.add(stranger)
    RegistrationFactory(event=other, user=stranger)
    return SimpleNamespace(
        event=event,
        organiser=organiser,
        buyer=buyer,
        stranger=stranger,
        pitch=PitchFactory(event=event, buyer=buyer_org),
        workshop=workshop,
        screen=create_screen(event=event, name="Hall", by=organiser),
    )


def person(world, who):
    return AnonymousUser() if who == "anonymous" else getattr(world, who)


def session_headers(user, origin: str) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    if user.is_authenticated:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return headers


async def test_every_route_is_covered():
    assert {str(route.pattern) for route in websocket_urlpatterns} == set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("origin", "expected"), [("http://testserver", True), ("https://evil.example", False)]
)
async def test_the_person_is_accepted_and_a_foreign_origin_refused(world, route, origin, expected):
    from config.asgi import application

    path, who, _public = ROUTES[route]
    headers = await sync_to_async(session_headers)(person(world, who), origin)
    communicator = WebsocketCommunicator(application, path(world), headers=headers)
    try:
        accepted, _ = await communicator.connect()
        if accepted:
            assert await communicator.receive_from(timeout=10)  # the page's catch-up
    finally:
        await communicator.disconnect()
    assert accepted is expected


@pytest.mark.parametrize("route", ROUTES)
async def test_anonymous_is_refused_unless_the_page_is_public(world, route):
    path, _who, public = ROUTES[route]
    async with connected(path(world), AnonymousUser()) as (_, accepted):
        assert accepted is public


@pytest.mark.parametrize("route", sorted(set(ROUTES) - PERSONAL))
async def test_another_events_organiser_and_participant_is_refused(world, route):
    path, _who, public = ROUTES[route]
    async with connected(path(world), world.stranger) as (_, accepted):
        assert accepted is public


@pytest.mark.parametrize("route", [r for r in ROUTES if ROUTES[r][1] != "anonymous"])
async def test_logging_out_closes_the_socket(world, route):
    path, who, _public = ROUTES[route]
    user = person(world, who)

    def log_in_and_out():
        client = Client()
        client.force_login(user)
        client.logout()

    async with connected(path(world), user) as (communicator, accepted):
        assert accepted
        await communicator.receive_from(timeout=10)
        await sync_to_async(log_in_and_out)()
        output = await communicator.receive_output(timeout=5)
        while output["type"] != "websocket.close":  # a hint sent meanwhile
            output = await communicator.receive_output(timeout=5)

    assert output == {"type": "websocket.close", "code": 4403}
