"""The quiet period ("cône de silence") of a pitch, through the pages: recording the launch (today
or ahead), its start lapsing pending meeting requests with both sides told, nothing about the pitch
accepted, booked, placed by hand or by the engine afterwards, the buyer's correction, and the
meetings about a pitch in its sourcing log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core import times
from matching import bridge, emails
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingRequest
from matching.services import requests as services
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.tasks import send, sweep
from pitches.enums import LogKind
from pitches.models import SourcingLogEntry
from pitches.tasks import start_due_quiet_periods
from tests.factories import PitchFactory
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401

URL = "https://marches.example.org/avis-42"


def matching_url(name, event, *args):
    return reverse(f"matching:{name}", args=[event.slug, *args])


def consultation_url(pitch):
    return reverse("pitches:consultation", args=[pitch.pk])


@pytest.fixture
def pitch(requests_phase, buyer_org, buyer):
    return PitchFactory(event=requests_phase, buyer=buyer_org, author=buyer, title="Goûters bio")


@pytest.fixture
def pending(pitch, ess_reg, buyer_reg, ess_member):
    """A pending request of the ESS structure to the buyer about the pitch."""
    return services.send_request(sender=ess_reg, recipient=buyer_reg, by=ess_member, pitch=pitch)


def states_of(request) -> list[str]:
    """The states of the lapse emails about `request`."""
    rows = OutboxMessage.objects.filter(
        kind=emails.LAPSED, object_key=f"meeting_request:{request.pk}"
    )
    return list(rows.values_list("state", flat=True))


def launched_today_not_started(pitch):
    """The launch date has come but the periodic task has not run yet."""
    pitch.consultation_launched_on = times.today(pitch.event)
    pitch.consultation_url = URL
    pitch.save()
    return pitch


def meeting_lines(pitch) -> list[str]:
    return list(
        SourcingLogEntry.objects.filter(pitch=pitch, kind=LogKind.MEETING)
        .order_by("pk")
        .values_list("summary", flat=True)
    )


# --- recording the launch ---------------------------------------------------------------------


def test_launch_today_lapses_pending_request_and_tells_both_sides(
    client, pitch, pending, buyer, ess_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(buyer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            consultation_url(pitch),
            {"launched_on": times.today(pitch.event).isoformat(), "url": URL},
        )

    pending.refresh_from_db()
    assert (response.status_code, pending.status) == (302, RequestStatus.LAPSED)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([buyer.email, ess_member.email])
    assert all(URL in mail.body and "Goûters bio" in mail.body for mail in mailoutbox)
    assert states_of(pending) == [MessageState.SENT] * 2


def test_lapsed_request_card_points_to_the_official_consultation(
    client, pitch, pending, buyer, ess_member
):
    services_launch = reverse("pitches:consultation", args=[pitch.pk])
    client.force_login(buyer)
    client.post(services_launch, {"launched_on": "2019-11-20", "url": URL})
    client.force_login(ess_member)

    page = client.get(matching_url("requests", pitch.event)).content.decode()

    assert "a lancé la consultation" in page
    assert URL in page


def test_launch_ahead_keeps_exchanges_open_and_the_page_says_until_when(
    client, pitch, pending, buyer, ess_member
):
    ahead = times.today(pitch.event) + dt.timedelta(days=10)
    client.force_login(buyer)

    response = client.post(consultation_url(pitch), {"launched_on": ahead.isoformat(), "url": URL})

    pending.refresh_from_db()
    client.force_login(ess_member)
    page = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()
    assert (response.status_code, pending.status) == (302, RequestStatus.PENDING)
    assert times.long_day(ahead) in page
    assert "restent ouverts" in page
    assert "a été lancée le" not in page
    assert buyer.has_perm("matching.accept_request", pending) is True
    assert ess_member.has_perm("pitches.express_interest", pitch) is True


def test_date_reached_closes_accepting_before_the_task_runs(client, pitch, pending, buyer):
    launched_today_not_started(pitch)
    client.force_login(buyer)

    response = client.post(matching_url("request_accept", pitch.event, pending.pk))

    pending.refresh_from_db()
    assert (response.status_code, pending.status) == (302, RequestStatus.PENDING)
    follow = client.get(matching_url("requests", pitch.event)).content.decode()
    assert "consultation officielle" in follow
    assert matching_url("request_accept", pitch.event, pending.pk) not in follow


def test_date_reached_closes_accepting_through_htmx_too(client, pitch, pending, buyer):
    launched_today_not_started(pitch)
    client.force_login(buyer)

    response = client.post(
        matching_url("request_accept", pitch.event, pending.pk), HTTP_HX_REQUEST="true"
    )

    pending.refresh_from_db()
    assert (response.status_code, pending.status) == (400, RequestStatus.PENDING)


def test_periodic_task_lapses_requests_once_when_the_date_comes(
    pitch, pending, buyer, ess_member, mailoutbox, django_capture_on_commit_callbacks
):
    launched_today_not_started(pitch)

    with django_capture_on_commit_callbacks(execute=True):
        first = start_due_quiet_periods()
    with django_capture_on_commit_callbacks(execute=True):
        second = start_due_quiet_periods()

    pending.refresh_from_db()
    pitch.refresh_from_db()
    assert (first, second, pending.status, len(mailoutbox)) == (1, 0, RequestStatus.LAPSED, 2)
    assert pitch.quiet_period_started_at is not None
    kinds = list(SourcingLogEntry.objects.filter(pitch=pitch).values_list("kind", flat=True))
    assert kinds[-2:] == [LogKind.QUIET_PERIOD, LogKind.MEETING]


def test_periodic_task_leaves_a_launch_ahead_alone(pitch, pending, buyer):
    pitch.consultation_launched_on = times.today(pitch.event) + dt.timedelta(days=2)
    pitch.consultation_url = URL
    pitch.save()

    assert start_due_quiet_periods() == 0
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


# --- nothing about the pitch afterwards -------------------------------------------------------


def test_accepted_request_about_launched_pitch_cannot_be_booked(
    client, pitch, pending, buyer, ess_member, self_service, slots, tables
):
    services.accept_request(request=pending, by=buyer)
    launched_today_not_started(pitch)
    client.force_login(ess_member)

    response = client.post(
        matching_url("request_book", pitch.event, pending.pk), {"slot": slots[0].pk}
    )

    assert (response.status_code, Meeting.objects.count()) == (302, 0)
    page = client.get(matching_url("requests", pitch.event)).content.decode()
    assert matching_url("request_book", pitch.event, pending.pk) not in page


def test_console_hand_placement_refused_for_launched_pitch(client, event, organiser):
    world = make_world(event)
    pitch = PitchFactory(event=event, buyer=world.buyers[0].organisation)
    request = world.requests[0]
    request.pitch = pitch
    request.save()
    launched_today_not_started(pitch)
    client.force_login(organiser)

    response = client.post(
        matching_url("request_place", event, request.pk), {"slot": world.slots[0].pk, "table": ""}
    )

    assert response.status_code == 200
    assert Meeting.objects.filter(request=request).count() == 0
    assert "consultation officielle" in response.content.decode()


def test_engine_run_leaves_out_requests_about_launched_pitch(
    client, event, organiser, django_capture_on_commit_callbacks
):
    world = make_world(event, pairs=2)
    pitch = PitchFactory(event=event, buyer=world.buyers[0].organisation)
    quiet = world.requests[0]
    quiet.pitch = pitch
    quiet.save()
    launched_today_not_started(pitch)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:schedule_run", args=[event.slug]))

    placed = set(Meeting.objects.values_list("request_id", flat=True))
    assert placed == {world.requests[1].pk}
    assert str(quiet.pk) not in {r["id"] for r in bridge.build(event).document["requests"]}


# --- the buyer corrects a wrong date or link ---------------------------------------------------


def test_buyer_corrects_the_launch_and_the_log_keeps_it(client, pitch, pending, buyer):
    client.force_login(buyer)
    client.post(consultation_url(pitch), {"launched_on": "2019-11-20", "url": URL})
    ahead = times.today(pitch.event) + dt.timedelta(days=30)

    page = client.get(consultation_url(pitch))
    response = client.post(
        consultation_url(pitch), {"launched_on": ahead.isoformat(), "url": URL + "-bis"}
    )

    pitch.refresh_from_db()
    assert (page.status_code, response.status_code) == (200, 302)
    assert (pitch.consultation_launched_on, pitch.consultation_url) == (ahead, URL + "-bis")
    assert (pitch.in_quiet_period, pitch.quiet_period_started_at) == (False, None)
    log = client.get(reverse("pitches:log", args=[pitch.pk])).content.decode()
    assert "Lancement de la consultation corrigé" in log
    assert URL + "-bis" in log


def test_correction_unchanged_is_a_clear_message(client, pitch, buyer):
    client.force_login(buyer)
    client.post(consultation_url(pitch), {"launched_on": "2019-11-20", "url": URL})

    response = client.post(consultation_url(pitch), {"launched_on": "2019-11-20", "url": URL})

    assert response.status_code == 200
    assert "inchangés" in response.content.decode()


def test_structure_cannot_correct_the_launch(client, pitch, buyer, ess_member):
    client.force_login(buyer)
    client.post(consultation_url(pitch), {"launched_on": "2019-11-20", "url": URL})
    client.force_login(ess_member)

    response = client.post(consultation_url(pitch), {"launched_on": "2030-01-01", "url": URL})

    pitch.refresh_from_db()
    assert (response.status_code, pitch.consultation_launched_on) == (403, dt.date(2019, 11, 20))


# --- meetings in the sourcing log ------------------------------------------------------------


def test_meetings_about_a_pitch_appear_in_its_sourcing_log(
    client, pitch, buyer, buyer_reg, ess_member, buyer_org, self_service, slots, tables
):
    client.force_login(ess_member)
    client.post(
        matching_url("request_new", pitch.event, buyer_org.pk),
        {"recipient": buyer_reg.pk, "pitch": pitch.pk},
    )
    request = MeetingRequest.objects.get()
    client.force_login(buyer)
    client.post(matching_url("request_accept", pitch.event, request.pk), {"slot": slots[1].pk})
    client.post(matching_url("request_cancel", pitch.event, request.pk))

    lines = meeting_lines(pitch)
    log = client.get(reverse("pitches:log", args=[pitch.pk])).content.decode()
    assert [line.split(" ")[0:2] for line in lines] == [["Rendez-vous", "demandé"]] + [
        ["Rendez-vous", "entre"]
    ] * 3
    assert ("acceptée" in lines[1] or "accepté" in lines[1], "réservé" in lines[2]) == (True, True)
    assert "annulé" in lines[3]
    assert all(line in log for line in lines)


def test_request_without_pitch_writes_no_log(buyer_reg, ess_reg, buyer, requests_phase):
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)

    assert SourcingLogEntry.objects.count() == 0


def test_sweep_tells_people_whose_lapse_email_was_lost(
    pitch, pending, buyer, ess_member, mailoutbox, django_capture_on_commit_callbacks
):
    launched_today_not_started(pitch)
    with django_capture_on_commit_callbacks(execute=False):  # the queued tasks are lost
        start_due_quiet_periods()
    OutboxMessage.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))

    woken, again = sweep(), sweep()

    # Woken: the two lapse emails, and the request's own, withheld (no longer awaiting an answer).
    assert (woken, again, len(mailoutbox)) == (3, 0, 2)
    assert states_of(pending) == [MessageState.SENT] * 2


def test_lapse_email_withheld_when_the_request_is_no_longer_lapsed(
    pitch, pending, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    launched_today_not_started(pitch)
    with django_capture_on_commit_callbacks(execute=False):
        start_due_quiet_periods()
    MeetingRequest.objects.filter(pk=pending.pk).update(status=RequestStatus.PENDING)

    lapse_emails = OutboxMessage.objects.filter(kind=emails.LAPSED)
    sent = [send(pk) for pk in lapse_emails.values_list("pk", flat=True)]

    assert (sent, len(mailoutbox)) == ([MessageState.WITHHELD] * 2, 0)


def test_published_version_logs_meetings_about_a_pitch(
    client, event, organiser, django_capture_on_commit_callbacks
):
    world = make_world(event, pairs=2)
    pitch = PitchFactory(event=event, buyer=world.buyers[0].organisation)
    about = world.requests[0]
    about.pitch = pitch
    about.save()
    for request, slot in zip(world.requests, world.slots, strict=False):
        services.book_meeting(request=request, slot=slot, by=organiser)
    SourcingLogEntry.objects.all().delete()  # the hand placements' lines
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:schedule_publish", args=[event.slug]))
    with django_capture_on_commit_callbacks(execute=True):  # nothing changed: nothing logged
        client.post(reverse("matching:schedule_publish", args=[event.slug]))

    lines = meeting_lines(pitch)
    assert len(lines) == 1
    assert "programmé par les organisateurs" in lines[0]
    assert times.day_and_time(world.slots[0].starts_at, event) in lines[0]


def test_catalogue_says_when_exchanges_close_on_a_launch_ahead(client, pitch, buyer):
    ahead = times.today(pitch.event) + dt.timedelta(days=10)
    client.force_login(buyer)
    client.post(consultation_url(pitch), {"launched_on": ahead.isoformat(), "url": URL})

    page = client.get(reverse("pitches:catalogue", args=[pitch.event.slug])).content.decode()

    assert f"Fin des échanges le {times.day(ahead)}" in page
    assert "Consultation lancée" not in page


def test_correction_to_a_reached_date_starts_the_quiet_period_at_once(
    client, pitch, pending, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    ahead = times.today(pitch.event) + dt.timedelta(days=10)
    client.force_login(buyer)
    client.post(consultation_url(pitch), {"launched_on": ahead.isoformat(), "url": URL})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            consultation_url(pitch),
            {"launched_on": times.today(pitch.event).isoformat(), "url": URL},
        )

    pending.refresh_from_db()
    kinds = list(SourcingLogEntry.objects.filter(pitch=pitch).values_list("kind", flat=True))
    assert (pending.status, len(mailoutbox)) == (RequestStatus.LAPSED, 2)
    assert kinds[-3:] == [LogKind.CONSULTATION_CORRECTED, LogKind.QUIET_PERIOD, LogKind.MEETING]
