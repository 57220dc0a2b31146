import pytest
from django.urls import reverse

from events.enums import Phase
from tests.factories import (
    RoomFactory,
    SeatFactory,
    UserFactory,
    WaitlistEntryFactory,
)
from tests.queries import growing
from tests.workshops.conftest import make_workshop, participants
from workshops.models import Seat, WaitlistEntry, WorkshopPlan, WorkshopWish
from workshops.services import apply_plan, propose_seats, save_wishes, take_seat

pytestmark = pytest.mark.django_db


def _url(name, event, **kwargs):
    return reverse(f"workshops:{name}", kwargs={"slug": event.slug, **kwargs})


def _assign(event, organiser):
    apply_plan(proposal=propose_seats(event=event, by=organiser), by=organiser)


def test_list_shows_workshops_and_the_ranked_form_to_a_participant(client, event, ess_member):
    make_workshop(event, "Atelier Alimentation")
    client.force_login(ess_member)

    response = client.get(_url("list", event))

    content = response.content.decode()
    assert (response.status_code, "Atelier Alimentation" in content, "1st choice" in content) == (
        200,
        True,
        True,
    )


def test_list_of_a_draft_event_is_hidden(client, event, ess_member):
    event.phase = Phase.DRAFT
    event.save(update_fields=["phase"])
    client.force_login(ess_member)

    assert client.get(_url("list", event)).status_code == 404


def test_wishes_post_saves_the_ranking(client, event, ess_member):
    food, waste = make_workshop(event, "Alimentation"), make_workshop(event, "Déchets")
    client.force_login(ess_member)

    response = client.post(_url("wishes", event), {"choice_1": waste.pk, "choice_2": food.pk})

    assert response.status_code == 302
    assert list(WorkshopWish.objects.order_by("rank").values_list("workshop_id", flat=True)) == [
        waste.pk,
        food.pk,
    ]


def test_wishes_post_skips_empty_ranks(client, event, ess_member):
    food = make_workshop(event, "Alimentation")
    make_workshop(event, "Déchets")
    client.force_login(ess_member)

    client.post(_url("wishes", event), {"choice_1": "", "choice_2": food.pk})

    assert list(WorkshopWish.objects.values_list("workshop_id", "rank")) == [(food.pk, 1)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"choice_1": "{food}", "choice_2": "{food}"},
            "“Alimentation” is already your 1st choice.",
        ),
        ({"choice_1": "999999"}, "Select a valid choice."),
        ({"choice_1": "not-a-number"}, "Select a valid choice."),
    ],
)
def test_wishes_post_bad_input_shows_the_error_and_saves_nothing(
    client, event, ess_member, data, message
):
    food = make_workshop(event, "Alimentation")
    make_workshop(event, "Déchets")
    client.force_login(ess_member)

    response = client.post(
        _url("wishes", event), {k: v.format(food=food.pk) for k, v in data.items()}
    )

    assert (response.status_code, message in response.content.decode()) == (200, True)
    assert WorkshopWish.objects.count() == 0


def test_wishes_post_wants_out_of_range_saves_nothing(client, event, ess_member):
    morning = make_workshop(event, "Matin", start=(10, 0), end=(11, 0))
    make_workshop(event, "Après-midi", start=(15, 0), end=(16, 0))
    client.force_login(ess_member)

    response = client.post(_url("wishes", event), {"choice_1": morning.pk, "wants": "5"})

    assert (response.status_code, "Select a valid choice." in response.content.decode()) == (
        200,
        True,
    )
    assert WorkshopWish.objects.count() == 0


def test_wishes_post_with_htmx_returns_the_board_only(client, event, ess_member):
    food = make_workshop(event, "Alimentation")
    client.force_login(ess_member)

    response = client.post(_url("wishes", event), {"choice_1": food.pk}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert (response.status_code, content.lstrip().startswith('<div id="workshop-board"')) == (
        200,
        True,
    )
    assert "Your workshop wishes are saved." in content


def test_take_view_seats_then_waitlists(client, event, organiser, ess_member, ess_admin):
    workshop = make_workshop(event, capacity=1)
    _assign(event, organiser)
    client.force_login(ess_member)
    client.post(_url("take", event, pk=workshop.pk))
    client.force_login(ess_admin)

    response = client.post(_url("take", event, pk=workshop.pk), follow=True)

    assert "you are on its waiting list" in response.content.decode()
    assert "Waiting list: position 1" in response.content.decode()
    assert (
        Seat.objects.get().registration.user,
        WaitlistEntry.objects.get().registration.user,
    ) == (
        ess_member,
        ess_admin,
    )


def test_take_view_overlap_shows_a_clear_refusal(client, event, organiser, ess_member):
    food = make_workshop(event, "Alimentation")
    waste = make_workshop(event, "Déchets")
    _assign(event, organiser)
    client.force_login(ess_member)
    client.post(_url("take", event, pk=food.pk))

    response = client.post(_url("take", event, pk=waste.pk), follow=True)

    assert "You already have a seat in “Alimentation” at the same time" in (
        response.content.decode()
    )
    assert Seat.objects.count() == 1


def test_take_view_unknown_workshop_is_404(client, event, organiser, ess_member):
    make_workshop(event)
    _assign(event, organiser)
    client.force_login(ess_member)

    assert client.post(_url("take", event, pk=999999)).status_code == 404


def test_leave_view_promotes_the_first_waiting(client, event, organiser, ess_member, ess_admin):
    workshop = make_workshop(event, capacity=1)
    _assign(event, organiser)
    mine = ess_member.registrations.get(event=event)
    theirs = ess_admin.registrations.get(event=event)
    take_seat(registration=mine, workshop=workshop, by=ess_member)
    take_seat(registration=theirs, workshop=workshop, by=ess_admin)
    client.force_login(ess_member)

    client.post(_url("leave", event, pk=workshop.pk))

    assert (Seat.objects.get().registration, WaitlistEntry.objects.count()) == (theirs, 0)


def test_registrants_visible_to_the_workshop_facilitator_only(client, event):
    workshop = make_workshop(event)
    facilitator, other_facilitator = UserFactory(), UserFactory()
    workshop.facilitators.add(facilitator)
    seated = participants(event, 1)[0]
    SeatFactory(workshop=workshop, registration=seated)

    client.force_login(facilitator)
    seen = client.get(_url("registrants", event, pk=workshop.pk))
    client.force_login(other_facilitator)
    refused = client.get(_url("registrants", event, pk=workshop.pk))

    assert (seen.status_code, seated.organisation.name in seen.content.decode()) == (200, True)
    assert refused.status_code == 403


def test_assignment_post_proposes_then_apply_applies(client, event, organiser):
    workshop = make_workshop(event)
    person = participants(event, 1)[0]
    save_wishes(registration=person, workshop_ids=[workshop.pk], wants=1, by=person.user)
    client.force_login(organiser)

    response = client.post(_url("assignment", event), {"kind": "seats"}, follow=True)
    proposal = WorkshopPlan.objects.get()
    client.post(_url("apply", event, pk=proposal.pk))

    content = response.content.decode()
    assert ("100 %" in content, "Apply this assignment" in content) == (True, True)
    assert list(Seat.objects.values_list("registration_id", flat=True)) == [person.pk]


def test_assignment_page_flags_a_stale_proposal_and_hides_apply(client, event, organiser):
    workshop = make_workshop(event)
    propose_seats(event=event, by=organiser)
    person = participants(event, 1)[0]
    save_wishes(registration=person, workshop_ids=[workshop.pk], wants=1, by=person.user)
    client.force_login(organiser)

    content = client.get(_url("assignment", event)).content.decode()

    assert ("changed since this proposal" in content, "Apply this assignment" in content) == (
        True,
        False,
    )


def test_list_rules_out_workshops_at_the_same_time_as_my_seat(client, event, organiser, ess_member):
    food = make_workshop(event, "Alimentation")
    make_workshop(event, "Déchets")
    _assign(event, organiser)
    registration = ess_member.registrations.get(event=event)
    take_seat(registration=registration, workshop=food, by=ess_member)
    client.force_login(ess_member)

    content = client.get(_url("list", event)).content.decode()

    assert "At the same time as your workshop “Alimentation”." in content
    assert content.count("Take a seat") == 0


def test_assignment_post_unknown_kind_saves_nothing(client, event, organiser):
    make_workshop(event)
    client.force_login(organiser)

    response = client.post(_url("assignment", event), {"kind": "everything"}, follow=True)

    assert "Unknown kind of proposal." in response.content.decode()
    assert WorkshopPlan.objects.count() == 0


def test_apply_proposal_of_another_event_is_404(client, event, organiser, other_organiser):
    make_workshop(event)
    proposal = propose_seats(event=event, by=organiser)
    other_event = other_organiser.organised_events.get()
    client.force_login(other_organiser)

    response = client.post(
        reverse("workshops:apply", kwargs={"slug": other_event.slug, "pk": proposal.pk})
    )

    assert response.status_code == 404


# --- Query counts: they must not grow with the number of items -------------------------------


def test_list_query_count_is_flat(client, event, ess_member, assert_queries_constant):
    def add(n):
        SeatFactory(workshop=make_workshop(event, f"Atelier {n}"))

    client.force_login(ess_member)
    assert_queries_constant(items=growing(add), run=lambda _: client.get(_url("list", event)))


def test_registrants_query_count_is_flat(client, event, organiser, assert_queries_constant):
    workshop = make_workshop(event)

    def add(n):
        SeatFactory(workshop=workshop)
        WaitlistEntryFactory(workshop=workshop)

    client.force_login(organiser)
    assert_queries_constant(
        items=growing(add), run=lambda _: client.get(_url("registrants", event, pk=workshop.pk))
    )


def test_assignment_query_count_is_flat(client, event, organiser, assert_queries_constant):
    def add(n):
        workshop = make_workshop(event, f"Atelier {n}")
        person = participants(event, 1)[0]
        save_wishes(registration=person, workshop_ids=[workshop.pk], wants=1, by=person.user)

    def proposed(size):
        growing_items(size)
        propose_seats(event=event, by=organiser)

    growing_items = growing(add)
    client.force_login(organiser)
    assert_queries_constant(items=proposed, run=lambda _: client.get(_url("assignment", event)))


def test_assignment_page_shows_a_placement_proposal(client, event, organiser):
    room = RoomFactory(event=event, name="Salle Europe", capacity=30)
    food = make_workshop(event, "Alimentation", start=(10, 0), end=(11, 0), room=room)
    mobility = make_workshop(event, "Mobilité", start=(14, 0), end=(15, 0), room=room)
    person = participants(event, 1)[0]
    save_wishes(registration=person, workshop_ids=[food.pk, mobility.pk], wants=2, by=person.user)
    client.force_login(organiser)

    response = client.post(_url("assignment", event), {"kind": "placement"}, follow=True)

    content = response.content.decode()
    assert ("Proposed placement" in content, "Apply this placement" in content) == (True, True)
    assert "Salle Europe · 10:00\u201311:00" in content
