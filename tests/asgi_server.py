"""Real ASGI server processes (daphne, as in production: docker-compose.yml) for the tests and
benchmarks that need websockets over TCP, and session cookies to open them as a given person."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

from tests.stack import free_port, wait_for_port

BASE_DIR = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def daphne(log_path: Path, env: dict | None = None) -> Iterator[int]:
    """Serve config.asgi:application on a free port; yields the port; stops the process (and
    only it) afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "config.asgi:application"],
            cwd=BASE_DIR,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"daphne stopped:\n{log_path.read_text()[-3000:]}")
            try:
                wait_for_port(port, "daphne", timeout=0.5)
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def session_cookie(user) -> str:
    """A `Cookie` header value that makes the server see `user` as logged in."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
