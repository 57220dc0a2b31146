"""docker-compose.yml cannot rot: every app service's command and health check runs here, natively.

There is no Docker engine on these machines, so each app service (migrate, web, worker, beat) is
started with its command taken verbatim from the file, in the file's environment (interpolated as
compose would, from a .env holding only the required variables), with only what points at other
containers redirected: DATABASE_URL to a fresh database on the test PostgreSQL, REDIS_URL to a
spare database number of the test Redis, container paths (/data/...) to a temporary directory and
PORT to a free port. Static files are collected with the Dockerfile's own collectstatic line.
"""

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.live import answering_processes, server_children

pytestmark = pytest.mark.stack

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
APP_SERVICES = ("migrate", "web", "worker", "beat")
# What a deployer must put in .env; every other variable takes the file's default.
DOTENV = {"SECRET_KEY": "compose-test-secret-key-not-for-production", "POSTGRES_PASSWORD": "unused"}
SPARE_REDIS_DB = 9

# --- reading the file as compose does ---------------------------------------------------------

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariableError(Exception):
    pass


def interpolate(value, variables: dict[str, str]):
    """Compose's variable substitution: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
    ${VAR:?error}, ${VAR?error}, applied to every string of the parsed file."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg = match["op"], match["arg"] or ""
        present = name in variables and (variables[name] != "" or not (op or "").startswith(":"))
        if present:
            return variables[name]
        if op in {":?", "?"}:
            raise MissingVariableError(f"{name}: {arg}")
        if op in {":-", "-"}:
            return arg
        return ""

    return _VARIABLE.sub(substitute, value)


def load_compose(variables: dict[str, str]) -> dict:
    return interpolate(yaml.safe_load(COMPOSE_FILE.read_text()), variables)


def service_command(compose: dict, service: str) -> list[str]:
    command = compose["services"][service]["command"]
    return command if isinstance(command, list) else shlex.split(command)


def healthcheck_command(compose: dict, service: str) -> list[str]:
    test = compose["services"][service]["healthcheck"]["test"]
    if isinstance(test, str):
        return ["sh", "-c", test]
    if test[0] == "CMD-SHELL":
        return ["sh", "-c", test[1]]
    assert test[0] == "CMD", test
    return test[1:]


def dockerfile_run_line(containing: str) -> str:
    """The Dockerfile's RUN instruction that contains `containing` (continuation lines joined)."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.startswith("RUN ") and containing in line]
    assert len(lines) == 1, f"expected one RUN line with {containing!r} in the Dockerfile"
    return lines[0].removeprefix("RUN ").strip()


# --- structure -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose(DOTENV)


def test_compose_refuses_to_start_without_secret_key():
    with pytest.raises(MissingVariableError, match="SECRET_KEY"):
        load_compose({"POSTGRES_PASSWORD": "x"})


def test_compose_app_services_share_the_image_and_wait_for_their_dependencies(compose):
    services = compose["services"]
    assert {services[name]["image"] for name in APP_SERVICES} == {"osez:latest"}
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends_on["redis"] == {"condition": "service_healthy"}, name
    assert services["web"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert set(services["web"]["healthcheck"]) >= {"test", "interval", "timeout", "retries"}
    assert set(services["worker"]["healthcheck"]) >= {"test", "interval", "timeout", "retries"}


def test_compose_data_services_have_health_checks_and_volumes(compose):
    services = compose["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert healthcheck_command(compose, "db") == ["sh", "-c", "pg_isready -U osez -d osez"]
    assert healthcheck_command(compose, "redis") == ["redis-cli", "ping"]
    assert services["db"]["volumes"] == ["postgres:/var/lib/postgresql/data"]
    assert services["redis"]["volumes"] == ["redis:/data"]
    assert services["beat"]["volumes"] == ["beat:/data/beat"]
    assert services["beat"]["environment"]["CELERY_BEAT_SCHEDULE_FILENAME"].startswith(
        "/data/beat/"
    )
    assert set(compose["volumes"]) == {"postgres", "redis", "media", "beat"}


def test_compose_web_command_runs_several_processes_behind_a_proxy(compose):
    command = service_command(compose, "web")
    assert command[:2] == ["sh", "-c"]
    server = shlex.split(command[2])
    assert server[:3] == ["exec", "uvicorn", "config.asgi:application"]
    assert server[server.index("--workers") + 1] == "${WEB_PROCESSES}"
    assert server[server.index("--backlog") + 1] == "${WEB_BACKLOG}"
    assert server[server.index("--forwarded-allow-ips") + 1] == "${FORWARDED_ALLOW_IPS}"
    assert "--proxy-headers" in server
    environment = compose["services"]["web"]["environment"]
    assert int(environment["WEB_PROCESSES"]) >= 2
    assert int(environment["WEB_BACKLOG"]) >= 1024


def test_compose_declares_connections_postgresql_accepts(compose):
    db_command = compose["services"]["db"]["command"].split()
    max_connections = int(db_command[db_command.index("-c") + 1].removeprefix("max_connections="))
    environment = compose["services"]["web"]["environment"]
    declared = int(environment["DB_MAX_CONNECTIONS"])
    needed = (
        int(environment["WEB_PROCESSES"]) * int(environment["DB_POOL_MAX_SIZE"])
        + 2 * int(environment["CELERY_CONCURRENCY"])
        + int(environment["PRINT_PROCESSES"])
        + 2
    )
    assert needed <= declared <= max_connections - 3  # PostgreSQL keeps 3 for superusers
    assert int(environment["DB_POOL_MAX_SIZE"]) >= int(environment["WEB_THREADS"]) + 1


def test_compose_redis_command_persists_and_never_evicts(compose, tmp_path, spawn):
    command = service_command(compose, "redis")
    assert command[:1] == ["redis-server"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    # The same command really starts a Redis with those settings (on a free port, in tmp).
    port = free_port()
    spawn(
        [*command, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path)], os.environ
    )
    wait_for(lambda: _redis_cli(port, "ping") == "PONG", what="redis-server")
    assert _redis_cli(port, "config", "get", "appendonly").split() == ["appendonly", "yes"]
    assert _redis_cli(port, "config", "get", "maxmemory-policy").split() == [
        "maxmemory-policy",
        "noeviction",
    ]


def _redis_cli(port: int, *args: str) -> str:
    result = subprocess.run(
        ["redis-cli", "-p", str(port), *args],
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    )
    return result.stdout.strip()


# --- running the services --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], *, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if condition():
                return
        time.sleep(0.3)
    raise AssertionError(f"{what} not ready within {timeout} s")


@pytest.fixture
def spawn(tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start a long-running process in its own process group; always stopped at teardown."""
    started: list[tuple[subprocess.Popen, object]] = []

    def start(command: list[str], env, *, log_name: str = "process") -> subprocess.Popen:
        log = (tmp_path / f"{log_name}-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            command,
            env=env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path = Path(log.name)
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # leftover children (celery's pool)
        log.close()


@pytest.fixture(scope="module")
def stack_urls() -> Iterator[tuple[str, str]]:
    """A fresh database on the test PostgreSQL and a spare database number of the test Redis."""
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        pytest.skip(
            "needs the real PostgreSQL and Redis: run through `python -m tests.stack -- pytest`"
        )
    import psycopg
    import redis

    parts = urlsplit(database_url)
    name = f"{parts.path.lstrip('/')}_compose"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    spare_redis_url = urlsplit(redis_url)._replace(path=f"/{SPARE_REDIS_DB}").geturl()
    client = redis.Redis.from_url(spare_redis_url)
    client.flushdb()
    try:
        yield parts._replace(path=f"/{name}").geturl(), spare_redis_url
    finally:
        client.flushdb()
        client.close()
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def container_root(tmp_path_factory) -> Path:
    """Stands for the container's /data (volumes)."""
    return tmp_path_factory.mktemp("container")


@pytest.fixture(scope="module")
def service_env(compose, stack_urls, container_root) -> Callable[[str], dict[str, str]]:
    """The environment a service's container would get, pointed at the test stack."""
    database_url, redis_url = stack_urls
    bin_dir = str(Path(sys.executable).parent)

    def env_for(service: str) -> dict[str, str]:
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(container_root),
            "LANG": "C.UTF-8",
            "HOSTNAME": socket.gethostname(),
        }
        for key, value in compose["services"][service].get("environment", {}).items():
            value = str(value)
            if value.startswith("/data/"):
                value = str(container_root / value.removeprefix("/"))
                Path(value).parent.mkdir(parents=True, exist_ok=True)
            env[key] = value
        env["DATABASE_URL"] = database_url
        env["REDIS_URL"] = redis_url
        if "PORT" in env:
            env["PORT"] = str(free_port())
        return env

    return env_for


@pytest.fixture(scope="module")
def migrated(compose, service_env) -> subprocess.CompletedProcess:
    result = subprocess.run(
        service_command(compose, "migrate"),
        env=service_env("migrate"),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result


@pytest.fixture(scope="module")
def static_root(service_env, container_root) -> Path:
    """Static files collected by the Dockerfile's own collectstatic line, as at image build."""
    root = container_root / "static"
    env = {**service_env("web"), "STATIC_ROOT": str(root)}
    result = subprocess.run(
        ["sh", "-c", dockerfile_run_line("collectstatic")],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert (root / "staticfiles.json").exists(), "production storage writes a manifest"
    return root


def run_healthcheck(compose, service: str, env, *, within: float) -> subprocess.CompletedProcess:
    """Run the service's health check until it passes or `within` seconds have gone."""
    deadline = time.monotonic() + within
    while True:
        result = subprocess.run(
            healthcheck_command(compose, service),
            env=env,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode == 0 or time.monotonic() > deadline:
            return result
        time.sleep(1)


def http_get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (names in lower case, as HTTP/2 and uvicorn send them) and body."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def test_migrate_service_migrates_a_fresh_database(migrated, stack_urls):
    import psycopg

    with psycopg.connect(stack_urls[0]) as connection:
        (themes,) = connection.execute("SELECT count(*) FROM accounts_theme").fetchone()
    assert themes == 9
    # migrate runs the deployment checks (core/checks.py): the file's sizes pass them.
    assert "core.W00" not in migrated.stdout + migrated.stderr


def test_web_service_serves_health_pages_and_static_files(
    compose, service_env, migrated, static_root, spawn
):
    env = {**service_env("web"), "STATIC_ROOT": str(static_root)}
    base = f"http://127.0.0.1:{env['PORT']}"
    web = spawn(service_command(compose, "web"), env, log_name="web")
    wait_for(lambda: web.poll() is None and http_get(f"{base}/healthz")[0] == 200, what="web")
    processes = int(env["WEB_PROCESSES"])
    wait_for(lambda: len(server_children(web.pid)) == processes, what="web processes")
    # Every process answers: connections held open at once are served by each of them.
    answering: set[int] = set()
    for _ in range(10):
        answering |= answering_processes(web.pid, int(env["PORT"]))
        if len(answering) == processes:
            break

    health = run_healthcheck(compose, "web", env, within=10)
    status, _, body = http_get(f"{base}/")
    html = body.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)[1]
    css_status, css_headers, _ = http_get(f"{base}{stylesheet}")

    assert health.returncode == 0, health.stderr
    assert status == 200, web.log_path.read_text()[-3000:]
    assert answering == set(server_children(web.pid))
    assert len(answering) == processes >= 2
    assert '<html lang="fr">' in html
    assert "<h1" in html
    assert re.fullmatch(r"/static/css/osez\.[0-9a-f]{12}\.css", stylesheet), (
        "hashed by the manifest"
    )
    assert css_status == 200
    assert css_headers["content-type"].startswith("text/css")


def test_worker_service_answers_its_health_check_and_runs_a_task(
    compose, service_env, migrated, spawn
):
    env = service_env("worker")
    worker = spawn(service_command(compose, "worker"), env, log_name="worker")

    health = run_healthcheck(compose, "worker", env, within=45)
    assert health.returncode == 0, (
        health.stdout + health.stderr + worker.log_path.read_text()[-3000:]
    )

    # A real task of the project, sent through Redis by another process, executed by the worker
    # against the database (an empty outbox: nothing to send). No result is kept to read back
    # (CELERY_TASK_IGNORE_RESULT, core/queue.py): the worker's log says it ran.
    sent = subprocess.run(
        ["celery", "-A", "config", "call", "notifications.sweep"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    task_id = sent.stdout.strip().splitlines()[-1]
    deadline = time.monotonic() + 30
    done = f"Task notifications.sweep[{task_id}] succeeded"
    while done not in worker.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert done in worker.log_path.read_text(), worker.log_path.read_text()[-3000:]


def test_beat_service_starts_and_keeps_its_schedule_in_the_volume(
    compose, service_env, migrated, spawn
):
    env = service_env("beat")
    schedule = Path(env["CELERY_BEAT_SCHEDULE_FILENAME"])
    beat = spawn(service_command(compose, "beat"), env, log_name="beat")

    wait_for(lambda: any(schedule.parent.glob(f"{schedule.name}*")), what="beat schedule file")
    time.sleep(3)

    assert beat.poll() is None, beat.log_path.read_text()[-3000:]
    assert "beat: Starting..." in beat.log_path.read_text()
