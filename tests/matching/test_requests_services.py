import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from matching.enums import WEIGHT_ABOUT_PITCH, WEIGHT_MUTUAL, WEIGHT_ONE_SIDED, RequestStatus
from matching.models import Meeting, MeetingRequest
from matching.services import requests as services
from tests.factories import (
    InterestFactory,
    MatchingSettingsFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
    SessionFactory,
)


@pytest.fixture(autouse=True)
def _requests_phase(requests_phase):
    """Participants send and answer requests in the requests phase; messages in English."""
    with translation.override("en"):
        yield


def accepted(sender, recipient, by):
    request = services.send_request(sender=sender, recipient=recipient, by=by)
    return services.answer_request(request=request, accept=True, by=by)


def test_send_request_to_self_refused(buyer_reg, buyer):
    with pytest.raises(ValidationError, match="yourself"):
        services.send_request(sender=buyer_reg, recipient=buyer_reg, by=buyer)


def test_send_request_between_buyers_refused(event, buyer_reg, buyer):
    from tests.factories import BuyerOrganisationFactory

    other = RegistrationFactory(event=event, organisation=BuyerOrganisationFactory(), role="buyer")

    with pytest.raises(ValidationError, match="buyer and an ESS structure"):
        services.send_request(sender=buyer_reg, recipient=other, by=buyer)


def test_send_request_twice_for_same_pair_refused_either_way(buyer_reg, ess_reg, buyer, ess_member):
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    with pytest.raises(ValidationError, match="already open"):
        services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member)
    assert MeetingRequest.objects.count() == 1


def test_send_request_over_cap_refused(event, buyer_reg, buyer):
    MatchingSettingsFactory(event=event, max_requests_per_participant=1)
    first, second = (
        RegistrationFactory(event=event, organisation=OrganisationFactory()) for _ in range(2)
    )
    services.send_request(sender=buyer_reg, recipient=first, by=buyer)

    with pytest.raises(ValidationError, match="limit of 1"):
        services.send_request(sender=buyer_reg, recipient=second, by=buyer)


def test_answer_request_twice_refused(buyer_reg, ess_reg, buyer, ess_member):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    services.answer_request(
        request=request, accept=False, by=ess_member, reason="Hors de notre zone"
    )

    with pytest.raises(ValidationError, match="already"):
        services.answer_request(request=request, accept=True, by=ess_member)
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == (
        RequestStatus.DECLINED,
        "Hors de notre zone",
    )


def test_lapse_pending_requests_keeps_answered_ones(event, buyer_reg, ess_reg, buyer):
    pending = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    other = RegistrationFactory(event=event, organisation=OrganisationFactory())
    answered = accepted(buyer_reg, other, buyer)

    lapsed = services.lapse_pending_requests(event=event)

    pending.refresh_from_db()
    answered.refresh_from_db()
    assert (lapsed, pending.status, answered.status) == (
        1,
        RequestStatus.LAPSED,
        RequestStatus.ACCEPTED,
    )


def test_book_meeting_takes_first_free_table(slots, tables, buyer_reg, ess_reg, buyer):
    request = accepted(buyer_reg, ess_reg, buyer)

    meeting = services.book_meeting(request=request, slot=slots[0], by=buyer)

    assert (meeting.slot, meeting.table.name, meeting.attendances.count()) == (slots[0], "T01", 2)


def test_book_meeting_pending_request_refused(slots, tables, buyer_reg, ess_reg, buyer):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    with pytest.raises(ValidationError, match="accepted"):
        services.book_meeting(request=request, slot=slots[0], by=buyer)


def test_book_meeting_participant_busy_refused(event, slots, tables, buyer_reg, ess_reg, buyer):
    other = RegistrationFactory(event=event, organisation=OrganisationFactory())
    services.book_meeting(request=accepted(buyer_reg, ess_reg, buyer), slot=slots[0], by=buyer)

    with pytest.raises(ValidationError, match="already has a meeting"):
        services.book_meeting(request=accepted(buyer_reg, other, buyer), slot=slots[0], by=buyer)


def test_book_meeting_no_free_table_refused(event, slots, tables, buyer_reg, ess_reg, buyer):
    from tests.factories import BuyerOrganisationFactory

    for _ in range(2):
        b = RegistrationFactory(event=event, organisation=BuyerOrganisationFactory(), role="buyer")
        e = RegistrationFactory(event=event, organisation=OrganisationFactory())
        services.book_meeting(request=accepted(b, e, buyer), slot=slots[0], by=buyer)

    with pytest.raises(ValidationError, match="Every table is taken"):
        services.book_meeting(request=accepted(buyer_reg, ess_reg, buyer), slot=slots[0], by=buyer)
    assert Meeting.objects.filter(slot=slots[0]).count() == 2


def test_book_meeting_needs_accessible_table_skips_others(
    event, slots, tables, buyer_reg, ess_reg, buyer
):
    tables[0].accessible = False
    tables[0].save()
    tables[1].accessible = True
    tables[1].save()
    ess_reg.needs_accessible_table = True
    ess_reg.save()

    meeting = services.book_meeting(
        request=accepted(buyer_reg, ess_reg, buyer), slot=slots[0], by=buyer
    )

    assert meeting.table == tables[1]


def test_book_meeting_during_unavailability_refused(slots, tables, buyer_reg, ess_reg, buyer):
    ess_reg.unavailabilities.create(
        starts_at=slots[0].starts_at, ends_at=slots[1].ends_at, reason="Atelier"
    )

    with pytest.raises(ValidationError, match="not available"):
        services.book_meeting(request=accepted(buyer_reg, ess_reg, buyer), slot=slots[1], by=buyer)


def test_book_meeting_over_max_meetings_refused(event, slots, tables, buyer_reg, ess_reg, buyer):
    buyer_reg.max_meetings = 1
    buyer_reg.save()
    other = RegistrationFactory(event=event, organisation=OrganisationFactory())
    services.book_meeting(request=accepted(buyer_reg, ess_reg, buyer), slot=slots[0], by=buyer)

    with pytest.raises(ValidationError, match="maximum number"):
        services.book_meeting(request=accepted(buyer_reg, other, buyer), slot=slots[1], by=buyer)


def test_cancel_request_frees_its_meeting(slots, tables, buyer_reg, ess_reg, buyer):
    request = accepted(buyer_reg, ess_reg, buyer)
    services.book_meeting(request=request, slot=slots[0], by=buyer)

    services.cancel_request(request=request, by=buyer)

    assert Meeting.objects.count() == 0


# --- sending: refusals ------------------------------------------------------------------------


def test_send_request_outside_requests_phase_refused(event, buyer_reg, ess_reg, buyer):
    event.phase = "scheduling"
    event.save()

    with pytest.raises(ValidationError, match="not open"):
        services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    assert MeetingRequest.objects.count() == 0


def test_send_request_within_same_organisation_refused(ess_reg, ess_admin, event):
    colleague = ess_admin.registrations.get(event=event)

    with pytest.raises(ValidationError, match="same organisation"):
        services.send_request(sender=colleague, recipient=ess_reg, by=ess_admin)


def test_send_request_to_other_event_refused(buyer_reg, buyer):
    elsewhere = RegistrationFactory(organisation=OrganisationFactory())

    with pytest.raises(ValidationError, match="same event"):
        services.send_request(sender=buyer_reg, recipient=elsewhere, by=buyer)


def test_send_request_to_pending_registration_refused(event, buyer_reg, buyer):
    pending = RegistrationFactory(event=event, organisation=OrganisationFactory(), status="pending")

    with pytest.raises(ValidationError, match="validated"):
        services.send_request(sender=buyer_reg, recipient=pending, by=buyer)


def test_send_request_about_pitch_in_quiet_period_refused(
    event, buyer_org, buyer_reg, ess_reg, ess_member
):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    pitch.consultation_launched_on = dt.date(2019, 11, 20)
    pitch.consultation_url = "https://marches.example.org/1"
    pitch.save()

    with pytest.raises(ValidationError, match="official consultation only"):
        services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member, pitch=pitch)
    assert MeetingRequest.objects.count() == 0


def test_send_request_about_another_buyers_pitch_refused(event, buyer_reg, ess_reg, ess_member):
    pitch = PitchFactory(event=event)

    with pytest.raises(ValidationError, match="not a need of the buyer"):
        services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member, pitch=pitch)


def test_send_request_between_structures_about_a_buyers_pitch_refused(event, ess_reg, ess_member):
    partner = RegistrationFactory(event=event, organisation=OrganisationFactory())
    pitch = PitchFactory(event=event)

    with pytest.raises(ValidationError, match="two structures cannot be about a buyer's pitch"):
        services.send_request(sender=ess_reg, recipient=partner, by=ess_member, pitch=pitch)

    request = services.send_request(sender=ess_reg, recipient=partner, by=ess_member)
    assert (request.pitch, request.status) == (None, "pending")


def test_send_request_long_message_refused(buyer_reg, ess_reg, buyer):
    with pytest.raises(ValidationError, match="under 1000"):
        services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer, message="x" * 1001)


# --- accepting with a slot ---------------------------------------------------------------------


def test_accept_request_with_slot_books_it(slots, tables, buyer_reg, ess_reg, buyer, ess_member):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    services.accept_request(request=request, by=ess_member, slot=slots[1])

    request.refresh_from_db()
    assert (request.status, request.meeting.slot, request.meeting.table.name) == (
        RequestStatus.ACCEPTED,
        slots[1],
        "T01",
    )


def test_accept_request_with_taken_slot_stays_pending(
    event, slots, tables, buyer_reg, ess_reg, buyer, ess_member
):
    other = RegistrationFactory(event=event, organisation=OrganisationFactory())
    services.book_meeting(request=accepted(buyer_reg, other, buyer), slot=slots[0], by=buyer)
    request = services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member)

    with pytest.raises(ValidationError, match="already has a meeting") as refused:
        services.accept_request(request=request, by=buyer, slot=slots[0])

    request.refresh_from_db()
    assert (request.status, refused.value.code) == (RequestStatus.PENDING, services.TAKEN)


def test_book_meeting_during_workshop_seat_refused(event, slots, tables, buyer_reg, ess_reg, buyer):
    from workshops.models import Seat, Workshop

    session = SessionFactory(
        event=event,
        kind="workshop",
        starts_at=slots[0].starts_at,
        ends_at=slots[0].ends_at,
    )
    Seat.objects.create(
        workshop=Workshop.objects.create(session=session, capacity=10, theme_id="food"),
        registration=ess_reg,
    )

    with pytest.raises(ValidationError, match="not available"):
        services.book_meeting(request=accepted(buyer_reg, ess_reg, buyer), slot=slots[0], by=buyer)


# --- lapsing when the phase closes ------------------------------------------------------------


def test_move_phase_out_of_requests_lapses_pending(event, organiser, buyer_reg, ess_reg, buyer):
    from events.services import move_phase

    pending = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    move_phase(event=event, to_phase="scheduling", by=organiser)

    pending.refresh_from_db()
    assert pending.status == RequestStatus.LAPSED


def test_move_phase_into_requests_keeps_requests(event, organiser, buyer_reg, ess_reg, buyer):
    from events.services import move_phase

    pending = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    event.phase = "registration"
    event.save()

    move_phase(event=event, to_phase="requests", by=organiser)

    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


# --- settings ---------------------------------------------------------------------------------


def test_update_settings_writes_mode_and_cap(event, organiser):
    services.update_settings(
        event=event, by=organiser, booking_mode="self_service", max_requests_per_participant=4
    )

    row = services.settings_for(event)
    assert (
        row.booking_mode,
        row.max_requests_per_participant,
        services.is_self_service(event),
    ) == (
        "self_service",
        4,
        True,
    )


def test_update_settings_unknown_mode_refused(event, organiser):
    with pytest.raises(ValidationError, match="booking mode"):
        services.update_settings(
            event=event, by=organiser, booking_mode="lottery", max_requests_per_participant=None
        )
    assert services.settings_for(event).booking_mode == "organisers"


# --- weights ----------------------------------------------------------------------------------


def test_request_weight_one_sided(buyer_reg, ess_reg, buyer):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    assert services.request_weight(request) == WEIGHT_ONE_SIDED


def test_request_weight_about_pitch_of_interest(
    event, buyer_org, ess_org, buyer_reg, ess_reg, ess_member
):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    InterestFactory(pitch=pitch, organisation=ess_org)
    request = services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member, pitch=pitch)

    assert services.request_weight(request) == WEIGHT_ABOUT_PITCH


def test_request_weight_both_asked_is_mutual(buyer_reg, ess_reg, buyer, ess_member):
    first = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    services.answer_request(request=first, accept=False, by=ess_member)
    second = services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member)

    assert (services.request_weight(first), services.request_weight(second)) == (
        WEIGHT_MUTUAL,
        WEIGHT_MUTUAL,
    )


def test_request_weight_shortlisted_interest_is_mutual(
    event, buyer_org, ess_org, buyer_reg, ess_reg, buyer
):
    InterestFactory(
        pitch=PitchFactory(event=event, buyer=buyer_org), organisation=ess_org, status="shortlisted"
    )
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    assert services.request_weight(request) == WEIGHT_MUTUAL


def test_request_weight_interest_shortlisted_at_other_event_not_mutual(
    buyer_org, ess_org, buyer_reg, ess_reg, buyer
):
    InterestFactory(pitch=PitchFactory(buyer=buyer_org), organisation=ess_org, status="shortlisted")
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    assert services.request_weight(request) == WEIGHT_ONE_SIDED


def test_request_weights_many_in_fixed_queries(event, buyer_reg, buyer, django_assert_num_queries):
    rows = [
        services.send_request(
            sender=buyer_reg,
            recipient=RegistrationFactory(event=event, organisation=OrganisationFactory()),
            by=buyer,
        )
        for _ in range(3)
    ]
    rows = list(
        MeetingRequest.objects.select_related("sender", "recipient").filter(
            pk__in=[r.pk for r in rows]
        )
    )

    with django_assert_num_queries(2):  # asked + shortlisted; no pitch, no interest query
        weights = services.request_weights(rows)

    assert sorted(weights.values()) == [WEIGHT_ONE_SIDED] * 3
