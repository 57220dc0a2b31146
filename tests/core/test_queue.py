"""Queueing a task never turns a committed write into an error page (core/queue.py)."""

import ast
from pathlib import Path

from core.queue import queue_now, queue_on_commit
from notifications.tasks import sweep

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "core", "demo", "events", "matching", "notifications", "pitches", "workshops")


def test_an_unreachable_broker_is_logged_not_raised(broker_down, caplog):
    assert queue_now(sweep) is False
    assert "queue: broker unavailable, notifications.sweep" in caplog.text


def test_on_commit_the_failure_is_reported_to_the_caller(
    broker_down, db, django_capture_on_commit_callbacks
):
    failed = []

    with django_capture_on_commit_callbacks(execute=True):
        queue_on_commit(sweep, on_failure=lambda: failed.append(True))

    assert failed == [True]


def test_eager_tasks_run_and_raise_as_they_are(eager_tasks, db):
    assert queue_now(sweep) is True


def test_every_task_is_queued_through_core_queue():
    """No `.delay()` nor `.apply_async()` in the apps but in core/queue.py: a bare call raises
    when Redis is down (tests/core/test_redis_faults.py shows the 500 it made)."""
    bare = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "core" / "queue.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and node.attr in {"delay", "apply_async"}:
                    bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")

    assert bare == []
