"""The outbox under faults, with real parts: PostgreSQL and Redis (tests/stack.py), a real Celery
worker in a subprocess, a local SMTP server (aiosmtpd, tests/notifications/smtp_sink.py).

- A worker SIGKILLed in the middle of a batch, restarted: every email arrives exactly once.
- A worker killed after the server accepted a message but before "sent" was recorded: the message
  comes again with the same Message-ID (the honest limit, notifications/services.py).
- The same task delivered several times, at once and again later: one email.
- Redis stopped: answering a question and accepting a meeting request succeed through the pages,
  the emails wait in the table; Redis back, a worker: they arrive once.

The sweep (`notifications.sweep`, every minute under beat) is sent to the worker by the test,
after moving the rows' times back by STUCK_AFTER: that stands for ten minutes passing, with the
production thresholds and code unchanged (rather than test-only settings in the worker).
"""

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import F
from django.urls import reverse

from matching.enums import RequestStatus
from matching.services import requests as request_services
from notifications import services
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.tasks import send, sweep
from pitches import services as pitch_services
from tests.factories import MembershipFactory, OrganisationFactory
from tests.live import broker_at, email_env, kill_group, spare_redis, start_celery_worker
from tests.notifications.smtp_sink import SmtpSink, free_port

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

FAULTS_REDIS_DB = 12  # a spare database of the test Redis, emptied around each test


@pytest.fixture(autouse=True)
def _real_stack():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        pytest.skip("needs the real PostgreSQL and Redis: run through `python -m tests.stack`")


# --- the parts ---------------------------------------------------------------------------------


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink(delay=0.02) as server:
        yield server


@pytest.fixture
def spare_redis_url() -> Iterator[str]:
    with spare_redis(FAULTS_REDIS_DB) as url:
        yield url


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start real Celery workers (the project's app and settings, tests/live.py) against the test
    database, a given Redis and the sink; always killed at teardown."""
    started: list[subprocess.Popen] = []

    def start(redis_url: str, sink: SmtpSink, *, concurrency: int = 0) -> subprocess.Popen:
        worker = start_celery_worker(
            tmp_path / f"worker-{len(started)}.log",
            {"REDIS_URL": redis_url, **email_env(sink.port)},
            concurrency=concurrency,
            name=f"faults{len(started)}@%h",
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        kill_group(worker)  # SIGKILL, its pool's children too


@pytest.fixture
def redis_server(tmp_path) -> Iterator["RedisServer"]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


class RedisServer:
    """A redis-server of this test's own, on a free port, that the test may stop and start."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir = free_port(), workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        from tests.stack import wait_for_port

        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, "Redis")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 30, of=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if of is not None and of.poll() is not None:
            raise AssertionError(f"{what} exited: {of.log_path.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            log = of.log_path.read_text()[-3000:] if of is not None else ""
            raise AssertionError(f"{what} not done within {timeout} s: {states()}\n{log}")
        time.sleep(0.05)


def states() -> dict[str, int]:
    rows = OutboxMessage.objects.values_list("state", flat=True)
    return {state: list(rows).count(state) for state in set(rows)}


def ten_minutes_pass() -> None:
    """The rows' times move back by STUCK_AFTER (and a minute): the sweep now sees a row left in
    "sending" as stuck, and queued rows as not woken by their own commit."""
    gone = services.STUCK_AFTER + timedelta(minutes=1)
    OutboxMessage.objects.update(
        created_at=F("created_at") - gone, sending_since=F("sending_since") - gone
    )


# --- the data: a question answered for many structures ---------------------------------------


def followers(pitch, count: int, *, per_organisation: int = 5) -> list:
    """`count` people, members of structures (of `per_organisation` members, the last one maybe
    fewer) interested in `pitch`."""
    people = []
    while len(people) < count:
        organisation = OrganisationFactory()
        size = min(per_organisation, count - len(people))
        members = [m.user for m in MembershipFactory.create_batch(size, organisation=organisation)]
        pitch_services.express_interest(
            pitch=pitch, organisation=organisation, actor=members[0], answers={}
        )
        people += members
    # The interests' own emails (to the buyer) are not the batch under test.
    OutboxMessage.objects.all().delete()
    return people


def answer(question, buyer) -> None:
    pitch_services.answer_question(question=question, actor=buyer, answer="Cent tonnes")


def expected_ids() -> dict[tuple[str, str], int]:
    return {
        (m.to, services.message_id(m)): 1 for m in OutboxMessage.objects.select_related("recipient")
    }


# --- a worker killed mid-batch -----------------------------------------------------------------


def test_worker_killed_mid_batch_then_restarted_sends_every_email_exactly_once(
    pitch, question, buyer, sink, spare_redis_url, workers
):
    people = followers(pitch, 39)  # and the asking member: 40 recipients
    sink.hold(after=12, accepted=False)  # the 13th transaction is in flight when the worker dies
    first = workers(spare_redis_url, sink)

    with broker_at(spare_redis_url):
        answer(question, buyer)
        assert sink.holding.wait(timeout=30), first.log_path.read_text()[-3000:]
        kill_group(first)
        sink.release()
        stuck = OutboxMessage.objects.get(state=MessageState.SENDING)

        second = workers(spare_redis_url, sink)
        wait_until(
            lambda: states() == {MessageState.SENT: 39, MessageState.SENDING: 1},
            what="the rest of the batch",
            of=second,
        )
        ten_minutes_pass()
        sweep.delay()
        wait_until(lambda: states() == {MessageState.SENT: 40}, what="the sweep", of=second)
        sink.wait_for(40)

    stuck.refresh_from_db()
    assert len(people) + 1 == 40
    assert sink.per_recipient_and_id() == expected_ids()
    assert {to for to, _ in sink.per_recipient_and_id()} == {p.email for p in people} | {
        question.author.email
    }
    assert stuck.attempts == 2


def test_worker_killed_after_the_server_accepted_resends_with_the_same_message_id(
    pitch, question, buyer, sink, spare_redis_url, workers
):
    followers(pitch, 4)  # 5 recipients
    sink.hold(after=2, accepted=True)  # kept by the server; the worker dies before "sent"
    first = workers(spare_redis_url, sink)

    with broker_at(spare_redis_url):
        answer(question, buyer)
        assert sink.holding.wait(timeout=30), first.log_path.read_text()[-3000:]
        kill_group(first)
        sink.release()
        stuck = OutboxMessage.objects.get(state=MessageState.SENDING)

        second = workers(spare_redis_url, sink)
        wait_until(lambda: states().get(MessageState.QUEUED, 0) == 0, what="batch", of=second)
        ten_minutes_pass()
        sweep.delay()
        wait_until(lambda: states() == {MessageState.SENT: 5}, what="the sweep", of=second)
        sink.wait_for(6)

    # At least once, never lost: the one message whose fate the worker could not know comes twice,
    # under one Message-ID (by which servers and clients recognise it); every other one once.
    assert sink.per_recipient_and_id() == {
        **expected_ids(),
        (stuck.to, services.message_id(stuck)): 2,
    }


# --- the same task delivered more than once ---------------------------------------------------


def test_same_task_delivered_several_times_sends_one_email(
    question, buyer, sink, spare_redis_url, workers
):
    worker = workers(spare_redis_url, sink, concurrency=2)  # duplicates race in two processes

    with broker_at(spare_redis_url):
        answer(question, buyer)  # its commit queues the task once
        message = OutboxMessage.objects.get()
        first = send.delay(message.pk)
        send.delay(message.pk)
        wait_until(lambda: states() == {MessageState.SENT: 1}, what="send", of=worker)
        send.apply_async((message.pk,), task_id=first.id)  # the same message, delivered again
        wait_until(
            lambda: worker.log_path.read_text().count("succeeded") == 4, what="tasks", of=worker
        )

    assert sink.per_recipient_and_id() == expected_ids()
    assert sink.count() == 1


# --- Redis stopped -----------------------------------------------------------------------------


def test_actions_with_redis_stopped_succeed_and_their_emails_arrive_once_it_is_back(
    client, settings, caplog, question, buyer, ess_member, sink, redis_server, workers
):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_server.url]},
        }
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",  # as in production
            "LOCATION": redis_server.url,
        }
    }
    followers(question.pitch, 20)
    event = question.pitch.event
    event.phase = "requests"  # meeting requests are sent and answered
    event.save(update_fields=["phase"])
    buyer_registration = buyer.registrations.get(event=event)
    ess_registration = ess_member.registrations.get(event=event)
    meeting_request = request_services.send_request(
        sender=ess_registration, recipient=buyer_registration, by=ess_member
    )
    OutboxMessage.objects.all().delete()  # the request's own emails are not under test
    client.force_login(buyer)

    with broker_at(redis_server.url):
        redis_server.stop()
        answered = client.post(
            reverse("pitches:question_answer", args=[question.pk]),
            {"answer": "Cent tonnes"},
            follow=True,
        )
        accepted = client.post(
            reverse("matching:request_accept", args=[event.slug, meeting_request.pk]),
            follow=True,
        )
        waiting = states()

        redis_server.start()
        worker = workers(redis_server.url, sink)
        ten_minutes_pass()
        sweep.delay()
        wait_until(lambda: set(states()) == {MessageState.SENT}, what="the sweep", of=worker)

    meeting_request.refresh_from_db()
    assert (answered.status_code, accepted.status_code) == (200, 200)
    assert "Réponse publiée à toutes les structures intéressées" in answered.content.decode()
    assert "Rendez-vous accepté" in accepted.content.decode()
    assert meeting_request.status == RequestStatus.ACCEPTED
    assert waiting == {MessageState.QUEUED: OutboxMessage.objects.count()}
    assert OutboxMessage.objects.count() >= 21  # the answer: 20 followers and the asker
    assert sink.per_recipient_and_id() == expected_ids()
    assert "outbox: broker unavailable" in caplog.text
