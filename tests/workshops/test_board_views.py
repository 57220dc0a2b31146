"""Idea board pages: htmx answers, refusals, the facilitator's controls, exports (CSV read back,
Markdown), the public leads, and the query count of the board."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import CommentFactory, IdeaFactory, VoteFactory
from workshops import services
from workshops.enums import IdeaStatus
from workshops.models import Idea, Vote

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(world, name, **kwargs):
    return reverse(
        f"workshops:{name}", kwargs={"slug": world.event.slug, "pk": world.workshop.pk, **kwargs}
    )


def test_board_page_shows_votes_left_and_posting_form(client, board_world):
    client.force_login(board_world.bob)

    response = client.get(url(board_world, "board"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You have 3 votes left out of 3." in page
    assert 'id="idea-compose"' in page
    assert 'ws-connect="/ws/e/' in page
    assert "Facilitation" not in page


def test_board_page_for_facilitator_shows_moderation(client, board_world):
    services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Goûters")
    client.force_login(board_world.facilitator)

    page = client.get(url(board_world, "board")).content.decode()

    assert "Facilitation" in page
    assert "Close the board" in page
    assert "Moderate" in page


def test_board_page_refused_without_seat(client, board_world):
    client.force_login(board_world.outsider)

    assert client.get(url(board_world, "board")).status_code == 403


def test_post_idea_htmx_returns_fresh_form_and_board_out_of_band(client, board_world):
    client.force_login(board_world.alice)

    response = client.post(
        url(board_world, "idea_new"), {"title": "Vélos cargos", "anonymous": "on"}, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="idea-board" class="stack idea-board" hx-swap-oob="true"' in page
    assert "Vélos cargos" in page
    assert "Your idea is on the board." in page
    assert Idea.objects.get().anonymous is True


def test_post_idea_too_long_keeps_text_and_says_why(client, board_world):
    client.force_login(board_world.alice)

    response = client.post(url(board_world, "idea_new"), {"title": "x" * 121}, **HTMX)

    assert response.status_code == 422
    assert "At most 120 characters (you wrote 121)." in response.content.decode()
    assert Idea.objects.count() == 0


def test_vote_htmx_rerenders_board_with_votes_left(client, board_world):
    idea = services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Idée")
    client.force_login(board_world.bob)

    response = client.post(url(board_world, "idea_vote", idea=idea.pk), {"action": "add"}, **HTMX)

    assert response.status_code == 200
    assert "You have 2 votes left out of 3." in response.content.decode()
    assert Vote.objects.filter(voter=board_world.bob).count() == 1


def test_vote_for_own_idea_htmx_refused_with_message(client, board_world):
    idea = services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Idée")
    client.force_login(board_world.alice)

    response = client.post(url(board_world, "idea_vote", idea=idea.pk), {"action": "add"}, **HTMX)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#refusal"
    assert "You cannot vote for your own idea on this board." in response.content.decode()


def test_merge_through_view_moves_votes(client, board_world):
    kept = services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="A")
    duplicate = services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="B")
    services.vote(idea=duplicate, by=board_world.bob)
    client.force_login(board_world.facilitator)

    response = client.post(
        url(board_world, "idea_merge", idea=duplicate.pk), {"into": kept.pk}, **HTMX
    )

    assert response.status_code == 200
    assert Vote.objects.get().idea == kept
    assert "1 merged idea" in response.content.decode()


def test_settings_form_refuses_budget_out_of_bounds(client, board_world):
    client.force_login(board_world.facilitator)

    response = client.post(url(board_world, "board_settings"), {"vote_budget": 50}, **HTMX)

    assert response.status_code == 409
    assert "At most 20 votes per person." in response.content.decode()


def test_closed_board_page_is_read_only(client, board_world):
    services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Idée")
    services.close_board(workshop=board_world.workshop, by=board_world.facilitator)
    client.force_login(board_world.bob)

    page = client.get(url(board_world, "board")).content.decode()

    assert "The board is closed: it can be read, not changed." in page
    assert "+1 vote" not in page
    assert 'id="idea-compose" class="card" aria-labelledby="compose-title" hidden' in page


def test_csv_export_reads_back_and_neutralises_formulas(client, board_world):
    idea = services.post_idea(
        workshop=board_world.workshop, by=board_world.alice, title="=HYPERLINK(1)", text="Texte"
    )
    services.vote(idea=idea, by=board_world.bob)
    services.moderate_idea(idea=idea, by=board_world.facilitator, status=IdeaStatus.RETAINED)
    client.force_login(board_world.facilitator)

    response = client.get(url(board_world, "board_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Heading", "Title", "Text", "Lead", "Votes", "Comments", "Hidden"],
        ["", "'=HYPERLINK(1)", "Texte", "Retained", "1", "0", "no"],
    ]


def test_markdown_export_lists_retained_leads_only(client, board_world):
    kept = services.post_idea(
        workshop=board_world.workshop, by=board_world.alice, title="Goûters", text="Bio, locaux"
    )
    services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Pas retenue")
    services.moderate_idea(idea=kept, by=board_world.facilitator, status=IdeaStatus.RETAINED)
    client.force_login(board_world.organiser)

    response = client.get(url(board_world, "board_markdown"))

    text = response.content.decode()
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert text.startswith("# Atelier Alimentation\n")
    assert "### 1. Goûters\n" in text
    assert "Bio, locaux" in text
    assert "Pas retenue" not in text


def test_public_leads_show_retained_ideas_of_closed_boards(client, board_world):
    idea = services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Goûters")
    services.moderate_idea(idea=idea, by=board_world.facilitator, status=IdeaStatus.RETAINED)
    leads_url = reverse("workshops:leads", kwargs={"slug": board_world.event.slug})
    before = client.get(leads_url, **HTMX).content.decode()

    services.close_board(workshop=board_world.workshop, by=board_world.facilitator)
    after = client.get(leads_url, **HTMX).content.decode()

    assert before.strip() == ""
    assert "Goûters" in after
    assert "Atelier Alimentation" in after


def test_event_page_fetches_leads_section(client, board_world):
    page = client.get(reverse("events:detail", kwargs={"slug": board_world.event.slug}))

    leads_url = reverse("workshops:leads", kwargs={"slug": board_world.event.slug})
    assert f'hx-get="{leads_url}"' in page.content.decode()


def test_board_queries_do_not_grow_with_ideas(assert_queries_constant, client, board_world):
    services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Première")
    board = board_world.workshop.board
    client.force_login(board_world.facilitator)

    def add(n):
        idea = IdeaFactory(board=board, author=board_world.bob, anonymous=bool(n % 2))
        CommentFactory(idea=idea, author=board_world.alice)
        VoteFactory(idea=idea, voter=board_world.alice)

    from tests.queries import growing

    assert_queries_constant(
        items=growing(add), run=lambda _: client.get(url(board_world, "board"), **HTMX)
    )
