"""Interests through the outbox: who is told, with what, and when it is withheld."""

import pytest

from notifications.enums import MessageState
from notifications.kinds import KINDS
from notifications.models import OutboxMessage
from notifications.services import send_message
from pitches import emails
from pitches import services as pitch_services
from tests.factories import MembershipFactory, PitchFactory

pytestmark = pytest.mark.django_db


def _express(pitch, ess_org, ess_member):
    answers = {q.pk: "Oui" for q in pitch.screening_questions.all()}
    return pitch_services.express_interest(
        pitch=pitch, organisation=ess_org, actor=ess_member, answers=answers
    )


def _recipients(kind):
    rows = OutboxMessage.objects.filter(kind=kind).order_by("recipient_id")
    return [row.recipient for row in rows]


@pytest.fixture
def pitch(event, buyer_org, buyer):
    return PitchFactory(event=event, buyer=buyer_org)


def test_interest_goes_to_every_member_of_the_buyer_organisation(
    pitch, buyer, buyer_org, ess_org, ess_member, event
):
    colleague = MembershipFactory(organisation=buyer_org).user

    _express(pitch, ess_org, ess_member)

    assert _recipients(emails.INTEREST_RECEIVED) == sorted([buyer, colleague], key=lambda u: u.pk)
    assert {m.event_id for m in OutboxMessage.objects.all()} == {event.pk}


def test_interest_withdrawn_before_sending_is_withheld(pitch, ess_org, ess_member):
    interest = _express(pitch, ess_org, ess_member)
    pitch_services.withdraw_interest(interest=interest, actor=ess_member)
    message = OutboxMessage.objects.get(kind=emails.INTEREST_RECEIVED)

    assert send_message(message_id=message.pk) == MessageState.WITHHELD


def test_decline_tells_the_structure_with_the_reason(pitch, buyer, ess_org, ess_member, ess_admin):
    interest = _express(pitch, ess_org, ess_member)

    pitch_services.decline_interest(interest=interest, actor=buyer, reason="Lot trop gros")

    assert _recipients(emails.DECLINED) == sorted([ess_member, ess_admin], key=lambda u: u.pk)
    message = OutboxMessage.objects.filter(kind=emails.DECLINED).first()
    assert "Lot trop gros" in KINDS[emails.DECLINED].render(message).text


def test_declined_then_shortlisted_withholds_the_decline_and_decides_again(
    pitch, buyer, ess_org, ess_member
):
    interest = _express(pitch, ess_org, ess_member)
    pitch_services.decline_interest(interest=interest, actor=buyer, reason="Non")
    pitch_services.shortlist_interest(interest=interest, actor=buyer)
    pitch_services.decline_interest(interest=interest, actor=buyer, reason="Finalement non")
    first, second = OutboxMessage.objects.filter(kind=emails.DECLINED, recipient=ess_member)

    assert first.version != second.version
    assert send_message(message_id=first.pk) == MessageState.SENT  # still declined
    shortlisted = OutboxMessage.objects.get(kind=emails.SHORTLISTED, recipient=ess_member)
    assert send_message(message_id=shortlisted.pk) == MessageState.WITHHELD
