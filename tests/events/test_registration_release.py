"""A registration that is refused or cancelled frees what it held: meetings (partners told),
workshop seats (the waiting list moves up, the promoted person told) and pending requests. Through
the organiser's refuse view and the participant's cancel view."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Theme
from events.enums import Phase, RegistrationStatus, SessionKind
from events.models import Slot
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingRequest
from matching.services.requests import answer_request, book_meeting, send_request
from tests.factories import (
    PARIS,
    BuyerOrganisationFactory,
    MembershipFactory,
    RegistrationFactory,
    SessionFactory,
    TableFactory,
    UserFactory,
    WorkshopPlanFactory,
)
from workshops.models import Seat, WaitlistEntry
from workshops.services import save_workshop, take_seat


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _emails_sent_in_process(eager_tasks):
    """The outbox's send tasks run on commit, here."""


@pytest.fixture
def day(event, buyer, ess_member, organiser):
    """In the requests phase: the ESS member has a booked meeting with the buyer, a pending
    request from a second buyer, a pending request of theirs to a third buyer, and the only seat of
    a workshop, for which a third participant waits."""
    event.phase = Phase.REQUESTS
    event.save(update_fields=["phase"])
    block = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        starts_at=dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 14, 20, tzinfo=PARIS),
        slot_minutes=20,
    )
    slot = Slot.objects.create(session=block, starts_at=block.starts_at, ends_at=block.ends_at)
    TableFactory(event=event, name="T01")
    leaver = ess_member.registrations.get(event=event)
    buyer_reg = buyer.registrations.get(event=event)
    booked = send_request(sender=leaver, recipient=buyer_reg, by=ess_member)
    answer_request(request=booked, accept=True, by=buyer)
    book_meeting(request=booked, slot=slot, by=buyer)
    received = send_request(sender=_other_buyer(event), recipient=leaver, by=organiser)
    sent = send_request(sender=leaver, recipient=_other_buyer(event), by=ess_member)
    workshop = save_workshop(
        session=SessionFactory(event=event, kind=SessionKind.WORKSHOP, title="Atelier mobilité"),
        theme=Theme.objects.get(code="food"),
        capacity=1,
    )
    WorkshopPlanFactory(event=event, applied=True)  # seats are open (workshops.rules)
    take_seat(registration=leaver, workshop=workshop, by=ess_member)
    waiting = RegistrationFactory(event=event)
    take_seat(registration=waiting, workshop=workshop, by=waiting.user)
    mail.outbox.clear()
    return {
        "leaver": leaver,
        "booked": booked,
        "received": received,
        "sent": sent,
        "workshop": workshop,
        "waiting": waiting,
        "buyer": buyer,
    }


def _other_buyer(event):
    organisation = BuyerOrganisationFactory()
    membership = MembershipFactory(organisation=organisation)
    return RegistrationFactory(
        event=event, user=membership.user, organisation=organisation, role="buyer"
    )


def _statuses(day) -> tuple:
    return tuple(
        MeetingRequest.objects.get(pk=day[name].pk).status
        for name in ("booked", "received", "sent")
    )


def _assert_released(day, also: tuple[str, ...] = ()) -> None:
    """Everything the leaver held is freed and the partners told (and the addresses in `also`:
    the refused person hears the organisers' decision)."""
    assert _statuses(day) == (
        RequestStatus.CANCELLED,
        RequestStatus.LAPSED,
        RequestStatus.CANCELLED,
    )
    assert Meeting.objects.filter(request=day["booked"]).exists() is False
    assert list(
        Seat.objects.filter(workshop=day["workshop"]).values_list("registration", flat=True)
    ) == [day["waiting"].pk]
    assert WaitlistEntry.objects.filter(workshop=day["workshop"]).exists() is False
    told = sorted(address for message in mail.outbox for address in message.to)
    partners = sorted(
        [
            day["buyer"].email,
            day["received"].sender.user.email,
            day["sent"].recipient.user.email,
            day["waiting"].user.email,
            *also,
        ]
    )
    assert told == partners
    to_buyer = next(m for m in mail.outbox if m.to == [day["buyer"].email])
    assert "T01" in to_buyer.body and "26/11/2019 14:00" in to_buyer.body


def test_refusing_a_registration_frees_its_meetings_seats_and_requests(
    client, event, organiser, day, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:registration_refuse", args=[event.slug, day["leaver"].pk]),
            {"reason": "Hors territoire"},
        )

    assert response.status_code == 302
    assert day["leaver"].__class__.objects.get(pk=day["leaver"].pk).status == "refused"
    _assert_released(day, also=(day["leaver"].user.email,))


def test_cancelling_ones_registration_frees_its_meetings_seats_and_requests(
    client, event, ess_member, day, django_capture_on_commit_callbacks
):
    client.force_login(ess_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:cancel_registration", args=[event.slug]))

    assert response.status_code == 302
    day["leaver"].refresh_from_db()
    assert day["leaver"].status == RegistrationStatus.CANCELLED
    _assert_released(day)


def test_cancelling_a_registration_tells_the_partners_open_pages(
    event, ess_member, day, django_capture_on_commit_callbacks
):
    from channels.layers import get_channel_layer

    from events.services import cancel_registration
    from matching import groups

    layer = get_channel_layer()
    buyer_reg = day["booked"].recipient
    channel = _join(layer, groups.my_requests(buyer_reg.pk))

    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=day["leaver"], by=ess_member)

    assert _receive(layer, channel) == {"type": "requests.changed"}


def _join(layer, group):
    from asgiref.sync import async_to_sync

    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def _receive(layer, channel):
    """The next message of `channel`; a TimeoutError when none comes within 5 seconds."""
    import asyncio

    from asgiref.sync import async_to_sync

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    return async_to_sync(receive)()


def test_a_held_meeting_stays_when_a_registration_is_refused_after_the_day(
    client, event, organiser, day, django_capture_on_commit_callbacks
):
    event.phase = Phase.CLOSED
    event.save(update_fields=["phase"])
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("events:registration_refuse", args=[event.slug, day["leaver"].pk]),
            {"reason": "Doublon"},
        )

    assert (
        MeetingRequest.objects.get(pk=day["booked"].pk).status,
        Meeting.objects.filter(request=day["booked"]).exists(),
    ) == (RequestStatus.ACCEPTED, True)


def test_deleting_ones_account_frees_meetings_seats_and_requests(
    client, ess_member, day, django_capture_on_commit_callbacks
):
    client.force_login(ess_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:delete_account"), {"password": "osez-test-password"}
        )

    assert response.status_code == 302
    assert MeetingRequest.objects.filter(pk=day["booked"].pk).exists() is False
    assert list(
        Seat.objects.filter(workshop=day["workshop"]).values_list("registration", flat=True)
    ) == [day["waiting"].pk]
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted(
        [
            day["buyer"].email,
            day["received"].sender.user.email,
            day["sent"].recipient.user.email,
            day["waiting"].user.email,
        ]
    )


def test_admin_deletes_an_account_through_the_service_only(
    client, ess_member, day, django_capture_on_commit_callbacks
):
    from accounts.models import User

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    raw_delete = client.post(
        reverse("admin:accounts_user_delete", args=[ess_member.pk]), {"post": "yes"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_accounts", "_selected_action": [ess_member.pk]},
        )

    assert raw_delete.status_code == 403
    assert User.objects.filter(pk=ess_member.pk).exists() is False
    assert MeetingRequest.objects.filter(pk=day["booked"].pk).exists() is False
    assert list(
        Seat.objects.filter(workshop=day["workshop"]).values_list("registration", flat=True)
    ) == [day["waiting"].pk]
    assert day["buyer"].email in {address for message in mail.outbox for address in message.to}
