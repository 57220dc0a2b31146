import pytest
from django.core.exceptions import ValidationError

from events.enums import RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory
from tests.workshops.conftest import make_workshop, participants
from workshops.models import WishList, WorkshopWish
from workshops.services import apply_plan, propose_seats, save_wishes

pytestmark = pytest.mark.django_db


def _ranked(registration):
    return list(
        WorkshopWish.objects.filter(registration=registration)
        .order_by("rank")
        .values_list("workshop_id", "rank")
    )


def test_save_wishes_replaces_the_ranking(event):
    food, waste, housing = (make_workshop(event, t) for t in ("Alim", "Déchets", "Habitat"))
    (person,) = participants(event, 1)
    save_wishes(registration=person, workshop_ids=[food.pk, waste.pk], wants=1, by=person.user)

    save_wishes(registration=person, workshop_ids=[housing.pk, food.pk], wants=1, by=person.user)

    assert _ranked(person) == [(housing.pk, 1), (food.pk, 2)]


def test_save_wishes_wants_two_when_there_are_two_blocks(event):
    morning = make_workshop(event, "Matin", start=(10, 0), end=(11, 0))
    afternoon = make_workshop(event, "Après-midi", start=(15, 0), end=(16, 0))
    (person,) = participants(event, 1)

    save_wishes(
        registration=person, workshop_ids=[morning.pk, afternoon.pk], wants=2, by=person.user
    )

    assert WishList.objects.get(registration=person).wants == 2


@pytest.mark.parametrize(
    ("ids", "wants", "message"),
    [
        ("twice", 1, "only be ranked once"),
        ("other_event", 1, "does not belong to this event"),
        ("ok", 2, "between 1 and 1 workshops"),
        ("ok", 0, "between 1 and 1 workshops"),
    ],
)
def test_save_wishes_bad_input_saves_nothing(event, ids, wants, message):
    workshop = make_workshop(event)
    elsewhere = make_workshop(EventFactory())
    (person,) = participants(event, 1)
    workshop_ids = {
        "twice": [workshop.pk, workshop.pk],
        "other_event": [elsewhere.pk],
        "ok": [workshop.pk],
    }[ids]

    with pytest.raises(ValidationError, match=message):
        save_wishes(registration=person, workshop_ids=workshop_ids, wants=wants, by=person.user)
    assert (WorkshopWish.objects.count(), WishList.objects.count()) == (0, 0)


def test_save_wishes_refused_for_a_pending_registration(event):
    workshop = make_workshop(event)
    pending = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)

    with pytest.raises(ValidationError, match="Only validated participants"):
        save_wishes(registration=pending, workshop_ids=[workshop.pk], wants=1, by=pending.user)
    assert WorkshopWish.objects.count() == 0


def test_save_wishes_refused_once_seats_are_assigned(event, organiser):
    workshop = make_workshop(event)
    (person,) = participants(event, 1)
    save_wishes(registration=person, workshop_ids=[workshop.pk], wants=1, by=person.user)
    apply_plan(proposal=propose_seats(event=event, by=organiser), by=organiser)

    with pytest.raises(ValidationError, match="already assigned the seats"):
        save_wishes(registration=person, workshop_ids=[], wants=1, by=person.user)
    assert _ranked(person) == [(workshop.pk, 1)]
