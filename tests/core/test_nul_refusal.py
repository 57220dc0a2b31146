"""A NUL character in an address or a query string is refused (400) before any view
(core.middleware.NulRefusalMiddleware), and a websocket address with one is closed: PostgreSQL
cannot hold nor compare text with NUL, so a token lookup, the check-in desk's search or a query
read by a view was a 500 (found by the fuzz tests). Form fields refuse it themselves."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.utils import DataError
from django.urls import reverse

from matching.services.screens import create_screen
from tests.sockets import connected

HTMX = {"HX-Request": "true", "Accept-Language": "en"}
WITHOUT_THE_GUARD = "core.middleware.NulRefusalMiddleware"


@pytest.mark.parametrize(
    "path",
    ["/screen/%00/", "/screen/a%00b/board/", "/invitations/%00/", "/%00/", "/e/x/?q=%00"],
)
def test_a_nul_in_the_address_is_a_bad_request(client, db, path):
    response = client.get(path)

    assert response.status_code == 400


def test_a_nul_in_the_desk_search_is_a_bad_request_in_the_message_area(client, world):
    client.force_login(world.users["organiser"])
    url = reverse("events:checkin_desk", args=[world.event.slug])

    response = client.get(url, {"q": "Mar\x00tin"}, headers=HTMX)

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#refusal"
    assert "The request could not be understood." in response.text


def test_a_nul_in_a_query_key_is_a_bad_request(client, db):
    assert client.get(reverse("accounts:directory"), {"q\x00": "x"}).status_code == 400


def test_a_posted_form_field_with_a_nul_is_the_forms_own_error(client, world):
    client.force_login(world.users["organiser"])

    response = client.post(
        reverse("events:rooms", args=[world.event.slug]), {"name": "Salle\x00", "capacity": "10"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Le caractère nul n’est pas autorisé."]


def test_control_without_the_guard_the_desk_search_is_a_database_error(client, world, settings):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != WITHOUT_THE_GUARD]
    client.force_login(world.users["organiser"])

    with pytest.raises(DataError):
        client.get(reverse("events:checkin_desk", args=[world.event.slug]), {"q": "a\x00b"})


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_screen_socket_with_a_nul_in_its_token_is_closed():
    from asgiref.sync import sync_to_async

    from tests.factories import EventFactory, UserFactory

    @sync_to_async
    def a_screen():
        event = EventFactory()
        organiser = UserFactory()
        event.organisers.add(organiser)
        return create_screen(event=event, name="Hall", by=organiser)

    screen = await a_screen()
    async with connected(f"/ws/screen/{screen.token}/", AnonymousUser()) as (_, accepted):
        assert accepted
    async with connected(f"/ws/screen/{screen.token}\x00/", AnonymousUser()) as (_, accepted):
        assert not accepted
