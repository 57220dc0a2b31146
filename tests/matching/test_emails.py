"""The matching app's emails through the outbox: who gets what, when a message is withheld at send
time, reminders' due times and moves, the daily digest, and the calendars they carry (read with
vobject, a parser independent of the `icalendar` library that writes them)."""

import datetime as dt

import pytest
import vobject
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import times
from events import services as event_services
from matching import emails
from matching.enums import RequestStatus
from matching.models import Meeting
from matching.services import requests as services
from matching.services import schedule
from notifications.enums import MessageState
from notifications.kinds import KINDS
from notifications.models import OutboxMessage
from notifications.services import build_email
from notifications.tasks import send
from tests.factories import (
    BuyerOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
)
from tests.matching.email_cases import future_slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(requests_phase, buyer_reg, ess_reg, buyer):
    """A pending request from the buyer to the ESS member."""
    return services.send_request(
        sender=buyer_reg, recipient=ess_reg, by=buyer, message="Parlons goûters"
    )


def rows(kind, **filters) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind, **filters).order_by("pk"))


def recipients(kind) -> list[str]:
    return [row.recipient.email for row in rows(kind)]


def calendars(email, method: str | None = None) -> list:
    """The text/calendar parts of a sent email, parsed by vobject (inline parts and files)."""
    found = []
    for part in email.message().walk():
        if part.get_content_type() == "text/calendar":
            cal = vobject.readOne(part.get_payload(decode=True).decode())
            if method is None or cal.method.value == method:
                found.append(cal)
    return found


def render(message):
    return build_email(message, KINDS[message.kind])


def feed_events(client, registration) -> dict:
    """UID -> VEVENT of the registration's calendar feed."""
    url = reverse("events:calendar_feed", args=[registration.ical_token])
    cal = vobject.readOne(client.get(url).content.decode())
    return {ev.uid.value: ev for ev in cal.contents.get("vevent", [])}


def to_scheduling(event, organiser):
    event_services.move_phase(event=event, to_phase="scheduling", by=organiser)
    event.refresh_from_db()
    return event


# --- Requests -----------------------------------------------------------------------------------


def test_request_emails_its_recipient_and_plans_a_digest(sent, buyer, ess_member, event):
    [digest] = rows(emails.DIGEST)

    tomorrow = times.today(event) + dt.timedelta(days=1)
    assert recipients(emails.REQUESTED) == [ess_member.email]
    assert (digest.recipient, digest.version, digest.event_id) == (
        ess_member,
        tomorrow.toordinal(),
        event.pk,
    )
    assert times.local(digest.due_at, event) == dt.datetime.combine(
        tomorrow, emails.DIGEST_HOUR, tzinfo=event.tzinfo
    )
    assert all(row.event_id == event.pk for row in OutboxMessage.objects.all())


def test_request_email_withheld_once_answered(sent, ess_member, mailoutbox):
    services.answer_request(request=sent, accept=False, by=ess_member)

    [requested] = rows(emails.REQUESTED)
    assert (send(requested.pk), mailoutbox) == (MessageState.WITHHELD, [])


def test_accepted_tells_the_sender_without_a_calendar_until_there_is_a_time(
    sent, buyer, ess_member
):
    services.answer_request(request=sent, accept=True, by=ess_member)

    [accepted] = rows(emails.ACCEPTED)
    email = render(accepted)
    assert accepted.recipient == buyer
    assert (email.attachments, "n'a pas encore d'horaire" in email.body) == ([], True)


def test_accepted_withheld_once_cancelled(sent, buyer, ess_member, mailoutbox):
    services.answer_request(request=sent, accept=True, by=ess_member)
    services.cancel_request(request=sent, by=ess_member)

    [accepted] = rows(emails.ACCEPTED)
    assert (send(accepted.pk), mailoutbox) == (MessageState.WITHHELD, [])


def test_accepting_with_a_slot_sends_the_feeds_calendar_and_books_for_the_recipient(
    client, self_service, sent, buyer, buyer_reg, ess_member, mailoutbox
):
    slot = future_slots(self_service)[0]

    services.accept_request(request=sent, by=ess_member, slot=slot)

    [accepted] = rows(emails.ACCEPTED)
    assert send(accepted.pk) == MessageState.SENT
    [inline, attached] = calendars(mailoutbox[0], "REQUEST")  # the alternative, and a file
    assert attached.serialize() == inline.serialize()
    [event] = inline.contents["vevent"]
    client.force_login(buyer)
    fed = feed_events(client, buyer_reg)[event.uid.value]
    sent.refresh_from_db()
    assert (event.uid.value, event.sequence.value) == (str(sent.ical_uid), str(sent.ical_sequence))
    assert (event.dtstart.value, event.sequence.value) == (fed.dtstart.value, fed.sequence.value)
    assert times.hhmm(slot.starts_at, self_service) in mailoutbox[0].body
    assert recipients(emails.BOOKED) == [ess_member.email]


def test_declined_carries_the_reason(sent, buyer, ess_member, mailoutbox):
    services.answer_request(request=sent, accept=False, by=ess_member, reason="Déjà équipés")

    [declined] = rows(emails.DECLINED)
    send(declined.pk)
    assert (mailoutbox[0].to, "Déjà équipés" in mailoutbox[0].body) == ([buyer.email], True)


def test_cancelling_tells_the_other_side_only(sent, buyer, ess_member):
    services.cancel_request(request=sent, by=buyer)

    assert recipients(emails.CANCELLED) == [ess_member.email]


def test_cancelled_meeting_sends_a_calendar_cancel_with_the_feeds_uid(
    self_service, sent, buyer, ess_member, mailoutbox
):
    self_service.end_date = timezone.now().date() + dt.timedelta(days=10)
    self_service.save(update_fields=["end_date"])
    services.accept_request(request=sent, by=ess_member, slot=future_slots(self_service)[0])

    services.cancel_request(request=sent, by=ess_member)

    [cancelled] = rows(emails.CANCELLED)
    send(cancelled.pk)
    [cal, _file] = calendars(mailoutbox[0], "CANCEL")
    [event] = cal.contents["vevent"]
    sent.refresh_from_db()
    assert (cal.method.value, event.status.value, event.uid.value) == (
        "CANCEL",
        "CANCELLED",
        str(sent.ical_uid),
    )
    assert event.sequence.value == str(sent.ical_sequence)


def test_closing_the_requests_phase_tells_both_sides_of_each_lapsed_request(
    sent, buyer, ess_member, organiser, event, mailoutbox
):
    to_scheduling(event, organiser)

    lapsed = rows(emails.LAPSED)
    for row in lapsed:
        send(row.pk)
    assert sorted(recipients(emails.LAPSED)) == sorted([buyer.email, ess_member.email])
    assert all("caduque" in mail.body for mail in mailoutbox)


def test_lapsed_withheld_once_no_longer_lapsed(sent, organiser, event, mailoutbox):
    to_scheduling(event, organiser)
    type(sent).objects.filter(pk=sent.pk).update(status=RequestStatus.PENDING)

    states = [send(row.pk) for row in rows(emails.LAPSED)]

    assert (states, mailoutbox) == ([MessageState.WITHHELD] * 2, [])


# --- The daily digest ---------------------------------------------------------------------------


def test_digest_is_one_a_day_and_lists_what_is_still_pending(
    requests_phase, buyer, buyer_reg, ess_reg, ess_member, mailoutbox
):
    other_org = BuyerOrganisationFactory()
    other_buyer = MembershipFactory(organisation=other_org).user
    other_reg = RegistrationFactory(
        event=requests_phase, user=other_buyer, organisation=other_org, role="buyer"
    )
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    services.send_request(sender=other_reg, recipient=ess_reg, by=other_buyer)

    [digest] = rows(emails.DIGEST)
    send(digest.pk)

    assert digest.recipient == ess_member
    assert "2 demandes de rendez-vous attendent votre réponse" in mailoutbox[0].body
    assert str(buyer_reg.organisation) in mailoutbox[0].body
    assert str(other_reg.organisation) in mailoutbox[0].body


def test_digest_withheld_when_nothing_awaits_an_answer(sent, ess_member, mailoutbox):
    services.answer_request(request=sent, accept=True, by=ess_member)

    [digest] = rows(emails.DIGEST)
    assert (send(digest.pk), mailoutbox) == (MessageState.WITHHELD, [])


def test_digest_waits_for_its_due_time_in_the_sweep(sent, mailoutbox):
    from notifications.services import due_unwoken

    OutboxMessage.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    [digest] = rows(emails.DIGEST)

    assert digest.pk not in due_unwoken()
    OutboxMessage.objects.filter(pk=digest.pk).update(due_at=timezone.now())
    assert digest.pk in due_unwoken()


# --- A published schedule: reminders and iTIP ---------------------------------------------------


@pytest.fixture
def placed(sent, ess_member, organiser, event):
    """The request accepted, the event in its scheduling phase, the meeting placed in the draft
    in a future slot; returns the slots."""
    services.answer_request(request=sent, accept=True, by=ess_member)
    to_scheduling(event, organiser)
    slots = future_slots(event)
    schedule.place_request(request=sent, slot=slots[0], table=None, by=organiser)
    return slots


def test_publishing_writes_a_reminder_per_person_before_each_meeting(
    placed, sent, event, organiser, buyer, ess_member
):
    schedule.publish_schedule(event=event, by=organiser)

    reminders = rows(emails.REMINDER)
    sent.refresh_from_db()
    assert sorted(r.recipient.email for r in reminders) == sorted([buyer.email, ess_member.email])
    assert {(r.due_at, r.version, r.object_key) for r in reminders} == {
        (
            placed[0].starts_at - dt.timedelta(minutes=15),
            sent.ical_sequence,
            f"meeting_request:{sent.pk}",
        )
    }


def test_reminder_minutes_come_from_the_organisers_settings(placed, event, organiser):
    services.update_settings(
        event=event,
        by=organiser,
        booking_mode="organisers",
        max_requests_per_participant=None,
        reminder_minutes=45,
    )

    schedule.publish_schedule(event=event, by=organiser)

    assert {r.due_at for r in rows(emails.REMINDER)} == {
        placed[0].starts_at - dt.timedelta(minutes=45)
    }


def test_no_reminder_when_turned_off(placed, event, organiser):
    services.update_settings(
        event=event,
        by=organiser,
        booking_mode="organisers",
        max_requests_per_participant=None,
        reminder_minutes=0,
    )

    schedule.publish_schedule(event=event, by=organiser)

    assert rows(emails.REMINDER) == []


def test_no_reminder_for_a_meeting_already_past(sent, ess_member, organiser, event, block, tables):
    services.answer_request(request=sent, accept=True, by=ess_member)
    to_scheduling(event, organiser)
    schedule.place_request(
        request=sent, slot=block.slots.first(), table=None, by=organiser
    )  # in 2019

    schedule.publish_schedule(event=event, by=organiser)

    assert rows(emails.REMINDER) == []


def test_a_moved_meeting_gets_a_new_reminder_and_the_old_one_is_withheld(
    placed, sent, event, organiser, buyer, mailoutbox
):
    schedule.publish_schedule(event=event, by=organiser)
    meeting = Meeting.objects.get(request=sent)
    schedule.move_meeting(meeting=meeting, slot=placed[2], table=None, by=organiser)
    schedule.publish_schedule(event=event, by=organiser)

    old, new = rows(emails.REMINDER, recipient=buyer)

    assert new.due_at == placed[2].starts_at - dt.timedelta(minutes=15)
    assert new.version > old.version
    assert (send(old.pk), send(new.pk)) == (MessageState.WITHHELD, MessageState.SENT)
    assert times.hhmm(placed[2].starts_at, event) in mailoutbox[0].body


def test_reminder_withheld_once_the_meeting_is_cancelled(placed, sent, event, organiser, buyer):
    schedule.publish_schedule(event=event, by=organiser)
    services.cancel_request(request=sent, by=buyer)

    assert {send(r.pk) for r in rows(emails.REMINDER)} == {MessageState.WITHHELD}


def test_reminder_withheld_once_its_version_is_unpublished(placed, sent, event, organiser):
    version = schedule.publish_schedule(event=event, by=organiser)
    schedule.unpublish_version(version=version, by=organiser)

    assert {send(r.pk) for r in rows(emails.REMINDER)} == {MessageState.WITHHELD}


def test_a_self_booked_meeting_gets_its_reminders(self_service, sent, buyer, ess_member):
    slot = future_slots(self_service)[1]

    services.accept_request(request=sent, by=ess_member, slot=slot)

    assert {(r.recipient.email, r.due_at) for r in rows(emails.REMINDER)} == {
        (buyer.email, slot.starts_at - dt.timedelta(minutes=15)),
        (ess_member.email, slot.starts_at - dt.timedelta(minutes=15)),
    }


def test_schedule_email_lists_each_meeting_and_invites_with_the_feeds_uid(
    client, placed, sent, event, organiser, buyer, buyer_reg, mailoutbox
):
    schedule.publish_schedule(event=event, by=organiser)

    [message] = rows(emails.SCHEDULE_CHANGED, recipient=buyer)
    send(message.pk)
    email = mailoutbox[0]
    [inline, attached] = calendars(email, "REQUEST")
    parts = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
    assert [p.get_param("method") for p in parts] == ["REQUEST", "REQUEST"]
    [vevent] = inline.contents["vevent"]
    client.force_login(buyer)
    fed = feed_events(client, buyer_reg)[vevent.uid.value]
    assert inline.method.value == "REQUEST"
    assert attached.serialize() == inline.serialize()
    assert (vevent.uid.value, vevent.sequence.value) == (fed.uid.value, fed.sequence.value)
    assert (
        vevent.organizer.value == f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('>')}"
    )
    assert vevent.attendee.value == f"mailto:{buyer.email}"
    assert "table T01 (Hall A)" in email.body
    assert times.long_day(placed[0].starts_at, event) in email.body
    assert [a.get_filename() for a in email.message().walk() if a.get_filename()] == [
        f"{event.slug}-meeting-{sent.pk}.ics"
    ]
    # The invitation is the body's text/calendar alternative, beside the text and the HTML.
    [alternative] = [
        p for p in email.message().walk() if p.get_content_type() == "multipart/alternative"
    ]
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]


def test_an_email_about_several_meetings_carries_one_invitation_per_meeting(
    sent, event, organiser, buyer, buyer_reg, ess_member, mailoutbox
):
    structure = OrganisationFactory()
    other = MembershipFactory(organisation=structure).user
    other_reg = RegistrationFactory(event=event, user=other, organisation=structure)
    second = services.send_request(sender=buyer_reg, recipient=other_reg, by=buyer)
    services.answer_request(request=sent, accept=True, by=ess_member)
    services.answer_request(request=second, accept=True, by=other)
    to_scheduling(event, organiser)
    slots = future_slots(event)
    schedule.place_request(request=sent, slot=slots[0], table=None, by=organiser)
    schedule.place_request(request=second, slot=slots[1], table=None, by=organiser)
    schedule.publish_schedule(event=event, by=organiser)

    [message] = rows(emails.SCHEDULE_CHANGED, recipient=buyer)
    send(message.pk)
    [email] = [e for e in mailoutbox if e.to == [buyer.email]]
    invitations = calendars(email, "REQUEST")
    sent.refresh_from_db()
    second.refresh_from_db()
    # One iTIP object per meeting (the components of one message share a UID), as files only.
    assert [len(cal.contents["vevent"]) for cal in invitations] == [1, 1]
    assert sorted(cal.vevent.uid.value for cal in invitations) == sorted(
        [str(sent.ical_uid), str(second.ical_uid)]
    )
    [alternative] = [
        p for p in email.message().walk() if p.get_content_type() == "multipart/alternative"
    ]
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]


def test_schedule_email_cancels_a_removed_meeting_with_a_raised_sequence(
    client, placed, sent, event, organiser, buyer, buyer_reg, mailoutbox
):
    schedule.publish_schedule(event=event, by=organiser)
    sent.refresh_from_db()
    before = sent.ical_sequence
    schedule.unschedule_meeting(meeting=Meeting.objects.get(request=sent), by=organiser)
    version = schedule.publish_schedule(event=event, by=organiser)

    [message] = rows(
        emails.SCHEDULE_CHANGED, recipient=buyer, object_key=f"schedule_version:{version.pk}"
    )
    send(message.pk)
    assert calendars(mailoutbox[0], "REQUEST") == []
    [cancel, _file] = calendars(mailoutbox[0], "CANCEL")
    [vevent] = cancel.contents["vevent"]
    sent.refresh_from_db()
    assert (cancel.method.value, vevent.status.value, vevent.uid.value) == (
        "CANCEL",
        "CANCELLED",
        str(sent.ical_uid),
    )
    assert int(vevent.sequence.value) == sent.ical_sequence == before + 1


def test_a_meeting_moved_and_moved_back_is_reminded_once(
    placed, sent, event, organiser, buyer, mailoutbox
):
    schedule.publish_schedule(event=event, by=organiser)
    for slot in (placed[1], placed[0]):
        meeting = Meeting.objects.get(request=sent)
        schedule.move_meeting(meeting=meeting, slot=slot, table=None, by=organiser)
        schedule.publish_schedule(event=event, by=organiser)

    states = [send(r.pk) for r in rows(emails.REMINDER, recipient=buyer)]

    assert states == [MessageState.WITHHELD] * 2 + [MessageState.SENT]
    assert len(mailoutbox) == 1


def test_reminder_withheld_once_the_organisers_turn_reminders_off(placed, event, organiser):
    schedule.publish_schedule(event=event, by=organiser)
    services.update_settings(
        event=event,
        by=organiser,
        booking_mode="organisers",
        max_requests_per_participant=None,
        reminder_minutes=0,
    )

    assert {send(r.pk) for r in rows(emails.REMINDER)} == {MessageState.WITHHELD}
