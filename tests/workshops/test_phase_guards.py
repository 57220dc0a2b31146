"""Workshop services guard with the predicates the views ask (workshops/rules.py)."""

import pytest
from django.core.exceptions import ValidationError

from events.enums import Phase
from tests.workshops.conftest import make_workshop, participants
from workshops.models import Seat, WorkshopWish
from workshops.services import save_wishes, take_seat

pytestmark = pytest.mark.django_db


def test_take_seat_before_the_seats_are_assigned_refused(event):
    workshop = make_workshop(event)
    (person,) = participants(event, 1)

    with pytest.raises(ValidationError, match="not open"):
        take_seat(registration=person, workshop=workshop, by=person.user)
    assert Seat.objects.count() == 0


def test_take_seat_once_the_event_is_closed_refused(event, seats_open):
    workshop = make_workshop(event)
    (person,) = participants(event, 1)
    event.phase = Phase.CLOSED
    event.save(update_fields=["phase"])

    with pytest.raises(ValidationError, match="not open"):
        take_seat(registration=person, workshop=workshop, by=person.user)
    assert Seat.objects.count() == 0


def test_save_wishes_once_the_schedule_is_published_refused(event):
    workshop = make_workshop(event)
    (person,) = participants(event, 1)
    event.phase = Phase.PUBLISHED
    event.save(update_fields=["phase"])

    with pytest.raises(ValidationError, match="not open"):
        save_wishes(registration=person, workshop_ids=[workshop.pk], wants=1, by=person.user)
    assert WorkshopWish.objects.count() == 0


def test_save_wishes_while_wishes_are_open_saves_them(event):
    workshop = make_workshop(event)
    (person,) = participants(event, 1)

    save_wishes(registration=person, workshop_ids=[workshop.pk], wants=1, by=person.user)

    assert list(WorkshopWish.objects.values_list("workshop_id", flat=True)) == [workshop.pk]
