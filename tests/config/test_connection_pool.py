"""PostgreSQL connections stay bounded under load (config/settings.py, core/checks.py).

Two uvicorn processes with 16 view threads each take 300 requests from 100 clients at once;
the connections they hold in PostgreSQL are counted all along (pg_stat_activity, by the
application name the servers connect with). With the pool (DB_POOL_MAX_SIZE=4), never more
than 2 x 4, and every request answered. Negative control: without the pool, with the
persistent connections docker-compose.yml used to set (DB_CONN_MAX_AGE=60), each busy thread
keeps a connection of its own: more than 2 x 4 (what ran PostgreSQL out of connections with
more threads and processes).

The deployment check (core/checks.py) is tested here too: it warns when a host's processes may
open more than DB_MAX_CONNECTIONS.
"""

import http.client
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.live import ARTIFACTS, BASE_DIR, database_url, uvicorn_server

PROCESSES, THREADS, POOL = 2, 16, 4
CLIENTS, REQUESTS = 100, 300
APPLICATION = "osez-pool-test"


def connections_held(cursor) -> int:
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
    )
    return cursor.fetchone()[0]


def load(base_url: str) -> tuple[list[int], int]:
    """REQUESTS GETs from CLIENTS threads (the home page and the health check, both read the
    database), while the servers' connections are counted; (statuses, most connections held)."""
    host = urlsplit(base_url)
    peak, done = 0, threading.Event()

    def count() -> None:
        nonlocal peak
        from django.db import connection

        with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as db:
            while not done.is_set():
                peak = max(peak, connections_held(db.cursor()))
                time.sleep(0.02)

    def get(index: int) -> int:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        try:
            connection.request("GET", "/" if index % 2 else "/healthz")
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return 0
        finally:
            connection.close()

    counter = threading.Thread(target=count)
    counter.start()
    try:
        with ThreadPoolExecutor(CLIENTS) as clients:
            statuses = list(clients.map(get, range(REQUESTS)))
        time.sleep(0.2)
    finally:
        done.set()
        counter.join()
    return statuses, peak


def serve(log_name: str, **env: str):
    return uvicorn_server(
        log_name,
        processes=PROCESSES,
        env={"PGAPPNAME": APPLICATION, "WEB_THREADS": str(THREADS), **env},
    )


@pytest.fixture
def postgresql(transactional_db, django_db_serialized_rollback):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run through `python -m tests.stack -- pytest`")


@pytest.mark.stack
def test_pool_bounds_connections_under_load(postgresql):
    with serve("pool-bounded.log", DB_POOL_MAX_SIZE=str(POOL)) as (url, _):
        statuses, peak = load(url)

    assert statuses == [200] * REQUESTS
    assert 0 < peak <= PROCESSES * POOL, peak  # 8 seen
    assert "too many clients" not in open_log("pool-bounded.log")


@pytest.mark.stack
def test_without_pool_persistent_connections_grow_with_threads(postgresql):
    with serve("pool-off.log", DB_POOL_MAX_SIZE="0", DB_CONN_MAX_AGE="60") as (url, _):
        statuses, peak = load(url)

    assert statuses == [200] * REQUESTS
    assert peak > PROCESSES * POOL, peak  # the pool is what bounds them (32 seen: 2 x 16)


def open_log(name: str) -> str:
    return (ARTIFACTS / name).read_text()


# --- the deployment check, in fresh processes with the environment a host would have -----------

HOST = {
    "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",  # never reached: no --database
    "WEB_PROCESSES": "4",
    "DB_POOL_MAX_SIZE": "10",
    "CELERY_CONCURRENCY": "4",
    "PRINT_PROCESSES": "2",
}


def run(*command: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "test-only",
        **HOST,
        **env,
    }
    return subprocess.run(
        [sys.executable, *command],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_check_warns_when_a_host_may_open_more_than_declared():
    result = run("manage.py", "check", DB_MAX_CONNECTIONS="51")

    assert "(core.W001) This host's processes may open 52 PostgreSQL connections" in result.stderr
    assert "(4 web processes x 10 + 2 x 4 Celery children + 2 print renderers + 2)" in result.stderr
    assert "more than the 51 declared in DB_MAX_CONNECTIONS" in result.stderr


def test_check_is_quiet_when_the_host_fits_or_nothing_is_declared():
    assert "core.W001" not in run("manage.py", "check", DB_MAX_CONNECTIONS="52").stderr
    assert "core.W001" not in run("manage.py", "check").stderr


def test_web_process_start_logs_the_warning():
    """An ASGI server runs no system checks: config/asgi.py logs the warning itself."""
    result = run("-c", "import config.asgi", WEB_PROCESSES="8", DB_MAX_CONNECTIONS="50")

    assert "may open 92 PostgreSQL connections" in result.stderr
    assert "(core.W001)" in result.stderr
