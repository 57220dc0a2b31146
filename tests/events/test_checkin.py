"""Check-in on the day: the services (events.services.check_in / undo_check_in), the desk's pages
and the QR codes (events/badges.py)."""

import asyncio
import re
import uuid

import pytest
import segno
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import badges, groups, queries, services
from events.enums import RegistrationStatus
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- Services ---------------------------------------------------------------------------------


def test_check_in_writes_time_and_organiser(world, django_capture_on_commit_callbacks):
    organiser = world.users["organiser"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = services.check_in(registration=world.registration, by=organiser)

    world.registration.refresh_from_db()
    assert (outcome.already, world.registration.checked_in_by) == (False, organiser)
    assert world.registration.checked_in_at is not None
    assert len(callbacks) == 1


def test_check_in_twice_counts_once_and_says_when(world):
    organiser = world.users["organiser"]
    first = services.check_in(registration=world.registration, by=organiser)
    other = UserFactory(is_staff=True)

    second = services.check_in(registration=world.registration, by=other)

    assert second.already is True
    assert (second.registration.checked_in_at, second.registration.checked_in_by) == (
        first.registration.checked_in_at,
        organiser,
    )
    assert queries.checkin_counts(world.event)["checked_in"] == 1


def test_check_in_and_undo_broadcast_to_the_event_group(world, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(groups.checkins(world.event.pk), channel)
    organiser = world.users["organiser"]

    with django_capture_on_commit_callbacks(execute=True):
        services.check_in(registration=world.registration, by=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        services.undo_check_in(registration=world.registration, by=organiser)

    hint = {
        "type": "checkin.changed",
        "event": world.event.pk,
        "registration": world.registration.pk,
    }
    assert [receive(layer, channel), receive(layer, channel)] == [
        {**hint, "checked_in": True},
        {**hint, "checked_in": False},
    ]


def receive(layer, channel) -> dict:
    """The next message of `channel`; a TimeoutError when none comes within 5 seconds."""

    async def next_message():
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    return async_to_sync(next_message)()


def test_undo_check_in_clears_it(world):
    organiser = world.users["organiser"]
    services.check_in(registration=world.registration, by=organiser)

    services.undo_check_in(registration=world.registration, by=organiser)

    world.registration.refresh_from_db()
    assert (world.registration.checked_in_at, world.registration.checked_in_by) == (None, None)


def test_undo_check_in_not_checked_in_is_refused(world):
    with pytest.raises(ValidationError, match="not checked in"):
        services.undo_check_in(registration=world.registration, by=world.users["organiser"])


@pytest.mark.parametrize(
    "status",
    [RegistrationStatus.PENDING, RegistrationStatus.REFUSED, RegistrationStatus.CANCELLED],
)
def test_check_in_not_validated_is_refused(world, status):
    Registration.objects.filter(pk=world.registration.pk).update(status=status)

    with pytest.raises(ValidationError, match="not validated"):
        services.check_in(registration=world.registration, by=world.users["organiser"])

    assert Registration.objects.get(pk=world.registration.pk).checked_in_at is None


@pytest.mark.parametrize("role", ["buyer", "other_organiser"])
def test_check_in_by_a_non_organiser_is_refused(world, role):
    with pytest.raises(ValidationError, match="Only the organisers"):
        services.check_in(registration=world.registration, by=world.users[role])


def test_registration_for_code_finds_the_person(world):
    found = services.registration_for_code(event=world.event, code=world.registration.checkin_code)

    assert found == world.registration


def test_registration_for_code_of_another_event_is_refused(world):
    elsewhere = RegistrationFactory(event=EventFactory(title="Osez Roubaix"))

    with pytest.raises(ValidationError, match=r"another event \(Osez Roubaix\)"):
        services.registration_for_code(event=world.event, code=elsewhere.checkin_code)


@pytest.mark.parametrize("code", ["", "hello", uuid.uuid4().hex])
def test_registration_for_code_unknown_is_refused(world, code):
    with pytest.raises(ValidationError):
        services.registration_for_code(event=world.event, code=code)


def test_calendar_token_is_not_a_check_in_code(world):
    with pytest.raises(ValidationError, match="No one has this code"):
        services.registration_for_code(event=world.event, code=world.registration.ical_token.hex)


# --- Codes ------------------------------------------------------------------------------------


def test_parse_code_reads_case_spaces_and_hyphens(world):
    token = world.registration.checkin_token

    assert [
        badges.parse_code(world.registration.checkin_code),
        badges.parse_code(f"  {str(token).upper()}\n"),
        badges.parse_code(" ".join(token.hex)),
    ] == [token, token, token]


def test_parse_code_reads_a_scanner_typing_qwerty_on_azerty():
    token = uuid.UUID("0123456789abcdef0123456789abcdef")
    # The digit keys unshifted give & é " ' ( - è _ ç à on AZERTY; the A key gives Q.
    typed = "à&é\"'(-è_çQBCDEF" * 2

    assert badges.parse_code(typed) == token


def qr_matrix_from_svg(svg: str) -> list[list[int]]:
    """The dark modules segno's SVG path draws (`M x y h n m dx dy ...`, unit modules)."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    matrix = [[0] * size for _ in range(size)]
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                matrix[int(y)][column] = 1
            x += float(a)
    return matrix


def test_qr_svg_draws_the_registration_token(world):
    """The SVG draws exactly the symbol of the token's code (the code itself is decoded by a
    real reader in tests/e2e/test_checkin.py)."""
    svg = badges.qr_svg(world.registration)
    expected = segno.make(world.registration.checkin_code, error="m", micro=False)
    border = 4

    drawn = qr_matrix_from_svg(svg)

    inner = [row[border:-border] for row in drawn[border:-border]]
    assert inner == [[int(bool(v)) for v in row] for row in expected.matrix]
    assert world.registration.checkin_code == world.registration.checkin_token.hex.upper()


def test_qr_title_is_escaped_in_the_svg():
    """badges.qr_of marks segno's SVG safe (bandit's B308/B703 justified there): the title, the
    one piece of text that is not segno's own, comes out escaped."""
    svg = badges.qr_of("X", title='<script>alert("x")</script>')

    assert "<script>" not in svg
    assert "<title>&lt;script&gt;" in svg


# --- Views ------------------------------------------------------------------------------------


def desk(world):
    return reverse("events:checkin_desk", args=[world.event.slug])


def test_desk_search_finds_by_organisation_live(client, world):
    client.force_login(world.users["organiser"])

    response = client.get(
        desk(world),
        {"q": world.buyer_org.name},
        headers={"HX-Request": "true", "HX-Target": "checkin-results"},
    )

    assert response.text.lstrip().startswith('<div id="checkin-results">')
    assert list(response.context["results"]) == [world.registration]


def test_desk_search_by_name_puts_validated_first(client, world):
    pending = RegistrationFactory(event=world.event, status=RegistrationStatus.PENDING)
    pending.user.last_name = world.users["buyer"].last_name = "Dupont"
    pending.user.save()
    world.users["buyer"].save()
    client.force_login(world.users["organiser"])

    response = client.get(desk(world), {"q": "dupont"})

    assert list(response.context["results"]) == [world.registration, pending]


@pytest.mark.parametrize("items", [1, 3])
def test_desk_search_queries_do_not_grow(client, world, django_assert_max_num_queries, items):
    for _ in range(items):
        services.check_in(
            registration=RegistrationFactory(event=world.event, organisation__name="Régie Nord"),
            by=world.users["organiser"],
        )
    client.force_login(world.users["organiser"])

    with django_assert_max_num_queries(9):
        response = client.get(desk(world), {"q": "régie"})

    assert len(response.context["results"]) == items


def test_desk_scan_checks_in_then_says_already(client, world):
    client.force_login(world.users["organiser"])
    url = reverse("events:checkin_scan", args=[world.event.slug])
    code = {"code": world.registration.checkin_code}

    first = client.post(url, code, headers={"HX-Request": "true"})
    second = client.post(url, code, headers={"HX-Request": "true"})

    registration = Registration.objects.get(pk=world.registration.pk)
    name = world.users["buyer"].get_full_name()
    organiser = world.users["organiser"].get_full_name()
    at = registration.checked_in_at.astimezone(world.event.tzinfo).strftime("%H:%M")
    assert (first.status_code, second.status_code) == (200, 200)
    assert f"{name} is checked in." in first.text
    assert first["HX-Trigger"] == "checkin-changed"
    assert f"{name} is already checked in, at {at} by {organiser}." in second.text
    # The world's four registrations: the buyer, world.ess_org's two people, another structure.
    assert queries.checkin_counts(world.event) == {"expected": 4, "checked_in": 1}


def test_desk_scan_of_another_event_is_refused_in_the_refusal_area(client, world):
    client.force_login(world.users["organiser"])
    elsewhere = RegistrationFactory(event=EventFactory(title="Osez Roubaix"))

    response = client.post(
        reverse("events:checkin_scan", args=[world.event.slug]),
        {"code": elsewhere.checkin_code},
        headers={"HX-Request": "true"},
    )

    assert (response.status_code, response["HX-Retarget"]) == (409, "#refusal")
    assert "This badge is for another event (Osez Roubaix)" in response.text
    assert Registration.objects.get(pk=elsewhere.pk).checked_in_at is None


def test_desk_check_in_not_validated_is_refused_without_htmx(client, world):
    Registration.objects.filter(pk=world.registration.pk).update(status=RegistrationStatus.PENDING)
    client.force_login(world.users["organiser"])

    response = client.post(
        reverse("events:checkin_registration", args=[world.event.slug, world.registration.pk]),
        {"q": "martin"},
        follow=True,
    )

    assert response.redirect_chain == [(desk(world) + "?q=martin", 302)]
    assert "is not validated" in response.text


def test_desk_undo(client, world):
    services.check_in(registration=world.registration, by=world.users["organiser"])
    client.force_login(world.users["organiser"])

    response = client.post(
        reverse("events:checkin_undo", args=[world.event.slug, world.registration.pk]),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "check-in is undone" in response.text
    assert Registration.objects.get(pk=world.registration.pk).checked_in_at is None


def test_badges_sheet_prints_four_per_sheet(client, world):
    for _ in range(3):
        RegistrationFactory(event=world.event)
    RegistrationFactory(event=world.event, status=RegistrationStatus.PENDING)
    client.force_login(world.users["organiser"])

    response = client.get(reverse("events:badges", args=[world.event.slug]))

    # The world's four validated registrations and three more; not the pending one.
    assert [len(sheet) for sheet in response.context["sheets"]] == [4, 3]
    assert response.text.count('class="qr"') == 7


def test_my_badge_shows_my_code(client, world):
    client.force_login(world.users["buyer"])

    response = client.get(reverse("events:my_badge", args=[world.event.slug]))

    code = world.registration.checkin_code
    assert response.context["sheets"][0][0]["code"] == " ".join(
        code[i : i + 4] for i in range(0, 32, 4)
    )
    assert response.text.count('class="qr"') == 1


def test_agenda_shows_my_check_in_code(client, world):
    from events.enums import Phase

    world.event.phase = Phase.LIVE
    world.event.save()
    client.force_login(world.users["buyer"])

    response = client.get(reverse("matching:agenda", args=[world.event.slug]))

    assert response.status_code == 200
    assert response.context["checkin_qr"] == badges.qr_svg(
        world.registration, title="My check-in code"
    )
    assert reverse("events:my_badge", args=[world.event.slug]) in response.text


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_check_in_at_another_desk_makes_this_desk_fetch_its_results_and_counts(
    event, organiser
):
    """events/consumers.py: the frame fetches the results with the desk's own search typed."""
    import html

    from asgiref.sync import sync_to_async
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.db import connections
    from django.test import Client

    from config.routing import websocket_urlpatterns
    from events import services
    from tests.factories import RegistrationFactory, UserFactory

    registration = await sync_to_async(RegistrationFactory)(
        event=event, user=await sync_to_async(UserFactory)(last_name="Dupont")
    )
    path = f"/ws{reverse('events:checkin_desk', args=[event.slug])}"
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = organiser
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        await communicator.receive_from(timeout=10)  # the frame of every (re)connect
        await sync_to_async(services.check_in)(registration=registration, by=organiser)
        frame = await communicator.receive_from(timeout=10)
    finally:
        await communicator.disconnect()

    assert 'hx-include="#checkin-q"' in frame and 'hx-target="#checkin-results"' in frame
    url = html.unescape(re.search(r'hx-get="([^"]+)"', frame).group(1))

    def fetch() -> str:
        client = Client()
        client.force_login(organiser)
        response = client.get(
            url, {"q": "Dupont"}, headers={"HX-Request": "true", "HX-Target": "checkin-results"}
        )
        connections.close_all()
        return response.content.decode()

    page = await sync_to_async(fetch)()
    assert page.strip().startswith('<div id="checkin-results">')
    assert 'id="checkin-counts"' in page and 'hx-swap-oob="innerHTML"' in page
    assert "1 checked in out of 1 validated person" in page  # the organiser's language
