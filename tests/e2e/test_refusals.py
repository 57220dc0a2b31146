"""Refusals people can see: an action refused on a stale page (changed elsewhere meanwhile) shows
its message in the person's language, in the page's alert area (htmx) or as the page's message
(without htmx); destructive one-click actions ask first. One test per app with such actions.

The stale state is written straight to the database (no live message), as another tab or another
person would have left it before this page was reloaded."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events.enums import RegistrationRole, RegistrationStatus
from pitches.enums import InterestStatus
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def accept_dialogs(page) -> list[str]:
    """Accept every confirmation the page asks; returns their texts, in order."""
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return asked


def forget_refusal_statuses(console_errors: list[str]) -> None:
    """Chromium logs every 4xx answer as a console error; the refusals are expected ones."""
    refusal = re.compile(r"the server responded with a status of 4\d\d")
    console_errors[:] = [error for error in console_errors if not refusal.search(error)]


def wait_for_live_render(page) -> None:
    """ "My meetings" re-renders its lists from the database when its websocket connects; the
    stale state must be written after that, as it would be by another tab later on."""
    for _attempt in range(100):  # wait_for_function evaluates strings, which the CSP forbids
        if page.evaluate("() => window.osezWsMessages") > 0:
            return
        page.wait_for_timeout(50)
    raise AssertionError("My meetings never received its live render")


def count_live_renders(page) -> None:
    page.add_init_script(
        "window.osezWsMessages = 0;"
        # The page's own socket, not the header's notification count.
        "document.addEventListener('htmx:wsAfterMessage', (e) => {"
        " if (!e.target.closest('[ws-connect=\"/ws/notifications/\"]')) window.osezWsMessages += 1;"
        " });"
    )


def assert_alert(page, message: str) -> None:
    alert = page.locator("#refusal[role=alert]")
    alert.get_by_text(message).wait_for()
    assert alert.inner_text().strip() == message


def test_matching_cancel_on_stale_page_shows_the_refusal(page, console_errors):
    from matching.models import MeetingRequest

    event = EventFactory(slug="osez-refus", phase="requests")
    roubaix = BuyerOrganisationFactory(name="Ville de Roubaix")
    buyer = MembershipFactory(organisation=roubaix, role="admin").user
    sender = RegistrationFactory(
        event=event, user=buyer, organisation=roubaix, role=RegistrationRole.BUYER
    )
    cuisine = OrganisationFactory(name="Cuisine Solidaire")
    structure = MembershipFactory(organisation=cuisine).user
    recipient = RegistrationFactory(event=event, user=structure, organisation=cuisine)
    request = MeetingRequest.objects.create(event=event, sender=sender, recipient=recipient)
    login(page, buyer)
    count_live_renders(page)
    page.goto(reverse("matching:requests", args=[event.slug]))
    wait_for_live_render(page)
    MeetingRequest.objects.filter(pk=request.pk).update(status="cancelled")  # another tab
    asked = accept_dialogs(page)

    page.get_by_role("button", name="Retirer la demande").click()

    assert_alert(page, french("This request can no longer be changed this way."))
    assert asked == [french("Withdraw this meeting request?")]
    # The stale list is re-rendered from the database: the button is gone.
    page.get_by_role("button", name="Retirer la demande").wait_for(state="detached")
    forget_refusal_statuses(console_errors)
    screenshot(page, "refusal-matching")


def test_matching_cancel_asks_first_and_does_nothing_when_declined(page):
    from matching.models import MeetingRequest

    event = EventFactory(slug="osez-confirm", phase="requests")
    roubaix = BuyerOrganisationFactory(name="Ville de Roubaix")
    buyer = MembershipFactory(organisation=roubaix, role="admin").user
    sender = RegistrationFactory(
        event=event, user=buyer, organisation=roubaix, role=RegistrationRole.BUYER
    )
    recipient = RegistrationFactory(event=event)
    request = MeetingRequest.objects.create(event=event, sender=sender, recipient=recipient)
    login(page, buyer)
    page.goto(reverse("matching:requests", args=[event.slug]))
    page.on("dialog", lambda dialog: dialog.dismiss())

    page.get_by_role("button", name="Retirer la demande").click()
    page.wait_for_timeout(500)

    assert MeetingRequest.objects.get(pk=request.pk).status == "pending"


def test_events_validate_on_stale_console_shows_the_refusal(page, console_errors):
    from events.models import Registration

    event = EventFactory(slug="osez-console")
    organiser = UserFactory()
    event.organisers.add(organiser)
    person = UserFactory(first_name="Awa", last_name="Diallo")
    registration = RegistrationFactory(event=event, user=person, status=RegistrationStatus.PENDING)
    login(page, organiser)
    page.goto(reverse("events:registrations", args=[event.slug]))
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED)

    page.locator(f"#registration-{registration.pk}").get_by_role("button", name="Valider").click()

    assert_alert(page, french("A cancelled registration cannot be validated."))
    row = page.locator(f"#registration-{registration.pk}")
    row.get_by_text(french("Cancelled")).wait_for()
    assert row.get_by_role("button").count() == 0
    forget_refusal_statuses(console_errors)
    screenshot(page, "refusal-events")


def test_workshops_leave_on_stale_board_shows_the_refusal(page, console_errors):
    from tests.workshops.conftest import make_workshop
    from workshops.models import Seat, WorkshopPlan
    from workshops.services import take_seat

    event = EventFactory(slug="osez-ateliers", phase="requests")
    workshop = make_workshop(event, title="Alimentation durable")
    WorkshopPlan.objects.create(
        event=event,
        kind="seats",
        problem={},
        plan={},
        refs={},
        applied_at=dt.datetime(2019, 11, 1, tzinfo=dt.UTC),
    )
    registration = RegistrationFactory(event=event)
    take_seat(registration=registration, workshop=workshop, by=registration.user)
    login(page, registration.user)
    page.goto(reverse("workshops:list", args=[event.slug]))
    Seat.objects.filter(registration=registration).delete()  # given up in another tab
    asked = accept_dialogs(page)

    page.get_by_role("button", name="Libérer ma place").click()

    assert_alert(page, french("You have neither a seat nor a place on the waiting list here."))
    assert len(asked) == 1
    page.get_by_role("button", name="Prendre une place").wait_for()
    forget_refusal_statuses(console_errors)
    screenshot(page, "refusal-workshops")


def test_pitches_withdraw_interest_on_stale_page_shows_the_refusal(page):
    from pitches.models import Interest

    event = EventFactory(slug="osez-pitchs", phase="requests")
    pitch = PitchFactory(event=event, title="Goûters bio")
    cuisine = OrganisationFactory(name="Cuisine Solidaire")
    structure = MembershipFactory(organisation=cuisine).user
    RegistrationFactory(event=event, user=structure, organisation=cuisine)
    interest = InterestFactory(pitch=pitch, organisation=cuisine)
    login(page, structure)
    page.goto(reverse("pitches:detail", args=[pitch.pk]))
    Interest.objects.filter(pk=interest.pk).update(status=InterestStatus.WITHDRAWN)
    asked = accept_dialogs(page)

    page.get_by_role("button", name=french("Withdraw my interest")).click()

    expected = french(
        "This interest can no longer be withdrawn: it is already withdrawn or declined, "
        "or the pitch no longer takes exchanges."
    )
    page.locator(".messages").get_by_text(expected).wait_for()
    assert asked == [french("Withdraw your interest in this pitch?")]
    screenshot(page, "refusal-pitches")


def test_accounts_remove_member_on_stale_page_shows_the_refusal(page):
    from accounts.models import Membership

    cuisine = OrganisationFactory(name="Cuisine Solidaire", slug="cuisine-solidaire")
    admin = MembershipFactory(organisation=cuisine, role="admin").user
    colleague = MembershipFactory(
        organisation=cuisine, user=UserFactory(first_name="Awa", last_name="Diallo")
    )
    login(page, admin)
    page.goto(reverse("accounts:organisation_members", args=[cuisine.slug]))
    Membership.objects.filter(pk=colleague.pk).delete()  # removed by another admin meanwhile
    asked = accept_dialogs(page)

    remove = reverse("accounts:member_remove", args=[cuisine.slug, colleague.pk])
    page.locator(f"form[action='{remove}'] button").click()

    expected = french("This person is no longer a member of the organisation.")
    page.locator(".messages").get_by_text(expected).wait_for()
    assert len(asked) == 1
    screenshot(page, "refusal-accounts")
