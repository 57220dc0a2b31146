import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from events.enums import Phase
from events.models import Unavailability
from matching import bridge, engine, schedule_queries
from matching.enums import RunStatus
from matching.models import Meeting, ScheduleRun, ScheduleVersion
from matching.services import schedule as services
from matching.services.requests import book_meeting
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.tasks import send
from tests.factories import TableFactory
from tests.matching.schedule_world import accepted, eager_tasks, ess, make_world  # noqa: F401


@pytest.fixture(autouse=True)
def _english():
    """Refusals and reasons are asserted in English (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(event):
    return make_world(event)


def place(world, request, slot, table, by):
    return book_meeting(request=request, slot=slot, table=table, by=by)


def draft_passes_check(event):
    problem = bridge.build_problem(event)
    return engine.check(problem, bridge.current_schedule(problem, bridge.draft_meetings(event)))


# --- runs


def test_start_run_solves_and_saves_a_checked_draft(
    world, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(event=world.event, by=organiser)

    run.refresh_from_db()
    assert (run.status, run.progress, run.stats["participants_met"]) == (RunStatus.DONE, 100, 4)
    assert Meeting.objects.filter(slot__session__event=world.event).count() == 2
    assert draft_passes_check(world.event) == []


def test_start_run_with_the_broker_down_says_started_and_leaves_the_run_queued(
    client, world, organiser, broker_down, django_capture_on_commit_callbacks, caplog
):
    client.force_login(organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("matching:schedule_run", args=[world.event.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"keep_booked": "1"}, follow=True)

    assert response.status_code == 200
    assert "The scheduling run has started." in response.content.decode()
    # Recorded, not failed: the sweep of runs left waiting queues it again once Redis is back.
    run = ScheduleRun.objects.get()
    assert (run.status, run.error) == (RunStatus.QUEUED, "")
    assert "queue: broker unavailable, matching.run_schedule" in caplog.text


def test_start_run_outside_scheduling_phases_refused(world, organiser):
    world.event.phase = Phase.REQUESTS
    world.event.save()

    with pytest.raises(ValidationError, match="scheduling, published and live"):
        services.start_run(event=world.event, by=organiser)
    assert ScheduleRun.objects.count() == 0


def test_start_run_while_one_is_queued_refused(world, organiser):
    services.start_run(event=world.event, by=organiser)  # no commit: the task is not run

    with pytest.raises(ValidationError, match="already under way"):
        services.start_run(event=world.event, by=organiser)
    assert ScheduleRun.objects.count() == 1


def test_execute_run_twice_solves_once(world, organiser):
    run = ScheduleRun.objects.create(event=world.event, requested_by=organiser)
    services.execute_run(run_id=run.pk, time_limit=2.0)

    again = services.execute_run(run_id=run.pk, time_limit=2.0)

    assert again is None
    assert ScheduleRun.objects.get(pk=run.pk).status == RunStatus.DONE


def test_execute_run_with_broken_lock_fails_with_reasons(world, organiser):
    meeting = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    Meeting.objects.filter(pk=meeting.pk).update(locked=True)
    Unavailability.objects.create(
        registration=world.ess[0],
        starts_at=world.slots[0].starts_at,
        ends_at=world.slots[0].ends_at,
    )
    run = ScheduleRun.objects.create(event=world.event, requested_by=organiser)

    services.execute_run(run_id=run.pk, time_limit=2.0)

    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "The data cannot be scheduled as it is.")
    assert len(run.violations) == 1
    assert Meeting.objects.count() == 1


# --- hand edits


def test_move_meeting_to_busy_slot_refused_and_kept(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    other = accepted(world.buyers[0], world.ess[1])
    place(world, other, world.slots[1], world.tables[0], organiser)

    with pytest.raises(ValidationError, match="already has a meeting in this slot"):
        services.move_meeting(
            meeting=first, slot=world.slots[1], table=world.tables[1], by=organiser
        )
    assert Meeting.objects.filter(request=world.requests[0]).values_list("slot", "table").get() == (
        world.slots[0].pk,
        world.tables[0].pk,
    )


def test_move_meeting_to_taken_table_refused(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    place(world, world.requests[1], world.slots[1], world.tables[0], organiser)

    with pytest.raises(ValidationError, match="already taken"):
        services.move_meeting(
            meeting=first, slot=world.slots[1], table=world.tables[0], by=organiser
        )
    assert Meeting.objects.get(request=world.requests[0]).slot_id == world.slots[0].pk


def test_move_meeting_during_unavailability_refused(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    Unavailability.objects.create(
        registration=world.buyers[0],
        starts_at=world.slots[2].starts_at,
        ends_at=world.slots[2].ends_at,
    )

    with pytest.raises(ValidationError, match="not available"):
        services.move_meeting(meeting=first, slot=world.slots[2], table=None, by=organiser)


def test_move_meeting_to_inaccessible_table_refused(world, organiser):
    world.ess[0].needs_accessible_table = True
    world.ess[0].save()
    stairs = TableFactory(event=world.event, name="T09", accessible=False)
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)

    with pytest.raises(ValidationError, match="needs an accessible table"):
        services.move_meeting(meeting=first, slot=world.slots[0], table=stairs, by=organiser)


def test_move_locked_meeting_refused(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    services.lock_meeting(meeting=first, locked=True, by=organiser)

    with pytest.raises(ValidationError, match="locked"):
        services.move_meeting(meeting=first, slot=world.slots[1], table=None, by=organiser)


def test_move_meeting_to_free_place(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)

    moved = services.move_meeting(
        meeting=first, slot=world.slots[2], table=world.tables[1], by=organiser
    )

    assert (moved.slot_id, moved.table_id, moved.attendances.count()) == (
        world.slots[2].pk,
        world.tables[1].pk,
        2,
    )
    assert draft_passes_check(world.event) == []


def test_unschedule_locked_meeting_refused(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    services.lock_meeting(meeting=first, locked=True, by=organiser)

    with pytest.raises(ValidationError, match="locked"):
        services.unschedule_meeting(meeting=first, by=organiser)
    assert Meeting.objects.count() == 1


def test_unschedule_meeting_frees_the_request(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)

    services.unschedule_meeting(meeting=first, by=organiser)

    assert (Meeting.objects.count(), world.requests[0].status) == (0, "accepted")


def test_place_request_over_cap_refused(world, organiser):
    world.buyers[0].max_meetings = 1
    world.buyers[0].save()
    place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    extra = accepted(world.buyers[0], ess(world.event))

    with pytest.raises(ValidationError, match="maximum number of meetings"):
        services.place_request(request=extra, slot=world.slots[1], table=None, by=organiser)


def test_hand_edits_outside_scheduling_phases_refused(world, organiser):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    world.event.phase = Phase.REQUESTS
    world.event.save()
    first.refresh_from_db()

    with pytest.raises(ValidationError, match="scheduling, published and live"):
        services.lock_meeting(meeting=first, locked=True, by=organiser)


# --- versions


def publish(event, by, capture):
    with capture(execute=True):
        return services.publish_schedule(event=event, by=by)


def test_publish_numbers_versions(world, organiser, django_capture_on_commit_callbacks):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    v1 = publish(world.event, organiser, django_capture_on_commit_callbacks)
    services.move_meeting(meeting=first, slot=world.slots[1], table=None, by=organiser)

    v2 = publish(world.event, organiser, django_capture_on_commit_callbacks)

    assert (v1.number, v2.number) == (1, 2)
    assert v2.meetings == [
        {
            "request": world.requests[0].pk,
            "slot": world.slots[1].pk,
            "table": world.tables[0].pk,
            "locked": False,
        }
    ]


def test_publish_unchanged_draft_refused(world, organiser, django_capture_on_commit_callbacks):
    place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    publish(world.event, organiser, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError, match="same as version 1"):
        services.publish_schedule(event=world.event, by=organiser)
    assert ScheduleVersion.objects.count() == 1


def test_publish_empty_draft_refused(world, organiser):
    with pytest.raises(ValidationError, match="no meeting to publish"):
        services.publish_schedule(event=world.event, by=organiser)


def test_publish_tells_only_people_whose_meetings_changed(
    world, organiser, django_capture_on_commit_callbacks
):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    place(world, world.requests[1], world.slots[0], world.tables[1], organiser)
    publish(world.event, organiser, django_capture_on_commit_callbacks)
    told_first = sorted(m.to[0] for m in mail.outbox)
    mail.outbox.clear()
    services.move_meeting(meeting=first, slot=world.slots[2], table=None, by=organiser)

    publish(world.event, organiser, django_capture_on_commit_callbacks)

    everyone = sorted(r.user.email for r in world.buyers + world.ess)
    moved_pair = sorted([world.buyers[0].user.email, world.ess[0].user.email])
    assert (told_first, sorted(m.to[0] for m in mail.outbox)) == (everyone, moved_pair)
    body = mail.outbox[0].body
    assert "14:00" in body and "14:40" in body


def test_schedule_emails_delivered_twice_send_once(
    world, organiser, django_capture_on_commit_callbacks
):
    place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    publish(world.event, organiser, django_capture_on_commit_callbacks)

    again = [send(pk) for pk in OutboxMessage.objects.values_list("pk", flat=True)]

    assert (again, len(mail.outbox)) == ([MessageState.SENT] * 2, 2)


def test_schedule_email_withheld_when_the_version_was_unpublished(
    world, organiser, django_capture_on_commit_callbacks
):
    place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    with django_capture_on_commit_callbacks(execute=False):  # not sent yet
        version = services.publish_schedule(event=world.event, by=organiser)
    services.unpublish_version(version=version, by=organiser)

    sent = [send(pk) for pk in OutboxMessage.objects.values_list("pk", flat=True)]

    assert (sent, len(mail.outbox)) == ([MessageState.WITHHELD] * 2, 0)


def test_unpublish_current_version_restores_previous(
    world, organiser, django_capture_on_commit_callbacks
):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    v1 = publish(world.event, organiser, django_capture_on_commit_callbacks)
    services.move_meeting(meeting=first, slot=world.slots[1], table=None, by=organiser)
    v2 = publish(world.event, organiser, django_capture_on_commit_callbacks)

    services.unpublish_version(version=v2, by=organiser)

    assert bridge.published_version(world.event) == v1


def test_unpublish_older_version_refused(world, organiser, django_capture_on_commit_callbacks):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    v1 = publish(world.event, organiser, django_capture_on_commit_callbacks)
    services.move_meeting(meeting=first, slot=world.slots[1], table=None, by=organiser)
    publish(world.event, organiser, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError, match="Only the current version"):
        services.unpublish_version(version=v1, by=organiser)


def test_compare_versions_lists_changes_per_participant(
    world, organiser, django_capture_on_commit_callbacks
):
    first = place(world, world.requests[0], world.slots[0], world.tables[0], organiser)
    v1 = publish(world.event, organiser, django_capture_on_commit_callbacks)
    services.move_meeting(meeting=first, slot=world.slots[1], table=None, by=organiser)
    place(world, world.requests[1], world.slots[0], world.tables[1], organiser)
    v2 = publish(world.event, organiser, django_capture_on_commit_callbacks)

    rows = schedule_queries.describe_changes(world.event, bridge.changes_between(v1, v2))

    kinds = {row.registration.pk: [line.kind for line in row.lines] for row in rows}
    assert kinds == {
        world.buyers[0].pk: ["moved"],
        world.ess[0].pk: ["moved"],
        world.buyers[1].pk: ["added"],
        world.ess[1].pk: ["added"],
    }
    moved = next(row for row in rows if row.registration == world.buyers[0])
    assert (moved.lines[0].before, moved.lines[0].after) == ("14:00 · T01", "14:20 · T01")


def test_publish_with_the_broker_down_succeeds_and_keeps_its_emails(
    client, world, organiser, broker_down, django_capture_on_commit_callbacks
):
    """Redis down: the publication commits and says so; its emails wait in the outbox for the
    sweep (notifications), none lost."""
    run = ScheduleRun.objects.create(event=world.event, requested_by=organiser)
    services.execute_run(run_id=run.pk, time_limit=2.0)
    client.force_login(organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:schedule_publish", args=[world.event.slug]), follow=True
        )

    assert response.status_code == 200
    assert "Version 1 is published" in response.content.decode()
    waiting = OutboxMessage.objects.filter(state=MessageState.QUEUED)
    assert waiting.filter(kind="matching.schedule_changed").count() == 4
