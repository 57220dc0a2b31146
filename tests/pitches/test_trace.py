"""A pitch's sourcing trace (pitches/trace.py, with the meetings from matching): the PDF's text
read back with pypdf, the CSV read back, for the buyer and the organisers only."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from events.enums import RegistrationRole
from matching.enums import RequestStatus
from pitches import services
from tests import roles
from tests.factories import (
    MeetingRequestFactory,
    RegistrationFactory,
    SlotFactory,
    TableFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def traced(world):
    """world.pitch (tests/pitches/conftest.py) with an answered question and a meeting."""
    world.buyer = world.users[roles.BUYER]
    services.answer_question(
        question=world.question, actor=world.buyer, answer="Deux cents goûters par jour"
    )
    buyer_reg = world.buyer.registrations.get(event=world.event)
    ess_reg = RegistrationFactory(event=world.event, organisation=world.ess_org)
    MeetingRequestFactory(
        event=world.event,
        sender=ess_reg,
        recipient=buyer_reg,
        pitch=world.pitch,
        status=RequestStatus.ACCEPTED,
        booked_slot=SlotFactory(
            session__event=world.event,
            starts_at=dt.datetime(2019, 11, 26, 13, 0, tzinfo=dt.UTC),  # 14:00 in Paris
            ends_at=dt.datetime(2019, 11, 26, 13, 20, tzinfo=dt.UTC),
        ),
        booked_table=TableFactory(event=world.event, name="T12"),
    )
    assert buyer_reg.role == RegistrationRole.BUYER
    return world


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_buyer_files_a_pdf_with_every_part_of_the_sourcing(client, traced):
    client.force_login(traced.buyer)

    response = client.get(
        reverse("pitches:trace_pdf", args=[traced.pitch.pk]), headers={"Accept-Language": "fr"}
    )

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    for expected in (
        "Trace du sourçage",
        "Goûters bio",
        traced.ess_org.name,
        "Deux cents goûters par jour",
        "Cahier des charges",
        "T12",
        "14:00",
        "Journal de sourçage",
    ):
        assert expected in text, expected


def test_the_same_trace_as_csv(client, traced):
    client.force_login(traced.buyer)

    response = client.get(
        reverse("pitches:trace_csv", args=[traced.pitch.pk]), headers={"Accept-Language": "fr"}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    sections = {row[0] for row in rows if row}
    assert {"Rendez-vous", "Questions et réponses", "Documents partagés"} <= sections
    assert any("Deux cents goûters par jour" in row for row in rows)


@pytest.mark.parametrize("who", [roles.ESS_MEMBER, roles.OTHER_ORGANISER])
def test_nobody_else_gets_the_trace(client, traced, who):
    client.force_login(traced.users[who])

    for name in ("pitches:trace_pdf", "pitches:trace_csv"):
        response = client.get(reverse(name, args=[traced.pitch.pk]))
        assert response.status_code in (403, 404)
