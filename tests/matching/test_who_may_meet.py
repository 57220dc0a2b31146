"""Who may meet whom (matching.rules.request_refusal / meeting_refusal), through the pages: the
participants list and the request page say what the rule says before any form, a request between
two structures cannot be about a buyer's pitch, and the request form meets the pitch's author."""

import pytest
from django.urls import reverse

from matching.models import MatchingSettings, MeetingRequest
from matching.services import requests as services
from tests.factories import (
    BuyerOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("requests_phase")

ALREADY_OPEN = "Une demande de rendez-vous est déjà en cours entre vous."


def url(name, event, *args):
    return reverse(f"matching:{name}", args=[event.slug, *args])


def member(event, organisation, *, role="ess", last_name="Martin"):
    """Another validated participant of `organisation`."""
    user = UserFactory(last_name=last_name)
    MembershipFactory(organisation=organisation, user=user)
    return RegistrationFactory(event=event, user=user, organisation=organisation, role=role)


def structure(event, name="Recyclerie du Nord"):
    organisation = OrganisationFactory(name=name)
    return member(event, organisation)


# --- one request per pair of organisations, said before the form ------------------------------


def test_request_page_for_a_colleague_of_someone_asked_shows_the_open_request(
    client, event, buyer, buyer_reg, ess_reg, ess_org
):
    second = member(event, ess_org, last_name="Zola")
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(buyer)

    response = client.get(url("request_new", event, ess_org.pk), {"to": second.pk})

    content = response.content.decode()
    assert (response.status_code, ALREADY_OPEN in content) == (200, True)
    assert '<form method="post" class="form"' not in content


def test_post_for_a_colleague_of_someone_asked_saves_nothing(
    client, event, buyer, buyer_reg, ess_reg, ess_org
):
    second = member(event, ess_org, last_name="Zola")
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(buyer)

    response = client.post(url("request_new", event, ess_org.pk), {"recipient": second.pk})

    assert (response.status_code, MeetingRequest.objects.count()) == (400, 1)


def test_colleague_of_the_sender_sees_the_open_request_instead_of_the_form(
    client, event, buyer, buyer_reg, buyer_org, ess_reg, ess_org
):
    colleague = member(event, buyer_org, role="buyer", last_name="Zola")
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(colleague.user)

    page = client.get(url("request_new", event, ess_org.pk)).content.decode()
    listing = client.get(url("participants", event))

    assert ALREADY_OPEN in page
    assert buyer.get_full_name() in page  # the colleague whose request it is
    card = next(r for r in listing.context["page"] if r.pk == ess_reg.pk)
    assert (card.can_request, card.active_request.sender_id) == (False, buyer_reg.pk)
    assert ALREADY_OPEN in listing.content.decode()


def test_participants_list_says_open_request_for_every_member_of_the_organisation(
    client, event, buyer, buyer_reg, ess_reg, ess_org
):
    second = member(event, ess_org, last_name="Zola")
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(buyer)

    response = client.get(url("participants", event))

    cards = {r.pk: r for r in response.context["page"]}
    assert [cards[pk].can_request for pk in (ess_reg.pk, second.pk)] == [False, False]
    assert url("request_new", event, ess_org.pk) not in response.content.decode()
    assert response.content.decode().count(ALREADY_OPEN) == 2


def test_cap_reached_is_said_before_the_form(
    client, event, ess_member, ess_reg, buyer_org, buyer_reg
):
    MatchingSettings.objects.create(event=event, max_requests_per_participant=1)
    services.send_request(sender=ess_reg, recipient=structure(event), by=ess_member)
    client.force_login(ess_member)

    page = client.get(url("request_new", event, buyer_org.pk)).content.decode()
    listing = client.get(url("participants", event))

    assert "limite de 1" in page
    assert url("request_new", event, buyer_org.pk) not in listing.content.decode()


# --- between two structures -------------------------------------------------------------------


def test_request_between_structures_about_a_buyers_pitch_refused_through_the_page(
    client, event, ess_member, buyer_org
):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    partner = structure(event)
    client.force_login(ess_member)
    page = url("request_new", event, partner.organisation_id)

    shown = client.get(page, {"pitch": pitch.pk})
    posted = client.post(page, {"recipient": partner.pk, "pitch": pitch.pk})

    assert "ne peut pas porter sur le pitch d&#x27;un acheteur" in shown.content.decode()
    assert '<select name="pitch"' not in shown.content.decode()
    assert (posted.status_code, MeetingRequest.objects.count()) == (400, 0)
    assert "ne peut pas porter sur le pitch d&#x27;un acheteur" in posted.content.decode()


def test_request_between_structures_without_pitch_is_sent(client, event, ess_member):
    partner = structure(event)
    client.force_login(ess_member)

    response = client.post(
        url("request_new", event, partner.organisation_id), {"recipient": partner.pk}
    )

    assert response.status_code == 302
    assert MeetingRequest.objects.get().recipient == partner


# --- about a pitch: its author ----------------------------------------------------------------


def test_request_form_about_a_pitch_defaults_to_its_author(client, event, buyer_org, ess_member):
    first_by_name = member(event, buyer_org, role="buyer", last_name="Abel")
    author = member(event, buyer_org, role="buyer", last_name="Zola")
    pitch = PitchFactory(event=event, buyer=buyer_org, author=author.user)
    client.force_login(ess_member)

    response = client.get(url("request_new", event, buyer_org.pk), {"pitch": pitch.pk})

    assert response.context["recipient"] == author
    assert response.context["form"]["recipient"].value() == author.pk
    assert first_by_name.pk != author.pk


def test_pitch_page_request_button_leads_to_the_author(client, event, buyer_org, ess_member):
    member(event, buyer_org, role="buyer", last_name="Abel")
    author = member(event, buyer_org, role="buyer", last_name="Zola")
    pitch = PitchFactory(event=event, buyer=buyer_org, author=author.user)
    client.force_login(ess_member)

    detail = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()
    form = client.get(url("request_new", event, buyer_org.pk), {"pitch": pitch.pk})

    assert f"{url('request_new', event, buyer_org.pk)}?pitch={pitch.pk}" in detail
    assert form.context["recipient"] == author


def test_pitch_page_hides_request_button_once_a_request_is_open(
    client, event, buyer_org, buyer_reg, ess_member, ess_reg
):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member)
    client.force_login(ess_member)

    detail = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()

    assert f"?pitch={pitch.pk}" not in detail


# --- the rule as a permission (templates, consumers) -----------------------------------------


def test_request_meeting_permission_follows_the_rule(event, buyer, buyer_reg, ess_member, ess_reg):
    other_buyer = member(event, BuyerOrganisationFactory(), role="buyer")

    assert (
        buyer.has_perm("matching.request_meeting", ess_reg),
        buyer.has_perm("matching.request_meeting", other_buyer),
        ess_member.has_perm("matching.request_meeting", buyer_reg),
    ) == (True, False, True)

    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    ess_member.__dict__.pop("_meeting_registrations", None)
    assert ess_member.has_perm("matching.request_meeting", buyer_reg) is False
