"""The real ASGI server for tests that need one (browser tests, concurrency races): daphne serving
config.asgi on the TEST database (PostgreSQL: another process cannot see SQLite's in-memory one),
and a way to fire many logged-in POSTs at it at the same instant."""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

BASE_DIR = Path(__file__).resolve().parents[1]
ARTIFACTS = BASE_DIR / "test-artifacts"


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(server: subprocess.Popen, url: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"daphne exited ({server.returncode}); see {log}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"daphne not answering {url} after {timeout} s")


@contextlib.contextmanager
def daphne_server(
    log_name: str, *, disable_locks: bool = False, backlog: int | None = None
) -> Iterator[str]:
    """Yield the base URL of daphne serving the app on the test database; stop it afterwards.

    `disable_locks` sets the test-only OSEZ_TEST_DISABLE_LOCKS (races' negative controls);
    `backlog` raises the listen backlog for hundreds of simultaneous connections, served
    `WEB_THREADS` at a time (config/asgi.py), each request on its thread's database connection
    (DB_CONN_MAX_AGE=0: a new one per request). Output goes to test-artifacts/.
    """
    from django.db import connection

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DB_CONN_MAX_AGE": "0",
        "TESTING": "1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "PYTHONUNBUFFERED": "1",
        "OSEZ_TEST_DISABLE_LOCKS": "1" if disable_locks else "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    endpoint = f"tcp:port={port}:interface=127.0.0.1" + (f":backlog={backlog}" if backlog else "")
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-e", endpoint, "config.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(server, f"{url}/healthz", log_path)
            time.sleep(0.5)
            # Another process may have taken the port between free_port and the bind: then ours
            # exits and someone else answered /healthz.
            assert server.poll() is None, f"daphne exited; see {log_path}"
            yield url
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)


def post_all_at_once(
    base_url: str, posts: list[tuple[str, str, str]], headers: dict[str, str]
) -> list[tuple[int, str]]:
    """POST (path, session key, body) each from its own thread, every socket opened first and all
    released together; (status, body) for each, (0, error) when the request itself failed."""
    host = urlsplit(base_url)
    barrier = threading.Barrier(len(posts))
    results: list[tuple[int, str]] = [(0, "not sent")] * len(posts)
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret

    def post(index: int, path: str, session_key: str, body: str) -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        try:
            connection.connect()
            barrier.wait(timeout=60)
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    **headers,
                },
            )
            response = connection.getresponse()
            results[index] = (response.status, response.read().decode())
        except Exception as error:  # reported by the callers' assertions on the outcome
            results[index] = (0, repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, *p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results
