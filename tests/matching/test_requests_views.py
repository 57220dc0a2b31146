"""Views of meeting requests: participants, "My meetings", sending, answering, cancelling,
booking a slot, the organisers' settings — full pages and htmx."""

import datetime as dt

import pytest
from django.urls import reverse

from matching.enums import RequestStatus
from matching.models import MatchingSettings, Meeting, MeetingRequest
from matching.services import requests as services
from tests.factories import (
    BuyerOrganisationFactory,
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
)
from tests.queries import growing

pytestmark = pytest.mark.usefixtures("requests_phase")

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, event, *args):
    return reverse(f"matching:{name}", args=[event.slug, *args])


def participant(event, *, buyer=False, name=None):
    """A validated participant, member of their organisation, as a Registration."""
    organisation = (BuyerOrganisationFactory if buyer else OrganisationFactory)(
        **({"name": name} if name else {})
    )
    membership = MembershipFactory(organisation=organisation)
    return RegistrationFactory(
        event=event,
        user=membership.user,
        organisation=organisation,
        role="buyer" if buyer else "ess",
    )


# --- participants page ------------------------------------------------------------------------


def test_participants_lists_others_with_request_button(client, event, buyer, ess_reg):
    client.force_login(buyer)

    response = client.get(url("participants", event))

    assert response.status_code == 200
    content = response.content.decode()
    assert url("request_new", event, ess_reg.organisation_id) in content
    assert ess_reg.user.email not in content  # organisations and names, never emails


def test_participants_filter_by_role_htmx_returns_results_only(client, event, buyer, ess_reg):
    other_buyer = participant(event, buyer=True, name="Hôpital de Roubaix")
    client.force_login(ess_reg.user)

    response = client.get(url("participants", event), {"role": "buyer"}, **HTMX)

    content = response.content.decode()
    assert (response.status_code, "<html" in content) == (200, False)
    assert other_buyer.organisation.name in content
    assert ess_reg.organisation.name not in content


def test_participants_filter_by_theme(client, event, buyer, ess_reg):
    food = participant(event, name="Cuisine solidaire")
    food.organisation.themes.add("food")
    client.force_login(buyer)

    response = client.get(url("participants", event), {"theme": "food"})

    assert [r.pk for r in response.context["page"]] == [food.pk]


def test_participants_buyer_sees_no_button_for_other_buyer(client, event, buyer):
    other_buyer = participant(event, buyer=True)
    client.force_login(buyer)

    response = client.get(url("participants", event))

    assert url("request_new", event, other_buyer.organisation_id) not in response.content.decode()


def test_participants_existing_request_shown_instead_of_button(
    client, event, buyer, buyer_reg, ess_reg
):
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(buyer)

    response = client.get(url("participants", event))

    content = response.content.decode()
    assert "Demande envoyée" in content
    assert url("request_new", event, ess_reg.organisation_id) not in content


def test_participants_query_count_does_not_grow(client, event, buyer, assert_queries_constant):
    client.force_login(buyer)

    assert_queries_constant(
        items=growing(lambda n: participant(event).organisation.themes.add("food", "waste")),
        run=lambda _: client.get(url("participants", event)),
    )


# --- sending ----------------------------------------------------------------------------------


def test_request_new_sends_and_redirects(client, event, ess_member, buyer_reg, buyer_org):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    client.force_login(ess_member)
    page = url("request_new", event, buyer_org.pk)

    assert client.get(page, {"pitch": pitch.pk}).status_code == 200
    response = client.post(
        page, {"recipient": buyer_reg.pk, "pitch": pitch.pk, "message": "Nos repas bio"}
    )

    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.sender.user, request.recipient, request.pitch, request.message) == (
        ess_member,
        buyer_reg,
        pitch,
        "Nos repas bio",
    )


def test_request_new_between_buyers_shows_why_and_saves_nothing(client, event, buyer):
    other_buyer = participant(event, buyer=True)
    client.force_login(buyer)
    page = url("request_new", event, other_buyer.organisation_id)

    shown = client.get(page)
    posted = client.post(page, {"recipient": other_buyer.pk})

    assert (shown.status_code, posted.status_code) == (200, 400)
    assert "entre un acheteur et une structure" in shown.content.decode()
    assert MeetingRequest.objects.count() == 0


def test_request_new_over_cap_refused(client, event, ess_member, buyer_reg, buyer_org):
    MatchingSettings.objects.create(event=event, max_requests_per_participant=1)
    services.send_request(
        sender=ess_member.registrations.get(event=event),
        recipient=participant(event),
        by=ess_member,
    )
    client.force_login(ess_member)

    response = client.post(url("request_new", event, buyer_org.pk), {"recipient": buyer_reg.pk})

    assert response.status_code == 400
    assert "limite de 1" in response.content.decode()
    assert MeetingRequest.objects.count() == 1


def test_request_new_outside_phase_refused(client, event, ess_member, buyer_reg, buyer_org):
    event.phase = "scheduling"
    event.save()
    client.force_login(ess_member)

    shown = client.get(url("request_new", event, buyer_org.pk))
    posted = client.post(url("request_new", event, buyer_org.pk), {"recipient": buyer_reg.pk})

    assert (shown.status_code, posted.status_code, MeetingRequest.objects.count()) == (200, 400, 0)
    assert "ne sont pas ouvertes" in shown.content.decode()


def test_request_new_pitch_in_quiet_period_refused(client, event, ess_member, buyer_reg, buyer_org):
    pitch = PitchFactory(
        event=event,
        buyer=buyer_org,
        consultation_launched_on=dt.date(2019, 11, 20),
        consultation_url="https://marches.example.org/1",
    )
    client.force_login(ess_member)
    page = url("request_new", event, buyer_org.pk)

    shown = client.get(page, {"pitch": pitch.pk})
    posted = client.post(page, {"recipient": buyer_reg.pk, "pitch": pitch.pk})

    assert (shown.status_code, posted.status_code, MeetingRequest.objects.count()) == (200, 400, 0)
    assert "consultation officielle" in shown.content.decode()
    assert f'<option value="{pitch.pk}"' not in shown.content.decode()  # not offered
    assert "consultation officielle" in posted.content.decode()


def test_request_new_unknown_organisation_404(client, event, ess_member):
    client.force_login(ess_member)

    assert client.get(url("request_new", event, 999999)).status_code == 404


def test_request_new_organisation_not_taking_part_404(client, event, ess_member):
    client.force_login(ess_member)

    response = client.get(url("request_new", event, BuyerOrganisationFactory().pk))

    assert response.status_code == 404


def test_request_new_unknown_pitch_404(client, event, ess_member, buyer_org):
    client.force_login(ess_member)
    page = url("request_new", event, buyer_org.pk)

    assert (
        client.get(page, {"pitch": 999999}).status_code,
        client.get(page, {"pitch": "x"}).status_code,
    ) == (404, 404)


def test_request_new_recipient_of_other_event_refused(client, event, ess_member, buyer, buyer_org):
    elsewhere = RegistrationFactory(organisation=buyer_org, role="buyer")
    client.force_login(ess_member)

    response = client.post(url("request_new", event, buyer_org.pk), {"recipient": elsewhere.pk})

    assert (response.status_code, MeetingRequest.objects.count()) == (400, 0)


def test_pitch_page_shows_request_button_to_structures(client, event, ess_member, buyer, buyer_org):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    client.force_login(ess_member)

    content = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()

    assert f"{url('request_new', event, buyer_org.pk)}?pitch={pitch.pk}" in content


def test_interest_review_shows_request_button_to_buyer(client, event, buyer, buyer_org, ess_org):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    InterestFactory(pitch=pitch, organisation=ess_org)
    client.force_login(buyer)

    content = client.get(reverse("pitches:interests", args=[pitch.pk])).content.decode()

    assert f"{url('request_new', event, ess_org.pk)}?pitch={pitch.pk}" in content


# --- my meetings ------------------------------------------------------------------------------


def test_my_requests_sorts_received_sent_and_shows_mutual(
    client, event, buyer_org, ess_org, buyer, buyer_reg, ess_reg, ess_member
):
    InterestFactory(
        pitch=PitchFactory(event=event, buyer=buyer_org), organisation=ess_org, status="shortlisted"
    )
    received = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    sent = services.send_request(sender=ess_reg, recipient=participant(event), by=ess_member)
    client.force_login(ess_member)

    response = client.get(url("requests", event))

    data = response.context["data"]
    assert ([r.pk for r in data.received], [r.pk for r in data.sent]) == ([received.pk], [sent.pk])
    assert "Intérêt mutuel" in response.content.decode()


def test_my_requests_connects_its_lists_to_the_live_socket(client, event, ess_member):
    client.force_login(ess_member)

    content = client.get(url("requests", event)).content.decode()

    assert f'ws-connect="/ws/e/{event.slug}/my-meetings/"' in content
    assert content.count('id="my-requests-live"') == 1


def test_my_requests_not_participant_403(client, event, organiser):
    client.force_login(organiser)

    assert client.get(url("requests", event)).status_code == 403


def test_my_requests_query_count_does_not_grow(
    client, event, buyer, buyer_reg, assert_queries_constant
):
    client.force_login(buyer)

    count = assert_queries_constant(
        items=growing(
            lambda n: services.send_request(
                sender=buyer_reg, recipient=participant(event), by=buyer
            )
        ),
        run=lambda _: client.get(url("requests", event)),
    )
    # The four lists counted in one aggregate (three COUNTs fewer than before).
    assert count <= 16


def test_accept_htmx_in_organisers_mode_rerenders_lists(
    client, event, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.post(url("request_accept", event, request.pk), **HTMX)

    request.refresh_from_db()
    content = response.content.decode()
    assert (response.status_code, request.status) == (200, RequestStatus.ACCEPTED)
    assert 'id="my-requests"' in content and "<html" not in content
    assert "organisateurs" in content  # waits for the organisers' scheduling run


def test_accept_full_page_redirects_with_message(
    client, event, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.post(url("request_accept", event, request.pk), follow=True)

    assert response.redirect_chain == [(url("requests", event), 302)]
    assert "Rendez-vous accepté" in response.content.decode()


def test_accept_by_sender_refused(client, event, buyer, buyer_reg, ess_reg):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(buyer)

    response = client.post(url("request_accept", event, request.pk), **HTMX)

    request.refresh_from_db()
    assert (response.status_code, request.status) == (409, RequestStatus.PENDING)


def test_accept_other_peoples_request_404(client, event, buyer, buyer_reg, ess_reg, ess_admin):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_admin)

    assert client.post(url("request_accept", event, request.pk)).status_code == 404


def test_accept_unknown_request_404(client, event, ess_member):
    client.force_login(ess_member)

    assert client.post(url("request_accept", event, 999999)).status_code == 404


def test_accept_self_service_lists_free_slots_and_books(
    client, event, self_service, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    other = participant(event)
    services.book_meeting(
        request=services.accept_request(
            request=services.send_request(sender=buyer_reg, recipient=other, by=buyer), by=buyer
        ),
        slot=slots[0],
        by=buyer,
    )
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    page = client.get(url("request_accept", event, request.pk))
    response = client.post(url("request_accept", event, request.pk), {"slot": slots[2].pk})

    offered = [choice[0] for choice in page.context["form"].fields["slot"].choices]
    assert offered == [slots[1].pk, slots[2].pk, ""]  # the buyer is busy at 14:00; or later
    assert response.status_code == 302
    assert Meeting.objects.get(request=request).slot == slots[2]


def test_accept_self_service_taken_slot_409_and_stays_pending(
    client, event, self_service, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    other = participant(event)
    services.book_meeting(
        request=services.accept_request(
            request=services.send_request(sender=buyer_reg, recipient=other, by=buyer), by=buyer
        ),
        slot=slots[0],
        by=buyer,
    )
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.post(url("request_accept", event, request.pk), {"slot": slots[0].pk})

    request.refresh_from_db()
    assert (response.status_code, request.status) == (409, RequestStatus.PENDING)
    assert 'data-refusal="taken"' in response.content.decode()


def test_accept_self_service_later_keeps_unplaced(
    client, event, self_service, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.post(url("request_accept", event, request.pk), {"slot": ""})

    request.refresh_from_db()
    assert (response.status_code, request.status, Meeting.objects.count()) == (
        302,
        RequestStatus.ACCEPTED,
        0,
    )


def test_decline_htmx_with_reason(client, event, buyer, buyer_reg, ess_reg, ess_member):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.post(
        url("request_decline", event, request.pk), {"reason": "Hors zone"}, **HTMX
    )

    request.refresh_from_db()
    assert (response.status_code, request.status, request.decline_reason) == (
        200,
        RequestStatus.DECLINED,
        "Hors zone",
    )


def test_decline_reason_too_long_refused(client, event, buyer, buyer_reg, ess_reg, ess_member):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.post(url("request_decline", event, request.pk), {"reason": "x" * 301})

    request.refresh_from_db()
    assert (response.status_code, request.status) == (400, RequestStatus.PENDING)


def test_cancel_by_sender_htmx(client, event, buyer, buyer_reg, ess_reg):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(buyer)

    response = client.post(url("request_cancel", event, request.pk), **HTMX)

    request.refresh_from_db()
    assert (response.status_code, request.status) == (200, RequestStatus.CANCELLED)


def test_cancel_pending_by_recipient_refused(client, event, buyer, buyer_reg, ess_reg, ess_member):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.post(url("request_cancel", event, request.pk))

    request.refresh_from_db()
    assert (response.status_code, request.status) == (302, RequestStatus.PENDING)


def test_cancel_get_not_allowed(client, event, buyer, buyer_reg, ess_reg):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(buyer)

    assert client.get(url("request_cancel", event, request.pk)).status_code == 405


# --- booking ----------------------------------------------------------------------------------


def test_book_shows_slot_and_table_to_both_sides(
    client, event, self_service, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.accept_request(
        request=services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer), by=ess_member
    )
    client.force_login(buyer)

    response = client.post(url("request_book", event, request.pk), {"slot": slots[1].pk})
    client.force_login(ess_member)
    theirs = client.get(url("requests", event)).content.decode()

    assert response.status_code == 302
    assert "14:20\u201314:40" in theirs and "table T01" in theirs


def test_book_unknown_slot_is_a_form_error(
    client, event, self_service, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.accept_request(
        request=services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer), by=ess_member
    )
    client.force_login(buyer)

    response = client.post(url("request_book", event, request.pk), {"slot": 999999})

    assert (response.status_code, Meeting.objects.count()) == (400, 0)


def test_book_in_organisers_mode_refused(
    client, event, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.accept_request(
        request=services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer), by=ess_member
    )
    client.force_login(buyer)

    response = client.post(url("request_book", event, request.pk), {"slot": slots[1].pk})

    assert (response.status_code, Meeting.objects.count()) == (302, 0)


# --- settings ---------------------------------------------------------------------------------


def test_settings_saved_by_organiser(client, event, organiser):
    client.force_login(organiser)

    response = client.post(
        url("settings", event),
        {
            "booking_mode": "self_service",
            "max_requests_per_participant": "5",
            "reminder_minutes": "30",
            "no_show_minutes": "5",
        },
    )

    row = MatchingSettings.objects.get(event=event)
    assert (
        response.status_code,
        row.booking_mode,
        row.max_requests_per_participant,
        row.reminder_minutes,
    ) == (302, "self_service", 5, 30)


def test_settings_bad_input_saves_nothing(client, event, organiser):
    client.force_login(organiser)

    response = client.post(
        url("settings", event), {"booking_mode": "lottery", "max_requests_per_participant": "-1"}
    )

    assert (response.status_code, MatchingSettings.objects.filter(event=event).exists()) == (
        400,
        False,
    )


def test_my_requests_organisers_mode_keeps_the_draft_slot_private(
    client, requests_phase, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.accept_request(
        request=services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer), by=ess_member
    )
    services.book_meeting(request=request, slot=slots[1], by=buyer)  # the organisers' draft
    client.force_login(ess_member)

    page = client.get(url("requests", requests_phase)).content.decode()

    assert ("14:20" in page, "table T01" in page) == (False, False)
