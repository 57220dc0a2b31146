"""`manage.py load_demo --day`: the demo event as the day itself, happening now, loaded through
the services of the day, idempotently; every page of the day full for the demo accounts."""

import datetime as dt
import io
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from demo import data as demo_data
from demo.day import Timeline
from events.enums import Phase, SessionKind
from events.models import Event, Registration, Slot
from matching import day_queries
from matching.enums import AbsenceReason, RequestStatus
from matching.models import (
    MeetingOutcome,
    MeetingPresence,
    MeetingRequest,
    ScheduleVersion,
    VenueScreen,
)
from tests.demo.test_demo import FAST_HASHERS, row_counts
from workshops.enums import IdeaStatus
from workshops.models import Board, Comment, Idea, Seat, Vote, WaitlistEntry, Workshop

pytestmark = pytest.mark.django_db
SLUG = demo_data.EVENT["slug"]
PARIS = ZoneInfo("Europe/Paris")


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def day(django_db_setup, django_db_blocker) -> SimpleNamespace:
    """The day loaded, then `--day` and plain `load_demo` run again, once for the module, inside a
    transaction rolled back at its end."""
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        first = load_demo("--day")
        loaded = row_counts()
        second = load_demo("--day")
        third = load_demo()
        yield SimpleNamespace(
            first=first, loaded=loaded, second=second, third=third, again=row_counts()
        )
        transaction.set_rollback(True)


@pytest.fixture
def event(day) -> Event:
    return Event.objects.get(slug=SLUG)


def slots(event) -> list[Slot]:
    return list(
        Slot.objects.filter(session__event=event, session__kind=SessionKind.MEETINGS).order_by(
            "starts_at"
        )
    )


def screen_link(output: str) -> str:
    return re.search(r"/screen/([\w-]+)/", output).group(1)


def page(client, email: str, url: str) -> str:
    client.force_login(Registration.objects.get(event__slug=SLUG, user__email=email).user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def organiser_page(client, url: str) -> str:
    client.force_login(Event.objects.get(slug=SLUG).organisers.get())
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Loading, and loading again ---------------------------------------------------------------


def test_load_demo_day_twice_changes_nothing_the_second_time(day):
    assert day.again == day.loaded
    assert "The day is live" in day.first
    assert "already loaded" in day.second
    assert "already loaded" in day.third
    assert screen_link(day.first) == screen_link(day.second) == screen_link(day.third)


def test_load_demo_day_is_live_now_in_the_third_meeting_slot(event):
    now = timezone.now()
    current = slots(event)[demo_data.DAY_SLOT_NOW]
    workshops = event.sessions.filter(kind=SessionKind.WORKSHOP)
    block = event.sessions.get(kind=SessionKind.MEETINGS)

    assert event.phase == Phase.LIVE
    assert current.starts_at <= now < current.ends_at
    assert now - current.starts_at >= dt.timedelta(minutes=demo_data.DAY_MINUTES_IN)
    assert current.starts_at.astimezone(PARIS).minute % 5 == 0
    assert all(w.ends_at <= block.starts_at for w in workshops)
    assert ScheduleVersion.objects.filter(event=event, unpublished_at=None).count() == 2
    assert VenueScreen.objects.filter(event=event, name=demo_data.DAY_SCREEN).count() == 1


def test_load_demo_day_fills_most_tables_in_every_slot_under_way_or_ended(event):
    tables = event.tables.count()

    for slot in slots(event)[: demo_data.DAY_SLOT_NOW + 1]:
        assert slot.meetings.count() >= tables * 2 // 3, slot


def test_load_demo_day_checks_most_people_in_and_a_few_never_come(event):
    validated = event.registrations.filter(status="validated")
    absent = validated.filter(checked_in_at__isnull=True)

    assert validated.count() - absent.count() >= validated.count() - 5
    assert 2 < absent.count() <= 5
    assert {(r.organisation.name, r.user.email) for r in absent} >= {
        (r.organisation.name, r.user.email)
        for r in validated.filter(
            organisation__name__in=["Mutuelle Solidaire du Nord"], checked_in_at__isnull=True
        )
    }


def test_load_demo_day_has_no_shows_of_both_kinds_and_one_re_pairing(event):
    no_shows = day_queries.no_shows(event, timezone.now())
    reasons = {n.reason for n in no_shows}
    [replaced] = [n for n in no_shows if n.replaced]
    presence = MeetingPresence.objects.get(replaced_by__isnull=False)

    assert reasons == {AbsenceReason.MARKED, AbsenceReason.NOT_CHECKED_IN}
    assert replaced.slot == slots(event)[demo_data.DAY_SLOT_NOW]
    assert presence.replaced_by.status == RequestStatus.ACCEPTED
    assert presence.replaced_by.meeting.slot == replaced.slot
    assert presence.request.status == RequestStatus.CANCELLED


def test_load_demo_day_confirms_meetings_started_in_each_slot_so_far(event):
    started = MeetingPresence.objects.filter(request__event=event, started_at__isnull=False)

    for slot in slots(event)[: demo_data.DAY_SLOT_NOW + 1]:
        assert started.filter(slot=slot).count() >= 5, slot


def test_load_demo_day_records_different_outcomes_on_both_sides(event):
    rows = MeetingOutcome.objects.filter(request__event=event)
    by_request: dict[int, set[str]] = {}
    for row in rows:
        by_request.setdefault(row.request_id, set()).add(row.outcome)
    both = [outcomes for outcomes in by_request.values() if len(outcomes) == 2]

    assert len(both) >= 10
    assert "not_held" in {row.outcome for row in rows}
    assert len({row.outcome for row in rows}) >= 6
    assert all(row.note for row in rows)


def test_load_demo_day_leaves_pending_requests_lapsed(event):
    statuses = set(MeetingRequest.objects.filter(event=event).values_list("status", flat=True))

    assert statuses == {RequestStatus.ACCEPTED, RequestStatus.LAPSED, RequestStatus.CANCELLED}


def test_load_demo_day_seats_the_demo_accounts_and_fills_one_workshop(event):
    filled = Workshop.objects.get(session__event=event, theme_id=demo_data.DAY_FILLED_WORKSHOP)

    for email, theme in demo_data.DAY_DEMO_WORKSHOPS.items():
        assert (
            Seat.objects.filter(registration__user__email=email, workshop__session__event=event)
            .get()
            .workshop.theme_id
            == theme
        )
    assert filled.seats.count() == filled.seat_capacity
    assert WaitlistEntry.objects.filter(workshop=filled).count() == demo_data.DAY_WAITING


def test_load_demo_day_fills_an_idea_board_per_workshop(event):
    boards = Board.objects.filter(workshop__session__event=event)
    ideas = Idea.objects.filter(board__in=boards)

    assert boards.count() == 4
    assert [b.workshop.theme_id for b in boards.filter(closed_at__isnull=False)] == ["waste"]
    assert boards.filter(voting_closed_at__isnull=False, closed_at=None).count() == 1
    assert boards.filter(counts_hidden=True).count() == 1
    assert ideas.count() == sum(len(b["ideas"]) for b in demo_data.DAY_BOARDS.values())
    assert ideas.filter(anonymous=True).count() >= 4
    assert ideas.filter(hidden=True).count() == 1
    assert ideas.filter(status=IdeaStatus.MERGED).count() == 1
    assert ideas.filter(status=IdeaStatus.RETAINED).count() >= 8
    assert ideas.filter(heading__isnull=False).count() >= 12
    assert Comment.objects.filter(idea__board__in=boards).count() >= 12
    assert Vote.objects.filter(idea__board__in=boards).count() >= 100
    for board in boards:
        spec = demo_data.DAY_BOARDS[board.workshop.theme_id]
        assert board.vote_budget == spec["settings"]["vote_budget"]


def test_load_demo_day_votes_follow_the_data(event):
    idea = Idea.objects.get(title=demo_data.DAY_BOARDS["mobility"]["ideas"][0]["title"])

    assert idea.votes.count() == demo_data.DAY_BOARDS["mobility"]["ideas"][0]["votes"]
    assert idea.author.email == demo_data.ESS_ACCOUNT["email"]


# --- The pages of the day, full -----------------------------------------------------------------


def test_live_dashboard_and_its_panel_are_full(client, event):
    live = organiser_page(client, reverse("matching:live", args=[SLUG]))
    panel = organiser_page(client, reverse("matching:live_panel", args=[SLUG]))
    absent = event.registrations.filter(status="validated", checked_in_at__isnull=True).first()

    for html in (live, panel):
        assert "T01" in html and "T20" in html
        assert escape(str(absent.organisation)) in html
        assert "Atelier Mobilité" in html
    assert "<html" not in panel


def test_check_in_desk_counts_arrivals(client, event):
    validated = event.registrations.filter(status="validated")
    arrived = validated.filter(checked_in_at__isnull=False).count()

    html = organiser_page(client, reverse("events:checkin_desk", args=[SLUG]))
    found = organiser_page(
        client, reverse("events:checkin_desk", args=[SLUG]) + "?q=Mutuelle+Solidaire"
    )

    assert f"{arrived}" in html and f"{validated.count()}" in html
    assert "Mutuelle Solidaire du Nord" in found


def test_venue_screen_board_shows_tables_sessions_and_moves(client, day):
    token = screen_link(day.first)

    screen = client.get(reverse("matching:screen", args=[token]))
    board = client.get(reverse("matching:screen_board", args=[token])).content.decode()

    assert screen.status_code == 200
    assert "T01" in board and "T20" in board
    assert escape("Rendez-vous d'affaires") in board
    assert "Restitution des ateliers et clôture" in board
    assert "→" in board


@pytest.mark.parametrize(
    ("account", "workshop"),
    [(demo_data.BUYER_ACCOUNT, "food"), (demo_data.ESS_ACCOUNT, "mobility")],
)
def test_agenda_shows_the_meeting_now_and_an_outcome_to_record(client, event, account, workshop):
    registration = event.registrations.get(user__email=account["email"])
    current = slots(event)[demo_data.DAY_SLOT_NOW]
    meeting_now = registration.attendances.get(slot=current).meeting
    partner = (
        meeting_now.request.recipient
        if meeting_now.request.sender_id == registration.pk
        else meeting_now.request.sender
    )

    html = page(client, account["email"], reverse("matching:agenda", args=[SLUG]))

    assert escape(str(partner.organisation)) in html
    assert reverse("matching:meeting_here", args=[SLUG, meeting_now.request_id]) in html
    assert reverse("matching:meeting_outcome", args=[SLUG, _ended_request(registration)]) in html
    assert (
        escape(Workshop.objects.get(session__event=event, theme_id=workshop).session.title) in html
    )


def _ended_request(registration) -> int:
    """A meeting of the person that has ended without their organisation's outcome."""
    now = timezone.now()
    for attendance in registration.attendances.filter(slot__ends_at__lte=now).select_related(
        "meeting"
    ):
        request_id = attendance.meeting.request_id
        if not MeetingOutcome.objects.filter(
            request_id=request_id, organisation=registration.organisation
        ).exists():
            return request_id
    raise AssertionError("every ended meeting has its outcome")


@pytest.mark.parametrize(
    ("account", "theme"),
    [(demo_data.BUYER_ACCOUNT, "food"), (demo_data.ESS_ACCOUNT, "mobility")],
)
def test_idea_board_is_full_for_its_participants(client, event, account, theme):
    workshop = Workshop.objects.get(session__event=event, theme_id=theme)
    spec = demo_data.DAY_BOARDS[theme]
    shown = [i for i in spec["ideas"] if not i.get("hidden") and "merge" not in i]

    html = page(client, account["email"], reverse("workshops:board", args=[SLUG, workshop.pk]))

    for heading in spec["headings"]:
        assert heading in html
    for item in shown:
        assert escape(item["title"]) in html
    for item in spec["ideas"]:
        if item.get("hidden"):
            assert item["title"] not in html
    theirs, other = (
        Idea.objects.get(board__workshop=workshop, title=item["title"])
        for item in (shown[0], shown[1])
    )
    assert theirs.author.email == account["email"]
    assert reverse("workshops:idea_vote", args=[SLUG, workshop.pk, theirs.pk]) not in html
    assert reverse("workshops:idea_vote", args=[SLUG, workshop.pk, other.pk]) in html


def test_closed_board_and_the_public_leads(client, event):
    workshop = Workshop.objects.get(session__event=event, theme_id="waste")
    retained = [
        i["title"] for i in demo_data.DAY_BOARDS["waste"]["ideas"] if i.get("status") == "retained"
    ]

    board = organiser_page(client, reverse("workshops:board", args=[SLUG, workshop.pk]))
    client.logout()
    detail = client.get(reverse("events:detail", args=[SLUG]))
    leads = client.get(reverse("workshops:leads", args=[SLUG])).content.decode()

    assert detail.status_code == 200
    assert reverse("workshops:leads", args=[SLUG]) in detail.content.decode()
    for title in retained:
        assert escape(title) in board
        assert escape(title) in leads
    assert "Composter les biodéchets des cantines" not in leads
    assert escape(workshop.session.title) in leads


# --- Timeline: where the day is placed -------------------------------------------------------


@pytest.mark.parametrize(
    "local",
    ["2026-03-10 10:02:31", "2026-06-15 15:59:59", "2026-12-07 04:00:00", "2026-10-25 02:30:00"],
)
def test_timeline_puts_the_slot_now_a_few_minutes_in(local):
    now = dt.datetime.fromisoformat(local).replace(tzinfo=PARIS).astimezone(dt.UTC)
    timeline = Timeline.around(now)
    meetings = next(i for i in demo_data.PROGRAMME if i["kind"] == SessionKind.MEETINGS)
    start, end = (t.astimezone(dt.UTC) for t in timeline.session(meetings))
    slot_start = start + dt.timedelta(minutes=20 * demo_data.DAY_SLOT_NOW)
    first, last = timeline.dates()

    assert (end - start) == dt.timedelta(minutes=100)
    assert dt.timedelta(minutes=demo_data.DAY_MINUTES_IN) <= now - slot_start
    assert now - slot_start < dt.timedelta(minutes=demo_data.DAY_MINUTES_IN + 5)
    assert slot_start.astimezone(PARIS).minute % 5 == 0
    assert first <= now.astimezone(PARIS).date() <= last
    assert (last - first).days <= 1
    assert timeline.later(dt.date(2020, 3, 15)) > first


def test_timeline_of_the_eve_keeps_the_2019_clock():
    timeline = Timeline.eve()
    meetings = next(i for i in demo_data.PROGRAMME if i["kind"] == SessionKind.MEETINGS)

    assert timeline.session(meetings)[0] == dt.datetime(2019, 11, 26, 13, 30, tzinfo=PARIS)
    assert timeline.dates() == (dt.date(2019, 11, 26), dt.date(2019, 11, 26))
    assert timeline.leaving("14:30") == dt.datetime(2019, 11, 26, 14, 30, tzinfo=PARIS)
    assert timeline.later(dt.date(2020, 3, 15)) == dt.date(2020, 3, 15)


def test_timeline_of_the_day_leaves_as_far_into_the_meetings_as_on_the_eve():
    timeline = Timeline.around(dt.datetime(2026, 6, 15, 16, 0, tzinfo=PARIS))
    meetings = next(i for i in demo_data.PROGRAMME if i["kind"] == SessionKind.MEETINGS)
    leaves, starts = timeline.leaving("14:30"), timeline.session(meetings)[0]

    assert leaves.astimezone(dt.UTC) - starts.astimezone(dt.UTC) == dt.timedelta(hours=1)
