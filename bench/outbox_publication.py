"""Benchmark of the outbox: a schedule publication that concerns 1,000 people, timed from the
publish action until a local SMTP server has every email.

    python -m bench.outbox_publication [--people 1000] [--concurrency 2] [--delay 0]

It starts its own PostgreSQL and Redis on free ports (tests/stack.py), migrates, builds an event in
the scheduling phase with `people` participants (half buyers, half ESS structures) paired in
accepted requests, each pair placed in a meeting (20-minute slots, as many tables as needed),
starts an SMTP sink (aiosmtpd, tests/notifications/smtp_sink.py) and a real Celery worker (prefork,
`--concurrency`), then calls `matching.services.schedule.publish_schedule` (the organiser's action:
one "schedule changed" email per person whose meetings changed: here everyone) and waits until
the sink holds one email per person. The data is written in bulk, straight to the tables: it is
the arrangement, not what is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SLOTS = 25


def build(people: int):
    """An event in the scheduling phase where `people` participants each have one meeting.
    Returns (event, organiser)."""
    from accounts.enums import OrganisationKind
    from accounts.models import Organisation, User
    from events.enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
    from events.models import Event, Registration, Session, Slot, Table
    from matching.enums import RequestStatus
    from matching.models import Attendance, Meeting, MeetingRequest
    from tests.factories import PARIS, valid_siret

    pairs = people // 2
    event = Event.objects.create(
        slug="bench-outbox",
        title="Osez l'ESS (bench)",
        start_date=dt.date(2019, 11, 26),
        end_date=dt.date(2019, 11, 26),
        venue="Lille",
        phase=Phase.SCHEDULING,
    )
    organiser = User.objects.create(email="organisatrice@bench.example", password="!")
    event.organisers.add(organiser)
    start = dt.datetime(2019, 11, 26, 9, 0, tzinfo=PARIS)
    session = Session.objects.create(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous d'affaires",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=20 * SLOTS),
        slot_minutes=20,
    )
    slots = Slot.objects.bulk_create(
        Slot(
            session=session,
            starts_at=start + dt.timedelta(minutes=20 * i),
            ends_at=start + dt.timedelta(minutes=20 * (i + 1)),
        )
        for i in range(SLOTS)
    )
    tables = Table.objects.bulk_create(
        Table(event=event, name=f"T{i + 1:03d}") for i in range((pairs + SLOTS - 1) // SLOTS)
    )
    users = User.objects.bulk_create(
        User(email=f"person{i}@bench.example", first_name=f"Prénom{i}", last_name="Martin")
        for i in range(2 * pairs)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.BUYER if i < pairs else OrganisationKind.ESS,
            name=f"Organisation {i}",
            slug=f"organisation-{i}",
            siret=valid_siret(i + 1000),
            legal_form="" if i < pairs else "association",
            buyer_kind="local_authority" if i < pairs else "",
        )
        for i in range(2 * pairs)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            user=user,
            organisation=organisation,
            role=RegistrationRole.BUYER if i < pairs else RegistrationRole.ESS,
            status=RegistrationStatus.VALIDATED,
        )
        for i, (user, organisation) in enumerate(zip(users, organisations, strict=True))
    )
    requests = MeetingRequest.objects.bulk_create(
        MeetingRequest(
            event=event,
            sender=registrations[i],
            recipient=registrations[pairs + i],
            status=RequestStatus.ACCEPTED,
        )
        for i in range(pairs)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(request=request, slot=slots[i % SLOTS], table=tables[i // SLOTS])
        for i, request in enumerate(requests)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, registration=person, slot=meeting.slot)
        for meeting in meetings
        for person in (meeting.request.sender, meeting.request.recipient)
    )
    return event, organiser


def start_worker(sink, concurrency: int, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "0",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info"]
    command += ["--pool=prefork", f"--concurrency={concurrency}", "-Q", "celery"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while " ready." not in log_path.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    return worker


def measure(people: int, concurrency: int, delay: float, workdir: Path) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from matching.services.schedule import publish_schedule
    from notifications.enums import MessageState
    from notifications.models import OutboxMessage
    from tests.notifications.smtp_sink import SmtpSink

    started = time.monotonic()
    event, organiser = build(people)
    built = time.monotonic() - started
    with SmtpSink(delay=delay) as sink:
        worker = start_worker(sink, concurrency, workdir / "worker.log")
        try:
            started = time.monotonic()
            publish_schedule(event=event, by=organiser)
            published = time.monotonic()
            sink.wait_for(people, timeout=600)
            done = time.monotonic()
            time.sleep(1)  # anything that would come twice
            received = sink.per_recipient_and_id()
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        first = min(d.at for d in sink.deliveries)
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    return {
        "people": people,
        "worker": f"prefork, concurrency {concurrency}",
        "sink_delay_s": delay,
        "build_s": round(built, 1),
        "publish_s": round(published - started, 2),
        "first_email_s": round(first - started, 2),
        "all_emails_s": round(done - started, 2),
        "emails_per_s": round(people / (done - published), 1),
        "emails": sum(received.values()),
        "distinct_recipients": len({to for to, _ in received}),
        "duplicates": sum(n - 1 for n in received.values()),
        "rows": dict(states),
        "all_sent": states == {MessageState.SENT: people},
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds the sink takes a message")
    parser.add_argument("--json", type=Path, help="also write the result there")
    args = parser.parse_args(argv)
    if args.people % 2:
        parser.error("--people must be even (buyer-ESS pairs)")

    from tests.stack import postgres, redis

    workdir = Path(tempfile.mkdtemp(prefix="osez-bench-outbox-"))
    os.chmod(workdir, 0o755)
    try:
        with postgres(workdir) as database_url, redis(workdir) as redis_url:
            os.environ.update(
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                SECRET_KEY="bench-only-secret-key",
                DJANGO_SETTINGS_MODULE="config.settings",
            )
            result = measure(args.people, args.concurrency, args.delay, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0 if result["all_sent"] and result["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
