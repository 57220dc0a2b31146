"""A person's vote budget holds when their votes arrive at once: 12 threads, each on its own
PostgreSQL connection, vote for the same person at the same instant (budget 3). With the board's
row lock, the votes queue, re-count and exactly 3 are written; the rest are refused ("used all
your votes") or told to try again, never more than the budget.

Negative control: the same race with settings.TEST_DISABLE_LOCKS (row locks off): several threads
count the person's votes before any of them commits, and more than 3 are written. It is fired for
a few rounds until the overshoot shows, so that a lucky run is not flaky.

    .venv/bin/python -m tests.stack -- .venv/bin/python -m pytest tests/workshops/test_board_concurrency.py
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from workshops import services
from workshops.models import Vote

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

THREADS = 12
ROUNDS = 5


def race(idea, voter) -> int:
    barrier = threading.Barrier(THREADS)

    def one():
        try:
            barrier.wait()
            services.vote(idea=idea, by=voter)
        except ValidationError:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Vote.objects.filter(idea__board__workshop=idea.board.workshop, voter=voter).count()


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the vote race needs PostgreSQL: run it through `python -m tests.stack`")


def test_vote_budget_holds_under_concurrent_votes(postgres, board_world):
    idea = services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Idée")

    assert race(idea, board_world.bob) == 3


def test_vote_budget_race_shows_without_locks(postgres, board_world, settings):
    idea = services.post_idea(workshop=board_world.workshop, by=board_world.alice, title="Idée")
    settings.TEST_DISABLE_LOCKS = True
    counts = []
    for _round in range(ROUNDS):
        Vote.objects.filter(voter=board_world.bob).delete()
        counts.append(race(idea, board_world.bob))
        if counts[-1] > 3:
            break

    assert max(counts) > 3, counts
