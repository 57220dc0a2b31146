"""The idea boards on the organisers' live dashboard: each workshop's activity in figures
(workshops.queries.board_activity), shown on the panel and followed live."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from config.routing import websocket_urlpatterns
from tests.queries import assert_queries_constant, growing
from workshops import queries, services
from workshops.enums import IdeaStatus


def activity(world):
    (row,) = queries.board_activity(world.event)
    return row


@pytest.mark.django_db
def test_a_board_without_activity_counts_nothing(board_world):
    row = activity(board_world)

    assert (row.ideas, row.comments, row.votes, row.voters, row.retained) == (0, 0, 0, 0, 0)
    assert (row.last_at, row.voting_closed, row.closed) == (None, False, False)


@pytest.mark.django_db
def test_ideas_comments_votes_and_leads_are_counted(board_world):
    w = board_world
    bikes = services.post_idea(workshop=w.workshop, by=w.alice, title="Vélos cargos")
    meals = services.post_idea(workshop=w.workshop, by=w.bob, title="Repas", anonymous=True)
    twin = services.post_idea(workshop=w.workshop, by=w.bob, title="Vélos")
    hidden = services.post_idea(workshop=w.workshop, by=w.bob, title="Hors sujet")
    services.comment_idea(idea=bikes, by=w.bob, text="Oui !")
    services.vote(idea=bikes, by=w.bob)
    services.vote(idea=bikes, by=w.bob)
    services.vote(idea=meals, by=w.alice)
    services.merge_ideas(idea=twin, into=bikes, by=w.facilitator)
    services.moderate_idea(idea=hidden, by=w.facilitator, hidden=True)
    services.moderate_idea(idea=bikes, by=w.facilitator, status=IdeaStatus.RETAINED)

    row = activity(w)

    assert (row.ideas, row.comments, row.votes, row.voters, row.retained) == (2, 1, 3, 2, 1)
    assert row.last_at is not None

    services.close_board(workshop=w.workshop, by=w.facilitator)
    assert (activity(w).voting_closed, activity(w).closed) == (True, True)


@pytest.mark.django_db
def test_the_panel_shows_the_boards(client, board_world):
    w = board_world
    services.post_idea(workshop=w.workshop, by=w.alice, title="Vélos cargos")
    client.force_login(w.organiser)

    panel = client.get(reverse("matching:live_panel", args=[w.event.slug])).content.decode()

    assert "Idea boards" in panel  # the organiser's language
    assert reverse("workshops:board", args=[w.event.slug, w.workshop.pk]) in panel


@pytest.mark.django_db
def test_board_activity_costs_the_same_queries_for_one_or_three_workshops(board_world):
    from tests.workshops.conftest import make_workshop

    def add(n):
        workshop = make_workshop(board_world.event, f"Atelier {n}")
        services.post_idea(workshop=workshop, by=board_world.organiser, title=f"Idée {n}")

    assert_queries_constant(
        items=growing(add), run=lambda _: queries.board_activity(board_world.event)
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_idea_makes_the_dashboard_fetch_its_panel(board_world):
    w = board_world
    path = f"/ws{reverse('matching:live', args=[w.event.slug])}"
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = w.organiser
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        await communicator.receive_from(timeout=10)  # the frame of every (re)connect
        await sync_to_async(services.post_idea)(workshop=w.workshop, by=w.alice, title="Vélos")
        hint = await communicator.receive_from(timeout=10)
    finally:
        await communicator.disconnect()

    assert reverse("matching:live_panel", args=[w.event.slug]) in hint
    assert "delay:" in hint  # a room voting at once costs one fetch
