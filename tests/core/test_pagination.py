"""Long lists cut into pages (core/pagination.py, templates/_pagination.html): "My meetings"
(each of its lists), a pitch's interested structures, the questions awaiting the buyer's answer.
Page 2 shows the next items; a page past the end shows the last one and a page that is not a
number the first: never a 404 or a 500."""

import re

import pytest
from django.urls import reverse

from core import pagination
from matching import queries
from matching.services import requests as request_services
from pitches import views as pitch_views
from tests.factories import (
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    QuestionFactory,
    RegistrationFactory,
)


@pytest.fixture(autouse=True)
def two_per_page(monkeypatch):
    monkeypatch.setattr(pagination, "PER_PAGE", 2)
    monkeypatch.setattr(queries, "MY_REQUESTS_PER_PAGE", 2)
    monkeypatch.setattr(pitch_views, "INTERESTS_PER_PAGE", 2)


def structure(event):
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    return RegistrationFactory(event=event, user=user, organisation=organisation, role="ess")


def shown(pattern: str, content: str) -> list[int]:
    return [int(pk) for pk in re.findall(pattern, content)]


@pytest.fixture
def five_received(event, buyer):
    buyer_reg = buyer.registrations.get(event=event)
    event.phase = "requests"
    event.save(update_fields=["phase"])
    senders = [structure(event) for _ in range(5)]
    return [  # newest first, as the list shows them
        request_services.send_request(sender=s, recipient=buyer_reg, by=s.user) for s in senders
    ][::-1]


def my_meetings(client, event, query=""):
    response = client.get(reverse("matching:requests", args=[event.slug]) + query)
    assert response.status_code == 200
    page = response.context["pages"]["received"]
    return page, [row.pk for row in page.object_list], response.content.decode()


def test_my_meetings_first_page_links_to_the_next(client, event, buyer, five_received):
    client.force_login(buyer)

    page, pks, content = my_meetings(client, event)

    assert (pks, page.paginator.count) == ([r.pk for r in five_received[:2]], 5)
    assert 'aria-label="Pages : Demandes à traiter"' in content
    assert 'rel="next" href="?received=2"' in content
    assert "Page 1 sur 3" in content


def test_my_meetings_page_two_shows_the_next_requests(client, event, buyer, five_received):
    client.force_login(buyer)

    _page, pks, content = my_meetings(client, event, "?received=2")

    assert pks == [r.pk for r in five_received[2:4]]
    assert 'rel="prev" href="?received=1"' in content
    # The socket re-renders the same page: its URL carries the query string.
    assert f'ws-connect="/ws/e/{event.slug}/my-meetings/?received=2"' in content


@pytest.mark.parametrize(("query", "expected"), [("?received=99", [4]), ("?received=x", [0, 1])])
def test_my_meetings_page_out_of_range_is_the_last_or_first(
    client, event, buyer, five_received, query, expected
):
    client.force_login(buyer)

    _page, pks, _content = my_meetings(client, event, query)

    assert pks == [five_received[i].pk for i in expected]


def test_my_meetings_live_render_keeps_the_page_of_its_socket(event, buyer, five_received):
    from django.http import QueryDict

    from matching.rules import meeting_registration

    mine = meeting_registration(buyer, event)
    context = queries.my_requests_context(buyer, event, mine, params=QueryDict("received=3"))

    assert [r.pk for r in context["pages"]["received"]] == [five_received[4].pk]


@pytest.fixture
def interested_pitch(event, buyer_org):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    interests = [InterestFactory(pitch=pitch) for _ in range(5)]
    return pitch, interests


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", [0, 1]), ("?page=2", [2, 3]), ("?page=999", [4]), ("?page=-", [0, 1])],
)
def test_interests_are_paginated(client, buyer, interested_pitch, query, expected):
    pitch, interests = interested_pitch
    client.force_login(buyer)

    response = client.get(reverse("pitches:interests", args=[pitch.pk]) + query)

    assert response.status_code == 200
    pks = shown(r'id="interest-(\d+)"', response.content.decode())
    assert pks == [interests[i].pk for i in expected]
    assert response.context["page"].paginator.count == 5


@pytest.mark.parametrize(
    ("query", "expected"), [("", [0, 1]), ("?questions=2", [2, 3]), ("?questions=7", [4])]
)
def test_questions_awaiting_the_buyer_are_paginated(
    client, buyer, event, buyer_org, query, expected
):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    questions = [QuestionFactory(pitch=pitch, text=f"Question {i}") for i in range(5)]
    client.force_login(buyer)

    response = client.get(reverse("pitches:detail", args=[pitch.pk]) + query)

    assert response.status_code == 200
    page = response.context["buyer_questions"]
    assert [q.pk for q in page.object_list] == [questions[i].pk for i in expected]
    assert "5 questions en attente de réponse" in response.content.decode()


def test_every_list_is_cut_by_core_pagination():
    """One home for pages of a list: no `Paginator(` in the apps but in core/pagination.py."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = (
        "accounts",
        "core",
        "demo",
        "events",
        "matching",
        "notifications",
        "pitches",
        "workshops",
    )
    elsewhere = [
        f"{path.relative_to(root)}:{node.lineno}"
        for app in apps
        for path in (root / app).rglob("*.py")
        if path != root / "core" / "pagination.py" and "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Paginator"
    ]
    assert elsewhere == []
