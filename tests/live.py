"""The real parts for tests that need them (browser tests, concurrency races, faults): daphne
or uvicorn with several processes (the production server: `uvicorn_server`) serving config.asgi
on the TEST database (PostgreSQL: another process cannot see SQLite's in-memory one), Celery
workers of the project's app on that database, a database of the test Redis of one's own, and
a way to fire many logged-in POSTs at a server at the same instant.

Servers and workers get the same environment (`subprocess_env`): the test database, TESTING=1,
and whatever the caller adds (REDIS_URL for the channel layer, broker and cache; EMAIL_HOST...)."""

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


def subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server or worker started by a test: this one's, on the test database,
    with TESTING=1, then `extra`. Coverage's variables are left out (subprocesses are not
    measured), and so is the async-safety switch the browser tests set for themselves."""
    from django.db import connection

    env = {key: value for key, value in os.environ.items() if not key.startswith("COV_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DATABASE_URL=database_url(connection.settings_dict),
        DJANGO_SETTINGS_MODULE="config.settings",
        TESTING="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def _wait_until_up(server: subprocess.Popen, url: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"the server exited ({server.returncode}):\n{log.read_text()[-3000:]}"
            )
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server is not answering {url} after {timeout} s")


@contextlib.contextmanager
def daphne_server(
    log_name: str,
    *,
    disable_locks: bool = False,
    backlog: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Yield the base URL of daphne serving the app on the test database; stop it afterwards.

    Celery tasks run eagerly in it, unless `env` says otherwise: `env` is added to the server's
    environment (e.g. REDIS_URL of a spare Redis database and CELERY_TASK_ALWAYS_EAGER=0, for
    the production paths with a worker: `celery_worker`). `disable_locks` sets the test-only
    OSEZ_TEST_DISABLE_LOCKS (races' negative controls); `backlog` raises the listen backlog for
    hundreds of simultaneous connections, served `WEB_THREADS` at a time (config/asgi.py), each
    request on a connection of the process's pool (config/settings.py, DB_POOL_MAX_SIZE).
    Output goes to test-artifacts/.
    """
    port = free_port()
    env = subprocess_env(
        {
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "OSEZ_TEST_DISABLE_LOCKS": "1" if disable_locks else "0",
            **(env or {}),
        }
    )
    endpoint = f"tcp:port={port}:interface=127.0.0.1" + (f":backlog={backlog}" if backlog else "")
    command = [sys.executable, "-m", "daphne", "-e", endpoint, "config.asgi:application"]
    with _serving(command, port, log_name, env) as (url, _):
        yield url


@contextlib.contextmanager
def uvicorn_server(
    log_name: str,
    *,
    processes: int = 2,
    disable_locks: bool = False,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Yield (base URL, server process) of uvicorn with `processes` worker processes serving the
    app on the test database, with the production command's options (docker-compose.yml); as
    `daphne_server` otherwise. The database pool is the production one (DB_POOL_MAX_SIZE...),
    unless `env` says otherwise."""
    port = free_port()
    env = subprocess_env(
        {
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "OSEZ_TEST_DISABLE_LOCKS": "1" if disable_locks else "0",
            "WEB_PROCESSES": str(processes),
            **(env or {}),
        }
    )
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(processes)]
    command += ["--backlog", "2048", "--proxy-headers", "--lifespan", "off", "--no-access-log"]
    with _serving(command, port, log_name, env) as served:
        yield served


@contextlib.contextmanager
def _serving(
    command: list[str], port: int, log_name: str, env: dict[str, str]
) -> Iterator[tuple[str, subprocess.Popen]]:
    ARTIFACTS.mkdir(exist_ok=True)
    with serving(command, port, ARTIFACTS / log_name, env) as served:
        yield served


@contextlib.contextmanager
def serving(
    command: list[str] | str,
    port: int,
    log_path: Path,
    env: dict[str, str],
    *,
    start_timeout: float = 30,
    stop_timeout: float = 10,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run a server `command` (a shell line when a string: docker-compose.yml's) in a session of
    its own, its output in `log_path`, until it answers /healthz on `port`; yield (base URL,
    process); stop the whole session afterwards (SIGTERM, SIGKILL past `stop_timeout`)."""
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            shell=isinstance(command, str),
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(server, f"{url}/healthz", log_path, timeout=start_timeout)
            time.sleep(0.5)
            # Another process may have taken the port between free_port and the bind: then ours
            # exits and someone else answered /healthz.
            assert server.poll() is None, f"the server exited; see {log_path}"
            yield url, server
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)


# One worker at a time, alone: no gossip with others, no start-up sync, no heartbeats.
QUIET_WORKER = ["--without-gossip", "--without-mingle", "--without-heartbeat"]


def start_celery_worker(
    log_path: Path, env: dict[str, str], *, concurrency: int = 0, name: str = "worker@%h"
) -> subprocess.Popen:
    """Start a real Celery worker of the project's app (queue "celery") on the test database,
    with `env` added to its environment (at least REDIS_URL: its broker); return once it is
    ready. Its own process group, so that `kill_group` takes its pool's children too. The
    process has a `log_path` attribute (its output)."""
    pool = ["--pool=prefork", f"--concurrency={concurrency}"] if concurrency else ["--pool=solo"]
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info"]
    command += ["-Q", "celery", "-n", name, *pool, *QUIET_WORKER]
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            command,
            env=subprocess_env({"CELERY_TASK_ALWAYS_EAGER": "0", **env}),
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker.log_path = log_path
    deadline = time.monotonic() + 60
    while " ready." not in log_path.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            kill_group(worker)
            raise RuntimeError(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.05)
    return worker


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the process and its children (its process group), then wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def celery_worker(log_name: str, env: dict[str, str], **options) -> Iterator[subprocess.Popen]:
    """A worker (`start_celery_worker`, output in test-artifacts/`log_name`), stopped afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    worker = start_celery_worker(ARTIFACTS / log_name, env, **options)
    try:
        yield worker
    finally:
        kill_group(worker, signal.SIGTERM)


def email_env(port: int) -> dict[str, str]:
    """The environment that sends email through a local SMTP server on `port` (without TLS), such
    as tests/notifications/smtp_sink.py."""
    return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0"}


@contextlib.contextmanager
def spare_redis(db: int) -> Iterator[str]:
    """The URL of database `db` of the test Redis (REDIS_URL), emptied before and after: a broker,
    channel layer and cache of one's own, which no task queued elsewhere in the suite reaches."""
    import redis

    url = urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{db}").geturl()
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@contextlib.contextmanager
def broker_at(url: str) -> Iterator[None]:
    """This process's Celery app publishes to `url` (its pools rebuilt), then as before."""
    from config.celery import app

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        reset_pools()


def post_all_at_once(
    base_url: str, posts: list[tuple[str, str, str]], headers: dict[str, str]
) -> list[tuple[int, str]]:
    """POST (path, session key, body) each from its own thread, every socket opened first and all
    released together; (status, body) for each, (0, error) when the request itself failed. A
    path may be a whole URL, on another server than `base_url` (a race across servers)."""
    barrier = threading.Barrier(len(posts))
    results: list[tuple[int, str]] = [(0, "not sent")] * len(posts)
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret

    def post(index: int, path: str, session_key: str, body: str) -> None:
        host = urlsplit(path if path.startswith("http") else base_url)
        path = urlsplit(path)._replace(scheme="", netloc="").geturl()
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


class RedisServer:
    """A redis-server of a test's own, on a free port, that the test may stop and start again on
    the same directory (its data: the append-only file, with `appendonly`, as in production)."""

    def __init__(self, workdir: Path, *, appendonly: bool = False) -> None:
        self.port, self.workdir, self.appendonly = free_port(), workdir, appendonly
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        from tests.stack import wait_for_port

        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--dir", str(self.workdir)]
        command += ["--appendonly", "yes" if self.appendonly else "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for_port(self.port, "Redis")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop it (SIGTERM: as `docker compose stop`; SIGKILL: a crash) and wait until it has."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)


@contextlib.contextmanager
def redis_server(workdir: Path, **options) -> Iterator[RedisServer]:
    """A `RedisServer`, started, stopped afterwards."""
    server = RedisServer(workdir, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_children(parent_pid: int) -> list[int]:
    """The worker processes a server started (uvicorn's: multiprocessing children, not its
    resource tracker), from /proc."""
    workers = []
    for task in Path(f"/proc/{parent_pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            with contextlib.suppress(FileNotFoundError):
                if b"--multiprocessing-fork" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    workers.append(int(pid))
    return sorted(workers)


def answering_processes(parent_pid: int, port: int, connections: int = 40) -> set[int]:
    """Which of a server's processes answer: `connections` keep-alive connections each get a
    /healthz answer, then each connection's server end is traced (/proc/net/tcp, the processes'
    file descriptors) to the child process that holds it."""
    opened = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(connections)]
    statuses: list[int] = []

    def get(connection: http.client.HTTPConnection) -> None:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)

    try:
        for connection in opened:
            connection.connect()
        threads = [threading.Thread(target=get, args=(c,)) for c in opened]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert statuses == [200] * connections, statuses
        served = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].split(":")[1], 16)
            if local_port == port and fields[3] == "01":  # the server's end, established
                served.add(f"socket:[{fields[9]}]")
        answering = set()
        for pid in server_children(parent_pid):
            with contextlib.suppress(FileNotFoundError):
                descriptors = Path(f"/proc/{pid}/fd").iterdir()
                if any(os.readlink(fd) in served for fd in descriptors):
                    answering.add(pid)
        return answering
    finally:
        for connection in opened:
            connection.close()
