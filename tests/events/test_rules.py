import pytest

from events import rules as event_rules
from events.enums import Phase, RegistrationStatus
from tests.factories import EventFactory, PitchFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (Phase.DRAFT, (False, False, False, False)),
        (Phase.REGISTRATION, (True, True, True, True)),
        (Phase.REQUESTS, (True, True, True, True)),
        (Phase.SCHEDULING, (False, False, True, True)),
        (Phase.PUBLISHED, (False, False, True, True)),
        (Phase.LIVE, (False, False, False, True)),
        (Phase.CLOSED, (False, False, False, False)),
    ],
)
def test_phase_predicates(phase, expected):
    event = EventFactory(phase=phase)
    user = UserFactory()

    result = tuple(
        p.test(user, event)
        for p in (
            event_rules.registration_open,
            event_rules.pitches_open,
            event_rules.interest_open,
            event_rules.questions_open,
        )
    )

    assert result == expected


def test_phase_predicates_accept_objects_with_an_event():
    pitch = PitchFactory(event=EventFactory(phase=Phase.SCHEDULING))

    assert (
        event_rules.pitches_open.test(None, pitch),
        event_rules.interest_open.test(None, pitch),
    ) == (False, True)


def test_register_perm_follows_the_phase():
    user = UserFactory()

    assert [user.has_perm("events.register", EventFactory(phase=p)) for p in Phase] == [
        False,
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_is_registered_ignores_cancelled_and_refused(event):
    cancelled = RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED).user
    refused = RegistrationFactory(event=event, status=RegistrationStatus.REFUSED).user
    pending = RegistrationFactory(event=event, status=RegistrationStatus.PENDING).user

    assert [event_rules.is_registered.test(u, event) for u in (cancelled, refused, pending)] == [
        False,
        False,
        True,
    ]
    assert event_rules.is_validated_participant.test(pending, event) is False


def test_staff_manage_every_event_and_see_drafts():
    staff = UserFactory(is_staff=True)
    draft = EventFactory(phase=Phase.DRAFT)

    assert (
        staff.has_perm("events.manage_event", draft),
        staff.has_perm("events.view_event", draft),
    ) == (True, True)


def test_anonymous_does_not_see_drafts(client):
    from django.contrib.auth.models import AnonymousUser

    assert AnonymousUser().has_perm("events.view_event", EventFactory(phase=Phase.DRAFT)) is False


def test_acts_as_organiser_is_the_events_organisers_and_staff():
    from events.models import Event
    from events.rules import acts_as_organiser, organised_events_filter

    event, other = EventFactory(), EventFactory()
    organiser, staff, outsider = UserFactory(), UserFactory(is_staff=True), UserFactory()
    event.organisers.add(organiser)

    assert [acts_as_organiser(u, event) for u in (organiser, staff, outsider)] == [
        True,
        True,
        False,
    ]
    assert [
        sorted(Event.objects.filter(organised_events_filter(u)).values_list("pk", flat=True))
        for u in (organiser, staff, outsider)
    ] == [[event.pk], sorted([event.pk, other.pk]), []]
