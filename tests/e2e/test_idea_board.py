"""A workshop's idea board on the day, in two browsers: a participant posts and votes from a phone,
the facilitator's open board shows it without reload (hint over the websocket, then the board
fetched over HTTP: workshops/consumers.py), marks it retained and closes the board; the event's
public page shows the lead. Screenshots at 390 px and on a desktop."""

import pytest
from django.urls import reverse

from accounts.models import Theme
from events.enums import Phase, SessionKind
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    PARIS,
    EventFactory,
    RegistrationFactory,
    SeatFactory,
    SessionFactory,
    UserFactory,
)
from workshops.services import post_idea, save_workshop

pytestmark = pytest.mark.e2e

LIVE = 3000  # ms: a hint, a 250 ms fold, a fetch; room for a loaded CI machine


@pytest.fixture
def day():
    import datetime as dt

    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase=Phase.LIVE)
    session = SessionFactory(
        event=event,
        kind=SessionKind.WORKSHOP,
        title="Alimentation durable",
        starts_at=dt.datetime(2019, 11, 26, 15, 15, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 16, 45, tzinfo=PARIS),
    )
    workshop = save_workshop(session=session, theme=Theme.objects.get(code="food"), capacity=30)
    facilitator = UserFactory(first_name="Fanny", last_name="Animatrice")
    workshop.facilitators.add(facilitator)
    people = []
    for first in ("Alice", "Bruno"):
        registration = RegistrationFactory(
            event=event, user=UserFactory(first_name=first, last_name="Martin")
        )
        SeatFactory(workshop=workshop, registration=registration)
        people.append(registration.user)
    post_idea(
        workshop=workshop,
        by=people[1],
        title="Des goûters bio et locaux",
        text="Avec les légumeries d'insertion de la métropole.",
    )
    post_idea(workshop=workshop, by=people[1], title="Une charte anti-gaspillage", anonymous=True)
    return event, workshop, facilitator, people


def test_idea_board_live_between_phone_and_facilitator(new_page, day):
    event, workshop, facilitator, (alice, _bruno) = day
    board_url = reverse("workshops:board", args=[event.slug, workshop.pk])

    facilitator_page = new_page()
    login(facilitator_page, facilitator)
    facilitator_page.goto(board_url)
    facilitator_page.get_by_role("heading", name="Des goûters bio et locaux").wait_for()

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, alice)
    phone.goto(board_url)
    phone.get_by_label("Votre idée en quelques mots").fill("Vélos cargos pour les livraisons")
    phone.get_by_role("button", name="Publier mon idée").click()
    phone.get_by_text("Votre idée est sur le mur.").wait_for()
    facilitator_page.get_by_role("heading", name="Vélos cargos pour les livraisons").wait_for(
        timeout=LIVE
    )

    phone.locator("#idea-board").get_by_role(
        "button", name="+1 vote — Des goûters bio et locaux"
    ).click()
    phone.get_by_text("Il vous reste 2 votes sur 3.").wait_for()
    screenshot(phone, "idea-board-phone")
    facilitator_page.locator(".idea-card").filter(
        has=facilitator_page.get_by_role("heading", name="Des goûters bio et locaux")
    ).get_by_text("1 vote", exact=True).wait_for(timeout=LIVE)
    assert facilitator_page.get_by_text("Bruno Martin (anonyme pour les participants)").count() == 1
    assert phone.get_by_text("Anonyme", exact=True).count() == 1

    card = facilitator_page.locator(".idea-card").filter(
        has=facilitator_page.get_by_role("heading", name="Des goûters bio et locaux")
    )
    card.locator("summary").filter(has_text="Modérer").click()
    card.get_by_label("Piste").select_option("retained")
    card.get_by_role("button", name="Marquer").click()
    facilitator_page.locator(".idea-card .badge-ok").get_by_text("Retenue").wait_for()
    screenshot(facilitator_page, "idea-board-facilitator")

    facilitator_page.once("dialog", lambda dialog: dialog.accept())
    facilitator_page.get_by_role("button", name="Clore le mur").click()
    facilitator_page.get_by_text("Le mur est clos : on peut le lire, plus le modifier.").wait_for()
    phone.get_by_text("Le mur est clos : on peut le lire, plus le modifier.").wait_for(timeout=LIVE)
    screenshot(phone, "idea-board-closed-phone")

    public = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    public.goto(reverse("events:detail", args=[event.slug]))
    public.locator("#workshop-leads").get_by_text("Des goûters bio et locaux").first.wait_for()
    public.locator("#workshop-leads").scroll_into_view_if_needed()
    screenshot(public, "event-leads-phone")
