"""The organisers' statistics (matching/statistics.py): each figure on a small built world, the
ratios when there is nothing to divide by, the charts (SVG images), the query counts, the live
hint, and that outcomes are counted without names or notes."""

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from django.utils import timezone, translation

from events import services as event_services
from events.enums import RegistrationRole, RegistrationStatus
from matching import statistics
from matching.enums import Outcome, RequestStatus
from matching.models import MeetingPresence
from pitches.enums import InterestStatus, PitchStatus, Route
from tests.factories import (
    BuyerOrganisationFactory,
    FollowUpFactory,
    InterestFactory,
    MeetingOutcomeFactory,
    MeetingRequestFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
    SeatFactory,
    WaitlistEntryFactory,
    WorkshopFactory,
)
from tests.matching.day_world import live_day, meet
from tests.queries import growing
from tests.sockets import connected, fetch_frame_as


@pytest.fixture(autouse=True)
def in_english():
    """The labels are read in English here (French is the site's default)."""
    with translation.override("en"):
        yield


def _buyer(event, name):
    return RegistrationFactory(
        event=event, role=RegistrationRole.BUYER, organisation=BuyerOrganisationFactory(name=name)
    )


def _structure(event, name, **kinds):
    return RegistrationFactory(event=event, organisation=OrganisationFactory(name=name, **kinds))


def _values(breakdown):
    return {row.label: row.values for row in breakdown.rows}


@pytest.fixture
def world(event, organiser):
    """Two buyers and four structures on a live day: a meeting held that planned a follow-up
    (both sides checked in), one whose partner was absent, one to come, a request waiting and
    one declined; the last structure has no meeting."""
    day = live_day(event)
    b1, b2 = _buyer(event, "Ville de Lille"), _buyer(event, "CHU de Lille")
    s1 = _structure(event, "Atelier Insertion", insertion_type="ei")
    s2 = _structure(event, "ESAT du Nord", disability_type="esat", esus_agreed=True)
    s3 = _structure(event, "Coop Verte", legal_form="scop")
    s4 = _structure(event, "Asso Seule")
    held = meet(b1, s1, day.past, day.tables[0])
    absent = meet(b1, s2, day.current, day.tables[1])
    meet(b2, s3, day.next, day.tables[0])
    MeetingRequestFactory(event=event, sender=b2, recipient=s1)
    MeetingRequestFactory(event=event, sender=b2, recipient=s2, status=RequestStatus.DECLINED)
    for registration in (b1, s1):
        event_services.check_in(registration=registration, by=organiser)
    MeetingPresence.objects.create(
        request=absent,
        slot=day.current,
        table=day.tables[1],
        absent_at=timezone.now(),
        absent=s2,
        absent_reported_by=b1,
    )
    MeetingOutcomeFactory(request=held, outcome=Outcome.QUOTE_ASKED, note="Très secret")
    MeetingOutcomeFactory(
        request=held,
        organisation=s1.organisation,
        written_by=s1.user,
        outcome=Outcome.INFORMATIVE,
        note="Secret aussi",
    )
    day.held, day.people = held, (b1, b2, s1, s2, s3, s4)
    return day


def test_the_funnel_counts_each_stage(world):
    found = statistics.meetings(world.event)

    assert _values(statistics.funnel(found)) == {
        "Requested": (5,),
        "Accepted": (3,),
        "Scheduled": (3,),
        "Both sides checked in": (1,),
        "Held": (1,),
        "Follow-up planned": (1,),
        "Consultation launched": (0,),
        "Awarded": (0,),
    }


def test_the_funnel_ends_with_the_follow_ups(world):
    FollowUpFactory(
        request=world.held,
        consultation_launched_on=dt.date(2020, 2, 3),
        consultation_url="https://marches.example/ao-1",
        awarded=True,
    )

    found = statistics.meetings(world.event)

    funnel = _values(statistics.funnel(found))
    assert (funnel["Consultation launched"], funnel["Awarded"]) == ((1,), (1,))
    follow_ups = _values(statistics.follow_ups(found.figures))
    assert (follow_ups["Quote sent"], follow_ups["Not awarded"]) == ((1,), (0,))


def test_the_ratios_organisers_compare(world):
    ratios = {r.label: r for r in statistics.ratios(statistics.meetings(world.event))}

    assert {label: (r.numerator, r.denominator) for label, r in ratios.items()} == {
        "Requests accepted": (3, 5),
        "Meetings per participant": (6, 6),
        "Meetings held": (1, 2),
        "Pairs planning a follow-up": (1, 1),
        "People left with no meeting": (1, 6),
    }
    assert ratios["Requests accepted"].shown == pytest.approx(60)
    assert ratios["Meetings per participant"].shown == pytest.approx(1)


def test_the_ratios_with_nothing_to_divide_by(event):
    ratios = statistics.ratios(statistics.meetings(event))

    assert [(r.numerator, r.denominator, r.value, r.shown) for r in ratios] == [
        (0, 0, None, None)
    ] * 5


def test_ess_types_met_and_outcomes_per_buyer(world):
    found = statistics.meetings(world.event)

    assert _values(statistics.reach_per_buyer(found)) == {"Ville de Lille": (1, 1, 0, 0)}
    outcomes = statistics.outcomes_per_buyer(world.event)
    assert outcomes.series == (
        "Informative, no follow-up planned",
        "Follow-up planned: quote asked",
    )
    assert _values(outcomes) == {"Ville de Lille": (1, 1)}


def test_registrations_by_role_and_organisation_type(world):
    RegistrationFactory(event=world.event, status=RegistrationStatus.PENDING)
    # a second person of the same structure counts the structure once
    RegistrationFactory(event=world.event, organisation=world.people[3].organisation)

    roles = _values(statistics.registrations_by_role(world.event))
    types = {b.name: _values(b) for b in statistics.organisation_types(world.event)}

    assert (roles["Buyer"], roles["ESS structure"], roles["Visitor"]) == ((2, 0), (5, 1), (0, 0))
    assert (
        types["legal-forms"]["Association"],
        types["legal-forms"]["SCOP (worker cooperative)"],
    ) == (
        (3,),
        (1,),
    )
    assert types["insertion"]["EI (insertion enterprise)"] == (1,)
    assert types["disability"]["ESAT (work-based support establishment)"] == (1,)
    assert types["esus"] == {"Yes": (1,), "No": (3,)}
    assert types["buyer-kinds"]["Commune, EPCI or metropolis"] == (2,)


def test_pitches_and_interests_by_theme_and_route(event):
    reserved = PitchFactory(event=event, route=Route.RESERVED_SIAE)
    PitchFactory(event=event)
    PitchFactory(event=event, status=PitchStatus.DRAFT)
    InterestFactory(pitch=reserved)
    InterestFactory(pitch=reserved, status=InterestStatus.WITHDRAWN)

    themes, routes = statistics.pitches_and_interests(event)

    assert _values(themes)["Food and catering"] == (2, 1)
    assert _values(routes)["Reserved for SIAE (L2113-13)"] == (1, 1)
    assert _values(routes)["Sourcing only"] == (1, 0)


def test_workshop_fill_and_waiting_lists(event):
    workshop = WorkshopFactory(session__event=event, session__title="Atelier Déchets", capacity=2)
    SeatFactory(workshop=workshop)
    WaitlistEntryFactory(workshop=workshop)

    assert _values(statistics.workshop_fill(event)) == {"Atelier Déchets": (1, 1, 1)}


def test_the_page_counts_without_names_or_notes(client, world, organiser):
    client.force_login(organiser)

    page = client.get(reverse("matching:statistics", args=[world.event.slug]))

    content = page.content.decode()
    assert page.status_code == 200
    assert "Ville de Lille" in content
    for private in ("Très secret", "Secret aussi", "Atelier Insertion", "ESAT du Nord"):
        assert private not in content
    assert reverse("matching:statistics_chart", args=[world.event.slug, "funnel"]) in content


def test_an_empty_event_shows_dashes_not_errors(client, event, organiser):
    client.force_login(organiser)

    page = client.get(reverse("matching:statistics", args=[event.slug]))

    assert page.status_code == 200
    assert page.content.decode().count('<strong class="big-number">—</strong>') == 5


def test_each_chart_is_an_svg_image_without_script_fetched(client, world, organiser):
    client.force_login(organiser)
    names = [b.name for b in statistics.organisation_types(world.event)]
    names += ["roles", "themes", "routes", "funnel", "reach", "outcomes", "workshops", "follow-ups"]

    for name in names:
        chart = client.get(reverse("matching:statistics_chart", args=[world.event.slug, name]))
        assert (chart.status_code, chart["Content-Type"]) == (200, "image/svg+xml"), name
        assert "<svg" in chart.content.decode()
        assert "kozea.github.io" not in chart.content.decode()  # pygal's CDN script is off
    missing = client.get(reverse("matching:statistics_chart", args=[world.event.slug, "nope"]))
    assert missing.status_code == 404


def test_the_page_and_a_chart_cost_the_same_queries_whatever_the_size(
    assert_queries_constant, client, event, organiser
):
    day = live_day(event)
    client.force_login(organiser)

    def add_one(n):
        buyer, structure = _buyer(event, f"Acheteur {n}"), _structure(event, f"Structure {n}")
        request = meet(buyer, structure, day.past, day.tables[n])
        MeetingOutcomeFactory(request=request, outcome=Outcome.PARTNERSHIP)
        FollowUpFactory(request=request)
        PitchFactory(event=event)
        SeatFactory(workshop=WorkshopFactory(session__event=event), registration=structure)

    items = growing(add_one)
    assert_queries_constant(
        items=items,
        run=lambda _: client.get(reverse("matching:statistics", args=[event.slug])),
    )
    assert_queries_constant(
        items=items,
        run=lambda _: client.get(reverse("matching:statistics_chart", args=[event.slug, "reach"])),
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_check_in_makes_the_statistics_fetch_their_panel(event, organiser, buyer):
    registration = await sync_to_async(RegistrationFactory)(event=event)
    path = f"/ws{reverse('matching:statistics', args=[event.slug])}"
    async with connected(path, buyer) as (_communicator, accepted):
        assert accepted is False

    async with connected(path, organiser) as (communicator, accepted):
        assert accepted
        await communicator.receive_from(timeout=10)  # the frame of every (re)connect
        await sync_to_async(event_services.check_in)(registration=registration, by=organiser)
        hint = await communicator.receive_from(timeout=10)
        panel = await sync_to_async(fetch_frame_as)(organiser, hint, language="en")
    assert "Both sides checked in" in panel
    assert "<html" not in panel


def test_a_meeting_cancelled_before_its_time_is_not_a_no_show_but_one_re_paired_is(world):
    b2, s4 = world.people[1], world.people[5]
    cancelled = MeetingRequestFactory(
        event=world.event,
        sender=b2,
        recipient=s4,
        status=RequestStatus.CANCELLED,
        cancelled_slot=world.past,
        cancelled_table=world.tables[2],
    )

    before = statistics.meetings(world.event)
    MeetingPresence.objects.create(
        request=cancelled,
        slot=world.past,
        table=world.tables[2],
        absent_at=timezone.now(),
        absent=s4,
        absent_reported_by=b2,
    )
    after = statistics.meetings(world.event)

    assert (before.scheduled, before.due, before.held) == (4, 2, 1)
    assert (after.scheduled, after.due, after.held) == (4, 3, 1)
