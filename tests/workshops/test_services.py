import pytest

from accounts.models import Theme
from events.enums import SessionKind
from tests.factories import SessionFactory, UserFactory
from workshops.models import Workshop
from workshops.services import remove_workshop, save_workshop

pytestmark = pytest.mark.django_db


def test_save_workshop_creates_then_updates_one_row():
    session = SessionFactory(kind=SessionKind.WORKSHOP)
    first, second = UserFactory(), UserFactory()

    save_workshop(
        session=session, theme=Theme.objects.get(code="food"), capacity=20, facilitators=[first]
    )
    workshop = save_workshop(
        session=session,
        theme=Theme.objects.get(code="waste"),
        capacity=35,
        facilitators=[second],
        expected_outcome="Pistes",
    )

    assert Workshop.objects.count() == 1
    assert (
        workshop.theme_id,
        workshop.capacity,
        list(workshop.facilitators.all()),
        workshop.expected_outcome,
    ) == (
        "waste",
        35,
        [second],
        "Pistes",
    )


def test_remove_workshop_deletes_it_and_keeps_the_session():
    session = SessionFactory(kind=SessionKind.WORKSHOP)
    save_workshop(session=session, theme=Theme.objects.get(code="food"), capacity=20)

    remove_workshop(session=session)

    assert (Workshop.objects.count(), session.__class__.objects.filter(pk=session.pk).exists()) == (
        0,
        True,
    )
