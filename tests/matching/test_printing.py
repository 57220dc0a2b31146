"""Printed documents (matching/printing.py, matching/services/printing.py): each participant's
agenda on one A4 page, badges, one sign per table; the organisers' background job and its
downloads; a participant's own agenda. The PDFs are read back with pypdf."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from events.enums import RegistrationStatus, SessionKind
from matching import printing
from matching.enums import RunStatus
from matching.models import PrintJob
from matching.services import printing as services
from tests.factories import PARIS, SessionFactory, UserFactory
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401 (fixture)
from tests.workshops.conftest import make_workshop


def pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def stored(field) -> bytes:
    with field.open("rb") as file:
        return file.read()


def at(hour, minute=0):
    return dt.datetime(2019, 11, 26, hour, minute, tzinfo=PARIS)


@pytest.fixture
def world(event):
    """Three buyer↔ESS pairs booked at 14:00, 14:20 and 14:40 (Paris) at T01, T01 and T02; a
    plenary; French accents in names; the event in Paris (UTC+1 in November)."""
    world = make_world(event, slots=3, tables=3, pairs=3)
    world.tables[0].zone = "Espace Saône"
    world.tables[0].save()
    for i, (request, table) in enumerate(
        zip(world.requests, [world.tables[0], world.tables[0], world.tables[1]], strict=True)
    ):
        request.booked_slot = world.slots[i]
        request.booked_table = table
        request.save()
    person = world.buyers[0].user
    person.first_name, person.last_name = "Hélène", "Lefèvre"
    person.language = "fr"
    person.save()
    ess = world.ess[0]
    ess.organisation.name = "Régie de quartier Fives"
    ess.organisation.save()
    SessionFactory(
        event=event,
        kind=SessionKind.PLENARY,
        title="Plénière d’ouverture",
        starts_at=at(9, 30),
        ends_at=at(10, 30),
    )
    return world


def test_a_participants_agenda_has_times_in_the_events_zone_tables_partners_and_qr(world):
    event, buyer = world.event, world.buyers[0]

    text = pages(printing.agenda_pdf(event, buyer))

    assert len(text) == 1
    page = text[0]
    assert "Hélène Lefèvre" in page  # accents survive the fonts
    assert "14:00–14:20" in page  # 13:00 UTC, shown in Paris time
    assert "13:00" not in page
    assert "Régie de quartier Fives" in page
    assert "Table T01 · Espace Saône" in page
    assert "Plénière d’ouverture" in page and "09:30–10:30" in page
    assert "Rendez-vous" in page  # in the participant's language (French)
    assert buyer.checkin_code[:4] in page  # the check-in code, under its QR code


def test_the_agenda_is_in_each_participants_language(world):
    person = world.ess[0].user
    person.language = "en"
    person.save()

    page = pages(printing.agenda_pdf(world.event, world.ess[0]))[0]

    assert "Meeting" in page and "Rendez-vous" not in page
    assert str(world.buyers[0].organisation) in page


def test_every_agenda_one_page_each_in_badge_order_across_chunks(world, monkeypatch):
    monkeypatch.setattr(printing, "CHUNK", 2)  # 6 people: three documents merged
    people = list(printing.participants(world.event))
    made = []

    text = pages(printing.agendas_pdf(world.event, people, progress=made.append))

    assert len(text) == len(people) == 6
    assert made == [2, 2, 2]
    for person, page in zip(people, text, strict=True):
        assert person.user.get_full_name() in page


def test_table_signs_one_page_per_table_meetings_in_time_order(world):
    with translation.override("fr"):
        text = pages(printing.table_signs_pdf(world.event))

    assert len(text) == 3
    first, second, empty = text
    assert "Table T01" in first and "Espace Saône" in first
    assert first.index("14:00–14:20") < first.index("14:20–14:40")
    assert "Régie de quartier Fives" in first and str(world.buyers[1].organisation) in first
    assert "14:40–15:00" in second and str(world.ess[2].organisation) in second
    assert "Aucun rendez-vous à cette table." in empty


def test_badges_four_to_a_sheet(world):
    people = list(printing.participants(world.event))

    text = pages(printing.badges_pdf(world.event, people))

    assert len(text) == 2  # 6 badges
    assert "Hélène Lefèvre" in "".join(text)


def test_only_validated_participants_get_an_agenda(world):
    world.ess[2].status = RegistrationStatus.PENDING
    world.ess[2].save()

    assert world.ess[2] not in list(printing.participants(world.event))


def test_the_job_makes_the_three_files_and_a_new_run_replaces_them(
    world, organiser, django_capture_on_commit_callbacks
):
    event = world.event

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        job = services.start_print(event=event, by=organiser)  # eager: runs on commit

    job.refresh_from_db()
    assert job.status == RunStatus.DONE
    assert (job.done, job.total) == (6 + 2 + 3, 6 + 2 + 3)
    assert len(pages(stored(job.agendas))) == 6
    assert len(pages(stored(job.table_signs))) == 3
    first = job.agendas.name
    storage = job.agendas.storage

    with django_capture_on_commit_callbacks(execute=True):
        services.start_print(event=event, by=organiser)

    job.refresh_from_db()
    assert job.agendas.name != first and not storage.exists(first)
    assert PrintJob.objects.filter(event=event).count() == 1


def test_the_page_shows_progress_while_running_and_downloads_once_done(
    client, world, organiser, django_capture_on_commit_callbacks
):
    event = world.event
    job = PrintJob.objects.create(event=event, status=RunStatus.RUNNING, done=3, total=11)
    client.force_login(organiser)

    status = client.get(reverse("matching:print_status", args=[event.slug])).content.decode()

    assert "3 pages sur 11" in status
    assert "every 2s" in status  # polled while it runs
    with pytest.raises(ValidationError):
        services.start_print(event=event, by=organiser)

    job.status = RunStatus.QUEUED
    job.heartbeat_at = job.heartbeat_at - services.STALE_PRINT * 2
    job.save()
    with django_capture_on_commit_callbacks(execute=True):  # a stale run is replaced
        client.post(reverse("matching:print_start", args=[event.slug]))
    job.refresh_from_db()
    assert job.status == RunStatus.DONE

    response = client.get(reverse("matching:print_download", args=[event.slug, "agendas"]))
    assert response["Content-Type"] == "application/pdf"
    assert len(pages(b"".join(response.streaming_content))) == 6
    page = client.get(reverse("matching:print", args=[event.slug])).content.decode()
    assert "every 2s" not in page
    assert reverse("matching:print_download", args=[event.slug, "table_signs"]) in page


def test_a_participant_downloads_their_own_agenda_and_badge(client, world):
    event, person = world.event, world.buyers[0]
    client.force_login(person.user)

    response = client.get(reverse("matching:agenda_pdf", args=[event.slug]))
    badge = client.get(reverse("events:my_badge_pdf", args=[event.slug]))

    assert response["Content-Type"] == "application/pdf"
    assert "Hélène Lefèvre" in pages(response.content)[0]
    badge_text = pages(badge.content)
    assert len(badge_text) == 1 and "Hélène Lefèvre" in badge_text[0]


def test_somebody_else_cannot_print(client, world):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        services.start_print(event=world.event, by=outsider)
    client.force_login(outsider)
    assert client.get(reverse("matching:agenda_pdf", args=[world.event.slug])).status_code == 403


def test_a_workshop_seat_is_on_the_agenda(world):
    from tests.factories import WorkshopPlanFactory
    from workshops.services import take_seat

    person = world.buyers[0]
    workshop = make_workshop(world.event, "Atelier clauses sociales", start=(16, 0), end=(17, 0))
    WorkshopPlanFactory(event=world.event, applied=True)
    take_seat(registration=person, workshop=workshop, by=person.user)

    page = pages(printing.agenda_pdf(world.event, person))[0]

    assert "Atelier clauses sociales" in page and "16:00–17:00" in page


@pytest.mark.django_db(transaction=True)
def test_long_documents_are_rendered_by_parallel_processes_and_kept_in_order(
    event, settings, monkeypatch
):
    """Outside a transaction (as in the Celery task), chunks are rendered by forked children."""
    settings.PRINT_PROCESSES = 2
    monkeypatch.setattr(printing, "CHUNK", 2)
    make_world(event, slots=3, tables=3, pairs=3)
    people = list(printing.participants(event))
    made = []

    assert printing.processes() == 2
    text = pages(printing.agendas_pdf(event, people, progress=made.append))

    assert sorted(made) == [2, 2, 2]
    assert len(text) == 6
    for person, page in zip(people, text, strict=True):
        assert person.user.get_full_name() in page


def _numbers_pdf(event_id, ids):
    """A stand-in chunk renderer: one page listing the ids (no database)."""
    from core import pdf

    return pdf.render_pdf("print/agendas.html", {"event": {}, "pages": [f"n{i}" for i in ids]})


def _chunked_in_a_daemon(ids):
    from types import SimpleNamespace

    return printing._chunked(_numbers_pdf, SimpleNamespace(pk=0), ids, 2, None)


def test_a_celery_worker_process_may_render_in_parallel(settings):
    """Celery's prefork workers are daemonic processes; multiprocessing refuses them children
    unless the flag is lifted while the pool lives (printing._children_allowed)."""
    import billiard

    settings.PRINT_PROCESSES = 2
    pool = billiard.Pool(1)
    try:
        document = pool.apply(_chunked_in_a_daemon, ([1, 2, 3, 4, 5],))
    finally:
        pool.close()
        pool.join()

    assert pages(document) == ["n1n2", "n3n4", "n5"]  # three chunks, in order
