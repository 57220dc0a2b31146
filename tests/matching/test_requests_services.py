import pytest
from django.core.exceptions import ValidationError

from matching.services import requests as services
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingRequest
from tests.factories import OrganisationFactory, RegistrationFactory


@pytest.fixture
def buyer_reg(buyer, event):
    return buyer.registrations.get(event=event)


@pytest.fixture
def ess_reg(ess_member, event):
    return ess_member.registrations.get(event=event)


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
    services.settings_for(event).__class__.objects.filter(event=event).update(
        max_requests_per_participant=1
    )
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
