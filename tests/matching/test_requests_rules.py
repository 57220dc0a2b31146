"""Who may request, answer, cancel and book (matching/rules.py, meeting requests section)."""

import datetime as dt

import pytest

from accounts.rules import visible_contact_ids
from matching.services import requests as services
from tests.factories import PitchFactory


@pytest.fixture
def pending(requests_phase, buyer_reg, ess_reg, buyer):
    return services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)


@pytest.fixture
def accepted(pending, ess_member):
    return services.accept_request(request=pending, by=ess_member)


def test_send_request_needs_validated_participant_and_phase(event, buyer, organiser):
    assert (
        buyer.has_perm("matching.send_request", event),
        organiser.has_perm("matching.send_request", event),
    ) == (False, False)

    event.phase = "requests"
    event.save()
    buyer.__dict__.pop("_meeting_registrations", None)

    assert buyer.has_perm("matching.send_request", event) is True


def test_request_about_pitch_only_for_structures_outside_quiet_period(
    requests_phase, buyer, buyer_org, ess_member
):
    pitch = PitchFactory(event=requests_phase, buyer=buyer_org)

    assert (
        ess_member.has_perm("matching.request_about_pitch", pitch),
        buyer.has_perm("matching.request_about_pitch", pitch),
    ) == (True, False)

    pitch.consultation_launched_on = dt.date(2019, 11, 20)
    pitch.consultation_url = "https://marches.example.org/1"
    assert ess_member.has_perm("matching.request_about_pitch", pitch) is False


def test_request_about_pitch_of_absent_buyer_refused(requests_phase, ess_member):
    pitch = PitchFactory(event=requests_phase)

    assert ess_member.has_perm("matching.request_about_pitch", pitch) is False


def test_answer_request_only_recipient_while_pending(pending, buyer, ess_member, ess_admin):
    assert [
        u.has_perm("matching.answer_request", pending) for u in (buyer, ess_member, ess_admin)
    ] == [False, True, False]


def test_cancel_pending_only_sender_accepted_both(pending, buyer, ess_member):
    before = [u.has_perm("matching.cancel_request", pending) for u in (buyer, ess_member)]
    services.answer_request(request=pending, accept=True, by=ess_member)
    pending.refresh_from_db()

    after = [u.has_perm("matching.cancel_request", pending) for u in (buyer, ess_member)]

    assert (before, after) == ([True, False], [True, True])


def test_book_meeting_needs_self_service_and_no_meeting(
    accepted, self_service, slots, tables, buyer, ess_member, event
):
    assert ess_member.has_perm("matching.book_meeting", accepted) is True

    services.book_meeting(request=accepted, slot=slots[0], by=buyer)

    assert ess_member.has_perm("matching.book_meeting", accepted) is False


def test_book_meeting_in_organisers_mode_refused(accepted, buyer):
    assert buyer.has_perm("matching.book_meeting", accepted) is False


def test_actions_closed_outside_requests_phase(pending, buyer, ess_member, event):
    event.phase = "scheduling"
    event.save()

    assert (
        ess_member.has_perm("matching.answer_request", pending),
        buyer.has_perm("matching.cancel_request", pending),
    ) == (False, False)


def test_change_settings_only_organisers(event, organiser, other_organiser, buyer):
    assert [
        u.has_perm("matching.change_settings", event) for u in (organiser, other_organiser, buyer)
    ] == [True, False, False]


def test_accepted_meeting_opens_contact_details(pending, buyer, ess_member):
    before = visible_contact_ids(buyer, [ess_member])
    services.answer_request(request=pending, accept=True, by=ess_member)

    assert (before, visible_contact_ids(buyer, [ess_member])) == (set(), {ess_member.pk})
