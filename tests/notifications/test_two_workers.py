"""Two Celery workers (two hosts, in production) consume one queue on one Redis and PostgreSQL:
a question answered for 40 people queues 40 emails; both workers send some, and every email
arrives exactly once (the broker gives each task to one worker; the outbox row, locked and
marked "sending", keeps a task delivered twice from sending twice: tests/notifications/test_faults.py).
"""

import re

import pytest

from notifications.enums import MessageState
from tests.notifications.test_faults import (  # noqa: F401  (fixtures)
    _real_stack,
    answer,
    broker_at,
    expected_ids,
    followers,
    sink,
    spare_redis_url,
    states,
    wait_until,
    workers,
)

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

SUCCEEDED = re.compile(r"Task notifications\.send\[([0-9a-f-]+)\] succeeded")


def test_two_workers_share_one_queue_and_send_every_email_once(
    pitch,
    question,
    buyer,
    sink,  # noqa: F811
    spare_redis_url,  # noqa: F811
    workers,  # noqa: F811
):
    people = followers(pitch, 39)  # and the asking member: 40 recipients
    first = workers(spare_redis_url, sink, concurrency=2)
    second = workers(spare_redis_url, sink, concurrency=2)

    with broker_at(spare_redis_url):
        answer(question, buyer)
        wait_until(lambda: states() == {MessageState.SENT: 40}, what="the batch", timeout=60)
        sink.wait_for(40)

    done_by_first = SUCCEEDED.findall(first.log_path.read_text())
    done_by_second = SUCCEEDED.findall(second.log_path.read_text())
    assert len(people) + 1 == 40
    assert sink.per_recipient_and_id() == expected_ids()  # each email once
    assert len(done_by_first) + len(done_by_second) == 40
    assert set(done_by_first).isdisjoint(done_by_second)  # no task run by both
    assert done_by_first and done_by_second  # both consumed the queue
