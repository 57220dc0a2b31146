"""Every websocket route of the project (config/routing.py), through the project's ASGI
application: the person who may see the page is accepted with the site's origin and refused with
a foreign one; a stranger (signed in, another event's organiser and participant) and, unless the
page is public, an anonymous visitor are refused; logging out closes the socket. Each route is
also tried by a participant of the same event whose page it is not (an ESS structure, not seated,
not the pitch's buyer) and by staff (`OTHERS`), and with another event's slug around the event's
ids (IDOR). A new route without its rows here fails `test_every_route_is_covered`."""

from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from accounts.enums import MembershipRole
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

# route pattern -> accepted for (a participant of the event whose page it is not, staff):
# the ESS structure's admin (validated, no seat in the workshop, not the pitch's buyer) and the
# platform's staff (who act as the organisers of every event, and have no registration).
OTHERS = {
    "ws/e/<slug:slug>/console/check-in/": (False, True),
    "ws/e/<slug:slug>/console/schedule/": (False, True),
    "ws/e/<slug:slug>/agenda/": (True, False),  # one's own agenda: needs a registration
    "ws/e/<slug:slug>/my-meetings/": (True, False),
    "ws/screen/<str:token>/": (True, True),
    "ws/e/<slug:slug>/console/live/": (False, True),
    "ws/e/<slug:slug>/console/statistics/": (False, True),
    "ws/e/<slug:slug>/pitches/mine/": (False, False),  # a buyer's: no buyer organisation
    "ws/pitches/<int:pk>/": (False, True),
    "ws/e/<slug:slug>/workshops/": (True, True),
    "ws/e/<slug:slug>/workshops/<int:pk>/board/": (False, True),
    "ws/notifications/": (True, True),
    "ws/notifications/centre/": (True, True),
}
# Routes naming an object of the event: the same ids with the other event's slug.
WITH_OTHER_SLUG = {
    "ws/e/<slug:slug>/workshops/<int:pk>/board/": (
        lambda w: f"/ws/e/{w.other.slug}/workshops/{w.workshop.pk}/board/"
    ),
}


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
    ess = MembershipFactory(role=MembershipRole.ADMIN)
    RegistrationFactory(
        event=event, user=ess.user, organisation=ess.organisation, role=RegistrationRole.ESS
    )
    participant = ess.user
    return SimpleNamespace(
        event=event,
        other=other,
        organiser=organiser,
        buyer=buyer,
        stranger=stranger,
        participant=participant,
        staff=UserFactory(is_staff=True),
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
    assert {str(route.pattern) for route in websocket_urlpatterns} == set(ROUTES) == set(OTHERS)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", ["participant", "staff"])
async def test_a_participant_of_the_event_and_staff(world, route, who):
    path, _who, _public = ROUTES[route]
    expected = OTHERS[route][0 if who == "participant" else 1]
    async with connected(path(world), getattr(world, who)) as (_, accepted):
        assert accepted is expected


@pytest.mark.parametrize("route", WITH_OTHER_SLUG)
@pytest.mark.parametrize("who", ["stranger", "staff"])
async def test_ids_of_the_event_under_another_events_slug_are_refused(world, route, who):
    """Even to who organises the other event, and to staff who organise every event."""
    async with connected(WITH_OTHER_SLUG[route](world), getattr(world, who)) as (_, accepted):
        assert accepted is False


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
