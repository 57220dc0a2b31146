import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Theme, User
from events import services
from events.enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
from events.models import Registration, Session, Slot, Table
from tests.factories import (
    PARIS,
    EventFactory,
    MembershipFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    TableFactory,
    UserFactory,
)
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, tz=PARIS) -> dt.datetime:
    return dt.datetime(2019, 11, 26, hour, minute, tzinfo=tz)


# --- Phases and organisers --------------------------------------------------------------------


def test_move_phase_forward_one_step(event, organiser):
    moved = services.move_phase(event=event, to_phase=Phase.REQUESTS, by=organiser)

    event.refresh_from_db()
    assert (moved.phase, event.phase) == (Phase.REQUESTS, Phase.REQUESTS)


def test_move_phase_back_one_step(event, organiser):
    services.move_phase(event=event, to_phase=Phase.DRAFT, by=organiser)

    event.refresh_from_db()
    assert event.phase == Phase.DRAFT


def test_move_phase_skipping_a_phase_is_refused_with_the_allowed_moves(event, organiser):
    with pytest.raises(ValidationError) as error:
        services.move_phase(event=event, to_phase=Phase.PUBLISHED, by=organiser)

    event.refresh_from_db()
    assert event.phase == Phase.REGISTRATION
    assert "one phase at a time" in error.value.messages[0]
    assert str(Phase.REQUESTS.label) in error.value.messages[0]


def test_move_phase_unknown_phase_is_refused(event, organiser):
    with pytest.raises(ValidationError):
        services.move_phase(event=event, to_phase="nonsense", by=organiser)


def test_create_event_makes_the_creator_organiser_of_a_draft(db):
    staff = UserFactory(is_staff=True)

    event = services.create_event(
        created_by=staff,
        slug="osez-2026",
        title="Osez l'ESS 2026",
        start_date=dt.date(2026, 3, 12),
        end_date=dt.date(2026, 3, 12),
        venue="Lille",
    )

    assert (event.phase, list(event.organisers.all())) == (Phase.DRAFT, [staff])


def test_create_event_with_unknown_time_zone_is_refused(db):
    with pytest.raises(ValidationError):
        services.create_event(
            created_by=UserFactory(),
            slug="x",
            title="X",
            start_date=dt.date(2026, 3, 12),
            end_date=dt.date(2026, 3, 12),
            venue="Lille",
            time_zone="Europe/Lile",
        )


def test_remove_organiser_keeps_the_last_one(event, organiser):
    with pytest.raises(ValidationError) as error:
        services.remove_organiser(event=event, user=organiser, by=organiser)

    assert list(event.organisers.all()) == [organiser]
    assert error.value.messages == ["The last organiser of an event cannot be removed."]


def test_add_then_remove_organiser(event, organiser):
    colleague = UserFactory(email="Colleague@Example.org")

    services.add_organiser(event=event, email="colleague@example.org", by=organiser)
    services.remove_organiser(event=event, user=organiser, by=colleague)

    assert list(event.organisers.all()) == [colleague]


def test_add_organiser_unknown_email_is_refused(event, organiser):
    with pytest.raises(ValidationError) as error:
        services.add_organiser(event=event, email="nobody@example.org", by=organiser)

    assert list(error.value.error_dict) == ["email"]


# --- Programme and slots ----------------------------------------------------------------------


def block_kwargs(event, **overrides):
    return {
        "event": event,
        "kind": SessionKind.MEETINGS,
        "title": "Rendez-vous d'affaires",
        "starts_at": at(14),
        "ends_at": at(16),
        "slot_minutes": 20,
        "gap_minutes": 5,
    } | overrides


def slot_times(session):
    return [
        (
            s.starts_at.astimezone(PARIS).strftime("%H:%M"),
            s.ends_at.astimezone(PARIS).strftime("%H:%M"),
        )
        for s in session.slots.all()
    ]


def test_meeting_block_generates_slots_with_gaps(event):
    block = services.save_session(**block_kwargs(event))

    assert slot_times(block) == [
        ("14:00", "14:20"),
        ("14:25", "14:45"),
        ("14:50", "15:10"),
        ("15:15", "15:35"),
        ("15:40", "16:00"),
    ]


def test_meeting_block_change_regenerates_slots(event):
    block = services.save_session(**block_kwargs(event))

    services.save_session(**block_kwargs(event, slot_minutes=30, gap_minutes=0), session=block)

    assert slot_times(block) == [
        ("14:00", "14:30"),
        ("14:30", "15:00"),
        ("15:00", "15:30"),
        ("15:30", "16:00"),
    ]
    assert Slot.objects.count() == 4


def test_meeting_block_becoming_a_plenary_loses_its_slots(event):
    block = services.save_session(**block_kwargs(event))

    services.save_session(**block_kwargs(event, kind=SessionKind.PLENARY), session=block)

    block.refresh_from_db()
    assert (block.slots.count(), block.slot_minutes) == (0, None)


def test_meeting_block_where_no_slot_fits_is_refused(event):
    with pytest.raises(ValidationError) as error:
        services.save_session(**block_kwargs(event, ends_at=at(14, 15)))

    assert list(error.value.error_dict) == ["slot_minutes"]
    assert Session.objects.count() == 0


def test_session_outside_the_event_dates_is_refused(event):
    with pytest.raises(ValidationError) as error:
        services.save_session(
            event=event,
            kind=SessionKind.PLENARY,
            title="Trop tard",
            starts_at=at(10) + dt.timedelta(days=1),
            ends_at=at(11) + dt.timedelta(days=1),
        )

    assert list(error.value.error_dict) == ["starts_at"]


def test_session_ending_before_it_starts_is_refused(event):
    with pytest.raises(ValidationError) as error:
        services.save_session(
            event=event, kind=SessionKind.BREAK, title="Pause", starts_at=at(11), ends_at=at(10)
        )

    assert list(error.value.error_dict) == ["ends_at"]


def test_sessions_overlapping_in_one_room_are_refused_with_the_clash(event):
    room = RoomFactory(event=event, name="Salle A")
    SessionFactory(
        event=event, room=room, title="Table ronde", starts_at=at(9, 30), ends_at=at(10, 30)
    )

    with pytest.raises(ValidationError) as error:
        services.save_session(
            event=event,
            kind=SessionKind.PLENARY,
            title="Pitchs",
            room=room,
            starts_at=at(10),
            ends_at=at(11),
        )

    assert error.value.message_dict["room"] == [
        "The room “Salle A” is already used by “Table ronde” from 09:30 to 10:30."
    ]


def test_sessions_back_to_back_in_one_room_are_fine(event):
    room = RoomFactory(event=event)
    SessionFactory(event=event, room=room, starts_at=at(9, 30), ends_at=at(10, 30))

    services.save_session(
        event=event,
        kind=SessionKind.PLENARY,
        title="Pitchs",
        room=room,
        starts_at=at(10, 30),
        ends_at=at(11),
    )

    assert room.sessions.count() == 2


def test_workshop_session_creates_its_workshop(event):
    room = RoomFactory(event=event, capacity=40)
    facilitator = UserFactory()
    theme = Theme.objects.get(code="food")

    session = services.save_session(
        event=event,
        kind=SessionKind.WORKSHOP,
        title="Alimentation",
        room=room,
        starts_at=at(14),
        ends_at=at(16),
        workshop=services.WorkshopDetails(
            theme=theme, capacity=30, facilitators=[facilitator], expected_outcome="Trois pistes"
        ),
    )

    workshop = Workshop.objects.get(session=session)
    assert (workshop.theme, workshop.capacity, list(workshop.facilitators.all())) == (
        theme,
        30,
        [facilitator],
    )


def test_workshop_larger_than_its_room_is_refused(event):
    room = RoomFactory(event=event, capacity=20)

    with pytest.raises(ValidationError) as error:
        services.save_session(
            event=event,
            kind=SessionKind.WORKSHOP,
            title="Mobilité",
            room=room,
            starts_at=at(14),
            ends_at=at(16),
            workshop=services.WorkshopDetails(
                theme=Theme.objects.get(code="mobility"), capacity=25
            ),
        )

    assert list(error.value.error_dict) == ["capacity"]
    assert Workshop.objects.count() == 0


def test_workshop_becoming_a_break_loses_its_workshop(event):
    details = services.WorkshopDetails(theme=Theme.objects.get(code="waste"), capacity=25)
    session = services.save_session(
        event=event,
        kind=SessionKind.WORKSHOP,
        title="Déchets",
        starts_at=at(14),
        ends_at=at(16),
        workshop=details,
    )

    services.save_session(
        event=event,
        kind=SessionKind.BREAK,
        title="Pause",
        starts_at=at(14),
        ends_at=at(16),
        session=session,
    )

    assert Workshop.objects.count() == 0


def test_room_capacity_below_a_workshop_is_refused(event):
    room = RoomFactory(event=event, capacity=40)
    details = services.WorkshopDetails(theme=Theme.objects.get(code="waste"), capacity=30)
    services.save_session(
        event=event,
        kind=SessionKind.WORKSHOP,
        title="Déchets",
        room=room,
        starts_at=at(14),
        ends_at=at(16),
        workshop=details,
    )

    with pytest.raises(ValidationError) as error:
        services.save_room(event=event, room=room, name=room.name, capacity=20)

    room.refresh_from_db()
    assert (list(error.value.error_dict), room.capacity) == (["capacity"], 40)


# --- Tables -----------------------------------------------------------------------------------


def test_create_tables_in_a_zone(event):
    created, skipped = services.create_tables(
        event=event, prefix="T", first=1, last=20, zone="Hall A"
    )

    assert (len(created), skipped) == (20, [])
    assert list(Table.objects.filter(event=event).values_list("name", flat=True)[:3]) == [
        "T01",
        "T02",
        "T03",
    ]
    assert set(Table.objects.values_list("zone", flat=True)) == {"Hall A"}


def test_create_tables_skips_existing_names(event):
    TableFactory(event=event, name="T02")

    created, skipped = services.create_tables(event=event, prefix="T", first=1, last=3)

    assert ([t.name for t in created], skipped) == (["T01", "T03"], ["T02"])


def test_create_tables_pads_to_the_widest_number(event):
    created, _ = services.create_tables(event=event, prefix="B-", first=99, last=100)

    assert [t.name for t in created] == ["B-099", "B-100"]


def test_create_tables_reversed_range_is_refused(event):
    with pytest.raises(ValidationError):
        services.create_tables(event=event, prefix="T", first=5, last=1)

    assert Table.objects.count() == 0


def test_save_table_duplicate_name_is_refused(event):
    TableFactory(event=event, name="T01")

    with pytest.raises(ValidationError) as error:
        services.save_table(event=event, name="t01")

    assert list(error.value.error_dict) == ["name"]


# --- Registrations ----------------------------------------------------------------------------


def test_register_derives_the_role_from_the_organisation(event, buyer_org, ess_org):
    buyer = MembershipFactory(organisation=buyer_org).user
    supplier = MembershipFactory(organisation=ess_org).user

    as_buyer = services.register(event=event, user=buyer, organisation=buyer_org)
    as_ess = services.register(event=event, user=supplier, organisation=ess_org)
    as_visitor = services.register(event=event, user=UserFactory(), organisation=None)

    assert [r.role for r in (as_buyer, as_ess, as_visitor)] == [
        RegistrationRole.BUYER,
        RegistrationRole.ESS,
        RegistrationRole.VISITOR,
    ]
    assert as_buyer.status == RegistrationStatus.PENDING


def test_register_for_an_organisation_one_is_not_member_of_is_refused(event, ess_org):
    with pytest.raises(ValidationError) as error:
        services.register(event=event, user=UserFactory(), organisation=ess_org)

    assert list(error.value.error_dict) == ["organisation"]
    assert Registration.objects.count() == 0


def test_register_twice_is_refused_clearly(event, ess_member, ess_org):
    with pytest.raises(ValidationError) as error:
        services.register(event=event, user=ess_member, organisation=ess_org)

    assert error.value.messages == [f"{ess_member.email} is already registered for this event."]


def test_register_after_cancelling_reopens_the_registration(event, ess_member, ess_org):
    registration = Registration.objects.get(event=event, user=ess_member)
    services.cancel_registration(registration=registration, by=ess_member)

    again = services.register(event=event, user=ess_member, organisation=ess_org, max_meetings=4)

    assert (again.pk, again.status, again.max_meetings) == (
        registration.pk,
        RegistrationStatus.PENDING,
        4,
    )


def test_register_with_unavailabilities(event):
    absence = services.Absence(starts_at=at(12), ends_at=at(13, 30), reason="Déjeuner")

    registration = services.register(
        event=event, user=UserFactory(), organisation=None, absences=[absence]
    )

    assert [(u.starts_at, u.ends_at, u.reason) for u in registration.unavailabilities.all()] == [
        (at(12), at(13, 30), "Déjeuner")
    ]


def test_register_with_unavailability_outside_the_event_is_refused(event):
    absence = services.Absence(
        starts_at=at(12) + dt.timedelta(days=2), ends_at=at(13) + dt.timedelta(days=2)
    )

    with pytest.raises(ValidationError):
        services.register(event=event, user=UserFactory(), organisation=None, absences=[absence])

    assert Registration.objects.count() == 0


def test_update_registration_changing_organisation_goes_back_to_validation(event, buyer, buyer_org):
    other = MembershipFactory(user=buyer).organisation  # an ESS structure
    registration = Registration.objects.get(event=event, user=buyer)

    services.update_registration(registration=registration, organisation=other)

    registration.refresh_from_db()
    assert (registration.role, registration.status) == (
        RegistrationRole.ESS,
        RegistrationStatus.PENDING,
    )


def test_update_registration_refused_stays_as_the_organisers_left_it(event):
    registration = RegistrationFactory(
        event=event, status=RegistrationStatus.REFUSED, max_meetings=4
    )

    with pytest.raises(ValidationError, match="contact them"):
        services.update_registration(
            registration=registration, organisation=registration.organisation, max_meetings=9
        )

    registration.refresh_from_db()
    assert (registration.status, registration.max_meetings) == (RegistrationStatus.REFUSED, 4)


def test_validate_then_refuse_registration(event, organiser):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)

    services.validate_registration(registration=registration, by=organiser)
    services.refuse_registration(registration=registration, by=organiser, reason="Hors territoire")

    registration.refresh_from_db()
    assert (registration.status, registration.refusal_reason) == (
        RegistrationStatus.REFUSED,
        "Hors territoire",
    )


def test_refuse_registration_without_reason_is_refused(event, organiser):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)

    with pytest.raises(ValidationError):
        services.refuse_registration(registration=registration, by=organiser, reason="  ")

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_validate_cancelled_registration_is_refused(event, organiser):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)

    with pytest.raises(ValidationError):
        services.validate_registration(registration=registration, by=organiser)


def test_register_on_behalf_of_an_existing_member(event, organiser, ess_org):
    person = MembershipFactory(organisation=ess_org).user

    registration, created = services.register_on_behalf(
        event=event, by=organiser, email=person.email.upper(), organisation=ess_org
    )

    assert (created, registration.user, registration.status, registration.registered_by) == (
        False,
        person,
        RegistrationStatus.VALIDATED,
        organiser,
    )


def test_register_on_behalf_of_an_existing_user_outside_the_organisation_is_refused(
    event, organiser, ess_org
):
    person = UserFactory()

    with pytest.raises(ValidationError) as error:
        services.register_on_behalf(
            event=event, by=organiser, email=person.email, organisation=ess_org
        )

    assert list(error.value.error_dict) == ["organisation"]
    assert Registration.objects.filter(user=person).count() == 0


def test_register_on_behalf_of_a_new_person_invites_them(
    event, organiser, ess_org, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = services.register_on_behalf(
            event=event,
            by=organiser,
            email="nouvelle@example.org",
            first_name="Nora",
            last_name="Petit",
            organisation=ess_org,
        )

    user = User.objects.get(email="nouvelle@example.org")
    assert (created, user.has_usable_password(), registration.role) == (
        True,
        False,
        RegistrationRole.ESS,
    )
    assert ess_org.memberships.filter(user=user).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nouvelle@example.org"]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_register_on_behalf_failure_creates_no_user(
    event, organiser, ess_member, ess_org, mailoutbox
):
    with pytest.raises(ValidationError):
        services.register_on_behalf(
            event=event, by=organiser, email=ess_member.email, organisation=ess_org
        )

    assert mailoutbox == []


def test_update_event_keeps_sessions_inside_the_dates(event):
    SessionFactory(event=event, title="Table ronde")

    with pytest.raises(ValidationError):
        services.update_event(
            event=event,
            title=event.title,
            start_date=dt.date(2019, 11, 27),
            end_date=dt.date(2019, 11, 27),
            venue=event.venue,
        )


def test_event_in_another_zone_keeps_wall_clock_times_in_that_zone(db):
    event = EventFactory(time_zone="America/Montreal")
    montreal = ZoneInfo("America/Montreal")

    block = services.save_session(
        **block_kwargs(event, starts_at=at(14, tz=montreal), ends_at=at(15, tz=montreal))
    )

    first = block.slots.first()
    assert first.starts_at.astimezone(montreal).strftime("%H:%M") == "14:00"
    assert first.starts_at.astimezone(PARIS).strftime("%H:%M") == "20:00"
