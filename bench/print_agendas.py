"""Benchmark of the organisers' printed documents: every agenda (and the badges and table signs)
of an event with 1,000 participants, as the Celery task makes them.

    python -m bench.print_agendas                      # 1,000 people, chunks of 50 (the app's)
    python -m bench.print_agendas --chunks 50,1000     # compare: 1000 = one WeasyPrint document

It starts its own PostgreSQL (tests/stack.py), migrates and builds, in bulk, straight to the
tables, an event in the live phase with `people` validated participants (half buyers, half ESS
structures, names with French accents): each buyer holds a table and meets 8 structures in 8 of
the 12 twenty-minute slots of the morning, so every person has 8 meetings (4,000 meetings), all
booked (where agendas and signs read them, `schedule_queries.promised_places`); a plenary, a
break and a closing plenary; a workshop seat for every second person. That is the arrangement,
not what is measured.

Then, for each chunk size, a fresh child process (spawned: nothing inherited) runs the print
task's service, `matching.services.printing.execute_print`, on a queued job and reports its wall
time, the peak resident memory of that process (`ru_maxrss`: the process doing the rendering,
WeasyPrint included), the pages of each file and their sizes. Agendas are checked: one page per
participant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SLOTS = 12
MEETINGS_EACH = 8


def build(people: int):
    """The event (see the module's docstring). Returns (event, organiser)."""
    from accounts.enums import OrganisationKind
    from accounts.models import Organisation, Theme, User
    from events.enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
    from events.models import Event, Registration, Session, Slot, Table
    from matching.enums import RequestStatus
    from matching.models import MeetingRequest
    from tests.factories import PARIS, valid_siret
    from workshops.models import Seat, Workshop

    half = people // 2
    event = Event.objects.create(
        slug="bench-print",
        title="Osez l'ESS — rencontres d'affaires (bench)",
        start_date=dt.date(2019, 11, 26),
        end_date=dt.date(2019, 11, 26),
        venue="Hôtel de la Métropole, Lille",
        phase=Phase.LIVE,
    )
    organiser = User.objects.create(email="organisatrice@bench.example", password="!")
    event.organisers.add(organiser)

    def at(hour, minute=0):
        return dt.datetime(2019, 11, 26, hour, minute, tzinfo=PARIS)

    Session.objects.create(
        event=event,
        kind=SessionKind.PLENARY,
        title="Plénière d’ouverture",
        starts_at=at(8, 30),
        ends_at=at(9),
    )
    block = Session.objects.create(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous d'affaires",
        starts_at=at(9),
        ends_at=at(9) + dt.timedelta(minutes=20 * SLOTS),
        slot_minutes=20,
    )
    Session.objects.create(
        event=event, kind=SessionKind.BREAK, title="Déjeuner", starts_at=at(13), ends_at=at(14)
    )
    workshop_session = Session.objects.create(
        event=event,
        kind=SessionKind.WORKSHOP,
        title="Atelier : clauses sociales et lots réservés",
        starts_at=at(14),
        ends_at=at(15, 30),
    )
    Session.objects.create(
        event=event,
        kind=SessionKind.PLENARY,
        title="Clôture et témoignages",
        starts_at=at(15, 45),
        ends_at=at(16, 30),
    )
    slots = Slot.objects.bulk_create(
        Slot(
            session=block,
            starts_at=block.starts_at + dt.timedelta(minutes=20 * i),
            ends_at=block.starts_at + dt.timedelta(minutes=20 * (i + 1)),
        )
        for i in range(SLOTS)
    )
    tables = Table.objects.bulk_create(
        Table(event=event, name=f"T{i + 1:03d}", zone=f"Espace {'ABCDE'[i % 5]} — étage {i % 3}")
        for i in range(half)
    )
    users = User.objects.bulk_create(
        User(
            email=f"person{i}@bench.example",
            first_name=f"Hélène{i}",
            last_name="Lefèvre-Dupré",
            language="fr" if i % 4 else "en",
        )
        for i in range(2 * half)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.BUYER if i < half else OrganisationKind.ESS,
            name=f"Métropole Européenne {i}"
            if i < half
            else f"Régie de quartier Fives-Hellemmes {i}",
            slug=f"organisation-{i}",
            siret=valid_siret(i + 1000),
            legal_form="" if i < half else "association",
            buyer_kind="local_authority" if i < half else "",
        )
        for i in range(2 * half)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            user=user,
            organisation=organisation,
            role=RegistrationRole.BUYER if i < half else RegistrationRole.ESS,
            status=RegistrationStatus.VALIDATED,
        )
        for i, (user, organisation) in enumerate(zip(users, organisations, strict=True))
    )
    # Buyer i meets structure (i + k) mod half in slot k, at its own table: nobody twice a slot.
    MeetingRequest.objects.bulk_create(
        MeetingRequest(
            event=event,
            sender=registrations[i],
            recipient=registrations[half + (i + k) % half],
            status=RequestStatus.ACCEPTED,
            booked_slot=slots[k],
            booked_table=tables[i],
        )
        for i in range(half)
        for k in range(min(MEETINGS_EACH, half))
    )
    theme = Theme.objects.order_by("pk").first()
    workshop = Workshop.objects.create(session=workshop_session, theme=theme, capacity=people)
    Seat.objects.bulk_create(Seat(workshop=workshop, registration=r) for r in registrations[::2])
    return event, organiser


def render(job_id: int, chunk: int, processes: int, env: dict, out) -> None:
    """In a spawned child: run the print task's service on the queued job; report."""
    os.environ.update(env, PRINT_PROCESSES=str(processes))
    import django

    django.setup()
    from pypdf import PdfReader

    from matching import printing
    from matching.enums import RunStatus
    from matching.models import PrintJob
    from matching.services.printing import FILES, execute_print

    printing.CHUNK = chunk
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.monotonic()
    job = execute_print(job_id=job_id)
    elapsed = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    files = {}
    for name in FILES:
        with getattr(job, name).open("rb") as file:
            data = file.read()
        files[name] = {
            "pages": len(PdfReader(io.BytesIO(data)).pages),
            "MB": round(len(data) / 1e6, 1),
        }
    job = PrintJob.objects.get(pk=job_id)
    out.put(
        {
            "chunk": chunk,
            "status": job.status,
            "seconds": round(elapsed, 1),
            "cpu_seconds": round(
                usage.ru_utime
                + usage.ru_stime
                - cpu_before
                + children.ru_utime
                + children.ru_stime,
                1,
            ),
            "processes": printing.processes(),
            "peak_MB": round(usage.ru_maxrss / 1024),
            "renderer_peak_MB": round(children.ru_maxrss / 1024),
            "seconds_by_file": job.counts.get("seconds"),
            "files": files,
            "participants": job.counts.get("participants"),
            "tables": job.counts.get("tables"),
            "ok": job.status == RunStatus.DONE,
        }
    )


def measure(people: int, chunks: list[int], processes: list[int]) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connections

    from matching.enums import RunStatus
    from matching.models import PrintJob

    started = time.monotonic()
    event, organiser = build(people)
    built = time.monotonic() - started
    job = PrintJob.objects.create(event=event, requested_by=organiser, language="fr")
    connections.close_all()
    env = {
        k: os.environ[k]
        for k in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT")
    }
    runs = []
    context = multiprocessing.get_context("spawn")
    for chunk, workers in [(c, p) for p in processes for c in chunks]:
        PrintJob.objects.filter(pk=job.pk).update(status=RunStatus.QUEUED)
        connections.close_all()
        out = context.Queue()
        child = context.Process(target=render, args=(job.pk, chunk, workers, env, out))
        child.start()
        result = out.get(timeout=1800)
        child.join()
        result["one_page_each"] = result["files"]["agendas"]["pages"] == people
        runs.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return {
        "people": people,
        "build_s": round(built, 1),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "runs": runs,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument(
        "--chunks", default="50", help="pages per WeasyPrint document, comma-separated"
    )
    parser.add_argument(
        "--processes", default="0", help="rendering processes, comma-separated (0: one per CPU)"
    )
    parser.add_argument("--json", type=Path, help="also write the result there")
    args = parser.parse_args(argv)
    if args.people % 2:
        parser.error("--people must be even (buyer-ESS pairs)")
    chunks = [int(c) for c in args.chunks.split(",")]

    from tests.stack import postgres

    workdir = Path(tempfile.mkdtemp(prefix="osez-bench-print-"))
    os.chmod(workdir, 0o755)
    try:
        with postgres(workdir) as database_url:
            os.environ.update(
                DATABASE_URL=database_url,
                SECRET_KEY="bench-only-secret-key",
                DJANGO_SETTINGS_MODULE="config.settings",
                MEDIA_ROOT=str(workdir / "media"),
            )
            os.environ.pop("REDIS_URL", None)
            result = measure(args.people, chunks, [int(p) for p in args.processes.split(",")])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(r["ok"] and r["one_page_each"] for r in result["runs"]) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    sys.exit(main(sys.argv[1:]))
