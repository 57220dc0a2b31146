"""A buyer's responsible-purchasing (SPASER) indicators (matching/indicators.py): structures met
in meetings held, by type; follow-ups, consultations with a social clause or a reserved lot,
awards; per event and all together; the page and its CSV/XLSX, for the buyer's members only."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accounts.enums import InsertionType, LegalForm
from events.enums import RegistrationRole
from matching import indicators
from matching.enums import RequestStatus
from matching.models import FollowUp, MeetingPresence
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MeetingRequestFactory,
    OrganisationFactory,
    RegistrationFactory,
    SlotFactory,
    TableFactory,
)

pytestmark = pytest.mark.django_db

PAST = dt.datetime(2019, 11, 26, 9, 0, tzinfo=dt.UTC)


def held_meeting(event, buyer, structure, *, follow_up=None):
    """A meeting of `buyer` and `structure` at `event`, placed in the past, confirmed started."""
    slot = SlotFactory(
        session__event=event, starts_at=PAST, ends_at=PAST + dt.timedelta(minutes=20)
    )
    request = MeetingRequestFactory(
        event=event,
        sender=RegistrationFactory(event=event, organisation=structure),
        recipient=RegistrationFactory(event=event, organisation=buyer, role=RegistrationRole.BUYER),
        status=RequestStatus.ACCEPTED,
        booked_slot=slot,
        booked_table=TableFactory(event=event),
    )
    MeetingPresence.objects.create(request=request, slot=slot, started_at=PAST)
    if follow_up is not None:
        FollowUp.objects.create(request=request, **follow_up)
    return request


@pytest.fixture
def lille():
    return BuyerOrganisationFactory(name="Métropole Européenne de Lille")


@pytest.fixture
def two_events(lille):
    first, second = (
        EventFactory(start_date=dt.date(2019, 11, 26)),
        EventFactory(start_date=dt.date(2020, 11, 24), end_date=dt.date(2020, 11, 24)),
    )
    siae = OrganisationFactory(
        legal_form=LegalForm.ASSOCIATION, insertion_type=InsertionType.ACI, esus_agreed=True
    )
    scop = OrganisationFactory(legal_form=LegalForm.SCOP)
    held_meeting(
        first,
        lille,
        siae,
        follow_up={
            "consultation_launched_on": dt.date(2020, 3, 1),
            "consultation_url": "https://marches.example.org/1",
            "social_clause": True,
            "awarded": True,
            "amount": Decimal("12000"),
        },
    )
    held_meeting(second, lille, siae)  # met again: counted once in all
    held_meeting(
        second,
        lille,
        scop,
        follow_up={
            "consultation_launched_on": dt.date(2021, 3, 1),
            "consultation_url": "https://marches.example.org/2",
            "reserved_lot": True,
        },
    )
    held_meeting(second, BuyerOrganisationFactory(), scop)  # another buyer's: not counted
    return first, second


def test_each_event_and_all_together(lille, two_events):
    first, second = two_events

    per_event, total = indicators.for_buyer(lille)

    assert [found.event for found in per_event] == [second, first]  # latest first
    latest = per_event[0]
    assert (len(latest.structures), latest.meetings_held, latest.follow_ups) == (2, 2, 1)
    assert (latest.consultations, latest.with_reserved_lot, latest.with_social_clause) == (1, 1, 0)
    assert (len(total.structures), total.meetings_held, total.esus) == (2, 3, 1)
    assert (total.consultations, total.with_social_clause, total.with_reserved_lot) == (2, 1, 1)
    assert (total.awarded, total.amount) == (1, Decimal("12000"))
    assert sum(total.by_legal_form.values()) == 2  # each structure once
    assert sum(total.by_insertion.values()) == 1


def test_the_page_and_its_files_for_the_buyer(client, lille, two_events):
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory(organisation=lille).user)
    headers = {"Accept-Language": "fr"}

    page = client.get(reverse("matching:buyer_indicators", args=[lille.slug]), headers=headers)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("matching:buyer_indicators_file", args=[lille.slug, "csv"]),
                    headers=headers,
                ).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                reverse("matching:buyer_indicators_file", args=[lille.slug, "xlsx"]),
                headers=headers,
            ).content
        )
    )

    assert "<h1>Indicateurs d'achat responsable</h1>" in page.content.decode()
    assert ["Tous les événements", "Structures de l'ESS rencontrées", "", "2"] in rows
    assert book.active.max_row == len(rows)


def test_a_buyer_without_events_gets_an_empty_page(client, lille):
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory(organisation=lille).user)

    page = client.get(reverse("matching:buyer_indicators", args=[lille.slug]))

    assert page.status_code == 200
