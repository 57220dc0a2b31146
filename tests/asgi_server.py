"""Real ASGI server processes (daphne, as in production: docker-compose.yml) for the tests and
benchmarks that need websockets over TCP, and session cookies to open them as a given person."""

import contextlib
import os
import sys
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

from tests.stack import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def daphne(log_path: Path, env: dict | None = None) -> Iterator[int]:
    """Serve config.asgi:application on a free port; yields the port; stops the process (and
    only it) afterwards."""
    from tests.live import serving

    port = free_port()
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    command.append("config.asgi:application")
    with serving(command, port, log_path, {**os.environ, **(env or {})}):
        yield port


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
