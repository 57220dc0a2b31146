"""The organisers' exports (events/exports.py and every app's datasets): each list as CSV and
XLSX read back (csv, openpyxl), times in the event's zone, formulas neutralised, outcomes without
names nor notes, a constant number of queries, and who may download."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from events import exports
from events.enums import RegistrationRole
from matching.enums import Outcome, RequestStatus
from matching.models import MeetingOutcome
from tests.factories import (
    BuyerOrganisationFactory,
    FollowUpFactory,
    InterestFactory,
    MeetingRequestFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
    SeatFactory,
    SlotFactory,
    TableFactory,
    UserFactory,
)
from tests.queries import assert_queries_constant, growing
from tests.workshops.conftest import make_workshop

pytestmark = pytest.mark.django_db

UTC = dt.UTC
EVIL = '=HYPERLINK("http://evil.example","clic")'


@pytest.fixture
def day(event, organiser):
    buyer_org = BuyerOrganisationFactory(name="Métropole Européenne de Lille")
    structure = OrganisationFactory(name=EVIL)
    buyer = RegistrationFactory(
        event=event,
        organisation=buyer_org,
        role=RegistrationRole.BUYER,
        user=UserFactory(first_name="Zoé", last_name="Acheteuse"),
    )
    ess = RegistrationFactory(event=event, organisation=structure)
    pitch = PitchFactory(event=event, buyer=buyer_org, title="Vélos cargos")
    InterestFactory(pitch=pitch, organisation=structure)
    slot = SlotFactory(
        session__event=event,
        starts_at=dt.datetime(2019, 11, 26, 8, 30, tzinfo=UTC),  # 09:30 in Paris
        ends_at=dt.datetime(2019, 11, 26, 8, 50, tzinfo=UTC),
    )
    table = TableFactory(event=event, name="T04", zone="Atrium")
    request = MeetingRequestFactory(
        event=event,
        sender=ess,
        recipient=buyer,
        pitch=pitch,
        status=RequestStatus.ACCEPTED,
        booked_slot=slot,
        booked_table=table,
    )
    MeetingOutcome.objects.create(
        request=request,
        organisation=structure,
        outcome=Outcome.NOT_HELD,
        note="Secret note",
        written_by=ess.user,
    )
    FollowUpFactory(request=request)
    SeatFactory(workshop=make_workshop(event, "Atelier Mobilité"), registration=ess)
    return event


def download(client, event, name, fmt):
    response = client.get(
        reverse("events:export", args=[event.slug, name, fmt]), headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 200, response.status_code
    return response


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("dataset", [d.name for d in exports.datasets()])
def test_every_list_downloads_as_csv_and_xlsx_with_its_header(client, day, organiser, dataset):
    client.force_login(organiser)
    with translation.override("fr"):
        header = [str(column) for column in exports.DATASETS[dataset].header]

    rows = read_csv(download(client, day, dataset, "csv"))
    sheet = read_xlsx(download(client, day, dataset, "xlsx")).active

    assert rows[0] == header
    assert len(rows) >= 2  # the day has a row in each list
    assert [cell.value for cell in next(sheet.iter_rows())] == header
    assert sheet.max_row == len(rows)


def test_times_are_in_the_event_zone_and_formulas_never_run(client, day, organiser):
    client.force_login(organiser)

    meetings = read_csv(download(client, day, "meetings", "csv"))
    book = read_xlsx(download(client, day, "meetings", "xlsx"))
    organisations = read_csv(download(client, day, "organisations", "csv"))

    (meeting,) = meetings[1:]
    assert "2019-11-26 09:30" in meeting and "T04" in meeting and "Atrium" in meeting
    assert "'" + EVIL in meeting  # CSV: quoted, shown as text
    row = list(list(book.active.iter_rows())[1])
    assert dt.datetime(2019, 11, 26, 9, 30) in [cell.value for cell in row]
    evil = next(cell for cell in row if cell.value == EVIL)
    assert evil.data_type == "s"  # XLSX: text, not a formula
    assert any(r[0] == "'" + EVIL for r in organisations[1:])


def test_outcomes_are_counted_per_buyer_without_names_nor_notes(client, day, organiser):
    client.force_login(organiser)

    rows = read_csv(download(client, day, "outcomes", "csv"))

    assert rows[1:] == [["Métropole Européenne de Lille", "N'a pas eu lieu", "1"]]
    text = download(client, day, "outcomes", "xlsx").content
    assert b"Secret note" not in text
    assert "Secret note" not in str(rows) and "HYPERLINK" not in str(rows)


def test_everything_in_one_workbook_one_sheet_per_list(client, day, organiser):
    client.force_login(organiser)

    book = read_xlsx(download(client, day, "all", "xlsx"))

    assert len(book.sheetnames) == len(exports.datasets())
    assert "Inscriptions" in book.sheetnames


@pytest.mark.parametrize("name,fmt", [("all", "csv"), ("nothing", "csv"), ("meetings", "pdf")])
def test_an_unknown_list_or_format_is_not_found(client, day, organiser, name, fmt):
    client.force_login(organiser)

    response = client.get(reverse("events:export", args=[day.slug, name, fmt]))

    assert response.status_code == 404


@pytest.mark.parametrize("dataset", [d.name for d in exports.datasets()])
def test_each_list_costs_the_same_queries_for_one_or_three_rows(event, dataset):
    def add(n):
        structure = OrganisationFactory()
        ess = RegistrationFactory(event=event, organisation=structure)
        buyer = RegistrationFactory(
            event=event, organisation=BuyerOrganisationFactory(), role=RegistrationRole.BUYER
        )
        pitch = PitchFactory(event=event, buyer=buyer.organisation)
        InterestFactory(pitch=pitch, organisation=structure)
        request = MeetingRequestFactory(
            event=event,
            sender=ess,
            recipient=buyer,
            pitch=pitch,
            status=RequestStatus.ACCEPTED,
            booked_slot=SlotFactory(session__event=event),
            booked_table=TableFactory(event=event),
        )
        MeetingOutcome.objects.create(
            request=request,
            organisation=structure,
            outcome=Outcome.INFORMATIVE,
            written_by=ess.user,
        )
        FollowUpFactory(request=request)
        SeatFactory(workshop=make_workshop(event, f"Atelier {n}"), registration=ess)

    assert_queries_constant(
        items=growing(add), run=lambda _: list(exports.DATASETS[dataset].rows(event))
    )
