import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import User
from events.enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
from events.models import Event, Registration, Room, Session, Table
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


def url(name, event, **kwargs):
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


def session_data(**overrides):
    return {
        "kind": SessionKind.PLENARY,
        "title": "Table ronde",
        "day": "2019-11-26",
        "starts_at": "09:30",
        "ends_at": "10:30",
        "gap_minutes": "0",
    } | overrides


def absence_management(total=0):
    return {
        "absence-TOTAL_FORMS": str(total),
        "absence-INITIAL_FORMS": "0",
        "absence-MIN_NUM_FORMS": "0",
        "absence-MAX_NUM_FORMS": "10",
    }


# --- Public pages -----------------------------------------------------------------------------


def test_detail_unknown_slug_is_404(client, db):
    assert client.get("/e/nope/").status_code == 404


def test_detail_of_a_draft_is_404_for_outsiders_and_shown_to_organisers(client, organiser, buyer):
    draft = EventFactory(phase=Phase.DRAFT)
    draft.organisers.add(organiser)

    client.force_login(buyer)
    outsider = client.get(url("detail", draft))
    client.force_login(organiser)
    own = client.get(url("detail", draft))

    assert (outsider.status_code, own.status_code) == (404, 200)


def test_detail_shows_times_in_the_event_zone_24_hour(client, db):
    event = EventFactory(time_zone="Asia/Tokyo")
    SessionFactory(
        event=event,
        title="Pitchs des acheteurs",
        starts_at=dt.datetime(2019, 11, 26, 14, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        ends_at=dt.datetime(2019, 11, 26, 15, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
    )

    content = client.get(url("detail", event)).content.decode()

    assert ">14:00</time>\u2013<time" in content
    assert ">15:30</time>" in content


def test_console_of_an_unknown_event_is_404(client, organiser):
    client.force_login(organiser)

    assert client.get("/e/nope/console/").status_code == 404


def test_console_of_someone_elses_draft_is_404(client, other_organiser):
    draft = EventFactory(phase=Phase.DRAFT)
    client.force_login(other_organiser)

    assert client.get(url("console", draft)).status_code == 404


def test_session_of_another_event_is_404(client, event, organiser):
    elsewhere = SessionFactory()
    client.force_login(organiser)

    assert client.get(url("session_edit", event, pk=elsewhere.pk)).status_code == 404
    assert client.post(url("session_delete", event, pk=elsewhere.pk)).status_code == 404
    assert Session.objects.filter(pk=elsewhere.pk).exists()


def test_registration_of_another_event_is_404(client, event, organiser):
    elsewhere = RegistrationFactory(status=RegistrationStatus.PENDING)
    client.force_login(organiser)

    response = client.post(url("registration_validate", event, pk=elsewhere.pk))

    elsewhere.refresh_from_db()
    assert (response.status_code, elsewhere.status) == (404, RegistrationStatus.PENDING)


# --- Event creation and edition ---------------------------------------------------------------


def test_staff_creates_an_event_and_becomes_organiser(client, db):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.post(
        reverse("events:create"),
        {
            "slug": "osez-2026",
            "title": "Osez l'ESS 2026",
            "start_date": "2026-03-12",
            "end_date": "2026-03-12",
            "venue": "Lille",
            "time_zone": "Europe/Paris",
        },
    )

    event = Event.objects.get(slug="osez-2026")
    assert response.status_code == 302
    assert list(event.organisers.all()) == [staff]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "2026-03-11"}, "end_date"),
        ({"time_zone": "Europe/Lile"}, "time_zone"),
        ({"slug": "not a slug!"}, "slug"),
        ({"start_date": "31/31/2026"}, "start_date"),
        ({"title": ""}, "title"),
    ],
)
def test_create_event_bad_input_saves_nothing(client, db, changes, field):
    client.force_login(UserFactory(is_staff=True))
    data = {
        "slug": "osez-2026",
        "title": "Osez",
        "start_date": "2026-03-12",
        "end_date": "2026-03-12",
        "venue": "Lille",
        "time_zone": "Europe/Paris",
    } | changes

    response = client.post(reverse("events:create"), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Event.objects.filter(slug="osez-2026").count() == 0


def test_edit_event_end_before_start_is_refused(client, event, organiser):
    client.force_login(organiser)
    data = {
        "title": "Autre",
        "start_date": "2019-11-26",
        "end_date": "2019-11-20",
        "venue": "Lille",
        "time_zone": "Europe/Paris",
    }

    response = client.post(url("edit", event), data)

    event.refresh_from_db()
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert event.title != "Autre"


# --- Phase, organisers ------------------------------------------------------------------------


def test_move_phase_illegal_move_shows_a_clear_message(client, event, organiser):
    client.force_login(organiser)

    response = client.post(url("move_phase", event), {"phase": Phase.LIVE}, follow=True)

    event.refresh_from_db()
    assert event.phase == Phase.REGISTRATION
    assert "one phase at a time" in response.content.decode()


def test_move_phase_garbage_is_refused(client, event, organiser):
    client.force_login(organiser)

    response = client.post(url("move_phase", event), {"phase": "<script>"})

    event.refresh_from_db()
    assert (response.status_code, event.phase) == (302, Phase.REGISTRATION)


def test_add_organiser_unknown_email_shows_error(client, event, organiser):
    client.force_login(organiser)

    response = client.post(url("organisers", event), {"email": "nobody@example.org"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert event.organisers.count() == 1


def test_remove_the_last_organiser_shows_error(client, event, organiser):
    client.force_login(organiser)

    response = client.post(url("organiser_remove", event, user_id=organiser.pk), follow=True)

    assert "The last organiser of an event cannot be removed." in response.content.decode()
    assert list(event.organisers.all()) == [organiser]


def test_remove_someone_not_organiser_is_404(client, event, organiser, buyer):
    client.force_login(organiser)

    assert client.post(url("organiser_remove", event, user_id=buyer.pk)).status_code == 404


# --- Programme form ---------------------------------------------------------------------------


def test_session_form_in_another_zone_stores_the_wall_clock_time_of_that_zone(client, organiser):
    event = EventFactory(time_zone="America/Montreal")
    event.organisers.add(organiser)
    client.force_login(organiser)

    client.post(url("session_create", event), session_data(starts_at="14:00", ends_at="15:00"))

    session = Session.objects.get(event=event)
    assert session.starts_at == dt.datetime(2019, 11, 26, 19, 0, tzinfo=dt.UTC)
    page = client.get(url("programme", event)).content.decode()
    assert "14:00\u201315:00" in page
    form_page = client.get(url("session_edit", event, pk=session.pk)).content.decode()
    assert 'value="14:00"' in form_page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "09:00"}, "ends_at"),
        ({"starts_at": "25:00"}, "starts_at"),
        ({"day": "2019-11-27"}, "day"),
        ({"kind": SessionKind.MEETINGS}, "slot_minutes"),
        ({"kind": SessionKind.MEETINGS, "slot_minutes": "90"}, "slot_minutes"),
        ({"kind": SessionKind.WORKSHOP}, "theme"),
        ({"kind": "nonsense"}, "kind"),
        ({"room": "999999"}, "room"),
        ({"facilitators": "ghost@example.org"}, "facilitators"),
        ({"kind": SessionKind.WORKSHOP, "facilitators": "x" * 200_000}, "facilitators"),
        ({"kind": SessionKind.WORKSHOP, "facilitators": "x" * 1_500}, "facilitators"),
        ({"title": ""}, "title"),
    ],
)
def test_session_form_bad_input_saves_nothing(client, event, organiser, changes, field):
    client.force_login(organiser)

    response = client.post(url("session_create", event), session_data(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Session.objects.filter(event=event).count() == 0


def test_session_form_room_clash_is_explained(client, event, organiser):
    room = RoomFactory(event=event, name="Salle A")
    SessionFactory(event=event, room=room, title="Table ronde")
    client.force_login(organiser)

    response = client.post(
        url("session_create", event),
        session_data(title="Pitchs", room=str(room.pk), starts_at="10:00", ends_at="11:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["room"] == [
        "The room “Salle A” is already used by “Table ronde” from 09:30 to 10:30."
    ]
    assert Session.objects.filter(title="Pitchs").count() == 0


def test_session_form_creates_a_workshop(client, event, organiser):
    room = RoomFactory(event=event, capacity=40)
    facilitator = UserFactory()
    client.force_login(organiser)

    response = client.post(
        url("session_create", event),
        session_data(
            kind=SessionKind.WORKSHOP,
            title="Alimentation",
            room=str(room.pk),
            theme="food",
            capacity="30",
            facilitators=facilitator.email.upper(),
            expected_outcome="Des pistes concrètes",
        ),
    )

    workshop = Workshop.objects.get(session__event=event)
    assert response.status_code == 302
    assert (workshop.capacity, list(workshop.facilitators.all())) == (30, [facilitator])
    detail = client.get(url("detail", event)).content.decode()
    assert "Des pistes concrètes" in detail


def test_session_form_edit_workshop_keeps_its_values(client, event, organiser):
    room = RoomFactory(event=event, capacity=40)
    client.force_login(organiser)
    client.post(
        url("session_create", event),
        session_data(
            kind=SessionKind.WORKSHOP,
            title="Déchets",
            room=str(room.pk),
            theme="waste",
            capacity="25",
        ),
    )
    session = Session.objects.get(event=event)

    form = client.get(url("session_edit", event, pk=session.pk)).context["form"]

    assert (form.initial["theme"], form.initial["capacity"]) == ("waste", 25)


# --- Rooms and tables -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "capacity": "10"}, "name"),
        ({"name": "B", "capacity": "-1"}, "capacity"),
        ({"name": "B", "capacity": "abc"}, "capacity"),
        ({"name": "Salle A", "capacity": "10"}, "name"),
    ],
)
def test_room_form_bad_input_saves_nothing(client, event, organiser, data, field):
    RoomFactory(event=event, name="Salle A")
    client.force_login(organiser)

    response = client.post(url("rooms", event), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Room.objects.filter(event=event).count() == 1


def test_room_edit_of_another_event_is_404(client, event, organiser):
    client.force_login(organiser)

    assert client.get(url("room_edit", event, pk=RoomFactory().pk)).status_code == 404


def test_tables_bulk_form_creates_a_series(client, event, organiser):
    client.force_login(organiser)

    response = client.post(
        url("tables_bulk", event),
        {"prefix": "T", "first": "1", "last": "20", "zone": "Hall A", "accessible": "on"},
    )

    assert response.status_code == 302
    assert Table.objects.filter(event=event, zone="Hall A").count() == 20


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"prefix": "T", "first": "5", "last": "1"}, "last"),
        ({"prefix": "T", "first": "1", "last": "500"}, "last"),
        ({"prefix": "T", "first": "x", "last": "3"}, "first"),
    ],
)
def test_tables_bulk_form_bad_input_saves_nothing(client, event, organiser, data, field):
    client.force_login(organiser)

    response = client.post(url("tables_bulk", event), data)

    assert response.status_code == 200
    assert field in response.context["bulk_form"].errors
    assert Table.objects.filter(event=event).count() == 0


def test_table_form_duplicate_name_saves_nothing(client, event, organiser):
    TableFactory(event=event, name="T01")
    client.force_login(organiser)

    response = client.post(url("tables", event), {"name": "T01", "zone": "", "accessible": "on"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    assert Table.objects.filter(event=event).count() == 1


# --- Registration by the person ---------------------------------------------------------------


def test_register_form_registers_as_visitor_without_organisation(client, event):
    person = UserFactory()
    client.force_login(person)

    response = client.post(url("register", event), {"organisation": "", **absence_management()})

    registration = Registration.objects.get(event=event, user=person)
    assert response.status_code == 302
    assert (registration.role, registration.status) == (
        RegistrationRole.VISITOR,
        RegistrationStatus.PENDING,
    )


def test_register_form_with_unavailability_in_the_event_zone(client):
    event = EventFactory(time_zone="Asia/Tokyo")
    person = MembershipFactory().user
    client.force_login(person)
    data = {
        "organisation": str(person.memberships.get().organisation_id),
        "max_meetings": "5",
        "needs_accessible_table": "on",
        **absence_management(1),
        "absence-0-day": "2019-11-26",
        "absence-0-starts_at": "14:00",
        "absence-0-ends_at": "15:00",
        "absence-0-reason": "Atelier",
    }

    client.post(url("register", event), data)

    registration = Registration.objects.get(event=event, user=person)
    absence = registration.unavailabilities.get()
    assert absence.starts_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "14:00"
    assert (registration.role, registration.max_meetings, registration.needs_accessible_table) == (
        RegistrationRole.ESS,
        5,
        True,
    )
    page = client.get(url("register", event)).content.decode()
    assert 'value="14:00"' in page


@pytest.mark.parametrize(
    "changes",
    [
        {"organisation": "999999"},
        {"max_meetings": "0"},
        {"max_meetings": "many"},
        {
            **absence_management(1),
            "absence-0-day": "2019-11-26",
            "absence-0-starts_at": "15:00",
            "absence-0-ends_at": "14:00",
        },
        {
            **absence_management(1),
            "absence-0-day": "2030-01-01",
            "absence-0-starts_at": "14:00",
            "absence-0-ends_at": "15:00",
        },
        {
            **absence_management(1),
            "absence-0-day": "2019-11-26",
            "absence-0-starts_at": "noon",
            "absence-0-ends_at": "15:00",
        },
    ],
)
def test_register_form_bad_input_saves_nothing(client, event, changes):
    person = UserFactory()
    client.force_login(person)

    response = client.post(url("register", event), {**absence_management(), **changes})

    assert response.status_code == 200
    assert "Please correct the errors below" in response.content.decode()
    assert Registration.objects.filter(user=person).count() == 0


def test_register_for_an_organisation_of_someone_else_is_refused(client, event, buyer_org):
    person = UserFactory()
    client.force_login(person)

    response = client.post(
        url("register", event), {"organisation": str(buyer_org.pk), **absence_management()}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organisation"]
    assert Registration.objects.filter(user=person).count() == 0


def test_register_when_registration_is_closed_is_403(client, db):
    event = EventFactory(phase=Phase.SCHEDULING)
    client.force_login(UserFactory())

    assert client.get(url("register", event)).status_code == 403


def test_edit_then_cancel_own_registration(client, event, ess_member):
    client.force_login(ess_member)
    org = ess_member.memberships.get().organisation

    client.post(
        url("register", event),
        {"organisation": str(org.pk), "max_meetings": "3", **absence_management()},
    )
    client.post(url("cancel_registration", event))

    registration = Registration.objects.get(event=event, user=ess_member)
    assert (registration.max_meetings, registration.status) == (3, RegistrationStatus.CANCELLED)


# --- Registrations console --------------------------------------------------------------------


def test_registrations_filters_by_status_and_role(client, event, organiser, buyer, ess_member):
    RegistrationFactory(event=event, status=RegistrationStatus.PENDING, role=RegistrationRole.ESS)
    client.force_login(organiser)

    response = client.get(url("registrations", event), {"status": "validated", "role": "buyer"})

    assert [r.user for r in response.context["registrations"]] == [buyer]


def test_registrations_bad_filter_shows_an_error_not_a_500(client, event, organiser):
    client.force_login(organiser)

    response = client.get(url("registrations", event), {"status": "nonsense"})

    assert response.status_code == 200


def test_validate_with_htmx_returns_the_row(client, event, organiser):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    client.force_login(organiser)

    response = client.post(
        url("registration_validate", event, pk=registration.pk), headers={"HX-Request": "true"}
    )

    registration.refresh_from_db()
    content = response.content.decode()
    assert registration.status == RegistrationStatus.VALIDATED
    assert content.strip().startswith(f'<tr id="registration-{registration.pk}"')
    assert "<html" not in content


def test_refuse_without_reason_with_htmx_is_400_and_saves_nothing(client, event, organiser):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    client.force_login(organiser)

    response = client.post(
        url("registration_refuse", event, pk=registration.pk),
        {"reason": ""},
        headers={"HX-Request": "true"},
    )

    registration.refresh_from_db()
    assert (response.status_code, registration.status) == (400, RegistrationStatus.PENDING)
    assert "Say why the registration is refused." in response.content.decode()


@pytest.mark.parametrize("reason", ["", "Doublon"])
def test_refusing_a_registration_refused_meanwhile_says_so_with_htmx(
    client, event, organiser, reason
):
    registration = RegistrationFactory(
        event=event, status=RegistrationStatus.REFUSED, refusal_reason="Complet"
    )
    client.force_login(organiser)

    response = client.post(
        url("registration_refuse", event, pk=registration.pk),
        {"reason": reason},
        headers={"HX-Request": "true"},
    )

    registration.refresh_from_db()
    assert (response.status_code, registration.refusal_reason) == (409, "Complet")
    assert response["HX-Retarget"] == "#refusal"  # the page's message area (role=alert)
    assert "This registration is already refused." in response.content.decode()


def test_refuse_without_reason_without_js_explains(client, event, organiser):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    client.force_login(organiser)

    response = client.post(
        url("registration_refuse", event, pk=registration.pk), {"reason": ""}, follow=True
    )

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert "Say why the registration is refused." in response.content.decode()


def test_refuse_with_reason_keeps_the_filters(client, event, organiser):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    client.force_login(organiser)

    response = client.post(
        url("registration_refuse", event, pk=registration.pk),
        {"reason": "Doublon", "filters": "status=pending"},
    )

    registration.refresh_from_db()
    assert (registration.status, response.url) == (
        RegistrationStatus.REFUSED,
        url("registrations", event) + "?status=pending",
    )


def test_on_behalf_form_new_person(
    client, event, organiser, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("register_on_behalf", event),
            {
                "email": "facilitatrice@example.org",
                "first_name": "Inès",
                "role": RegistrationRole.FACILITATOR,
            },
        )

    registration = Registration.objects.get(user__email="facilitatrice@example.org")
    assert response.status_code == 302
    assert registration.role == RegistrationRole.FACILITATOR
    assert [m.to for m in mailoutbox] == [["facilitatrice@example.org"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "x@example.org", "organisation": "999999"}, "organisation"),
        ({"email": "x@example.org", "role": "buyer"}, "role"),
        ({"email": "x@example.org", "max_meetings": "-3"}, "max_meetings"),
    ],
)
def test_on_behalf_form_bad_input_saves_nothing(client, event, organiser, data, field):
    client.force_login(organiser)

    response = client.post(url("register_on_behalf", event), {"role": "visitor", **data})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.filter(email="x@example.org").count() == 0


def test_on_behalf_form_already_registered_is_explained(client, event, organiser, buyer):
    client.force_login(organiser)

    response = client.post(
        url("register_on_behalf", event), {"email": buyer.email, "role": "visitor"}
    )

    assert response.status_code == 200
    assert f"{buyer.email} is already registered for this event." in response.content.decode()


def test_console_overview_counts(client, event, organiser, buyer, ess_member, ess_admin):
    RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    client.force_login(organiser)

    response = client.get(url("console", event))

    rows = {value: count for value, _label, count in response.context["status_rows"]}
    roles = {value: count for value, _label, count in response.context["role_rows"]}
    assert rows == {"pending": 1, "validated": 3, "refused": 0, "cancelled": 0}
    assert roles == {"buyer": 1, "ess": 3, "facilitator": 0, "visitor": 0}


def test_slots_page_lists_generated_slots(client, event, organiser):
    client.force_login(organiser)
    client.post(
        url("session_create", event),
        session_data(
            kind=SessionKind.MEETINGS,
            title="Rendez-vous",
            starts_at="14:00",
            ends_at="15:00",
            slot_minutes="15",
            gap_minutes="5",
        ),
    )

    content = client.get(url("slots", event)).content.decode()

    assert ">14:40</time>\u2013<time" in content
    assert PARIS.key in Event.objects.get(pk=event.pk).time_zone
