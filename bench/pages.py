"""Benchmark of the pages: 50 logged-in users on the main pages of every role, each page against a
trivial view served by the same server in the same run.

    python -m bench.pages                                  # 50 users, 60 s per page
    python -m bench.pages --seconds 15 --only buyer        # a shorter run, one role
    python -m bench.pages --server "daphne -b 127.0.0.1 -p {port} config.asgi:application"

It starts its own PostgreSQL and Redis (tests/stack.py), runs `collectstatic`, loads the demo event
as the day itself (`load_demo --day`: schedule published, check-ins, workshops, idea boards) and
grows it to a realistic size for the long lists: `--extra` (150) more ESS structures registered,
each interested in the demo buyer's pitch, asking it a question and sending a meeting request to
the demo buyer and to the demo ESS structure. Then it serves the project with the production
command (by default the one of docker-compose.yml's web service, its environment too: uvicorn
with `WEB_PROCESSES` processes, the connection pool, `WEB_THREADS`), gives each of `--users` clients a session of the
page's role (the demo accounts: the buyer, the ESS structure, the organiser; anonymous clients have
none) and, page after page, has them GET it without think time for `--seconds`, on keep-alive
connections (an asyncio HTTP/1.1 client, below: no dependency).

The trivial view, `/bench/ping` (routed only when `OSEZ_BENCH_PING` is set, config/urls.py), goes
through the whole middleware with a logged-in session (the session row and the user are read, as
on every logged-in page) and runs `SELECT 1`; it renders no template. It is measured before the
first page, after every `--ping-every` pages and after the last, and each page's throughput is
divided by the mean of those measurements (their spread is reported: the machine is shared).

For each page: requests per second, the ratio to the trivial view, p50/p95/p99, errors (any
status other than 200 for a page, or a failed connection), the size of the response. The load
average of the machine at the start and the end is recorded with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PING = "/bench/ping"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- a small HTTP/1.1 client: keep-alive, Content-Length or chunked bodies ----------------------


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(self, path: str, cookie: str) -> tuple[int, int]:
        """GET `path`; returns (status, body length). Reconnects when the server closed."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n"
        head += "Accept-Language: fr\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        self.writer.write((head + "\r\n").encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        size = 0
        if "content-length" in headers:
            size = int(headers["content-length"])
            await self.reader.readexactly(size)
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                length = int((await self.reader.readline()).split(b";")[0], 16)
                if length == 0:
                    await self.reader.readline()
                    break
                await self.reader.readexactly(length + 2)
                size += length
        else:  # the body ends with the connection
            size = len(await self.reader.read())
            await self.close()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, size


@dataclass
class Page:
    name: str
    role: str  # buyer, ess, organiser, anonymous, ping
    path: str
    timings: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    size: int = 0
    seconds: float = 0.0

    def result(self) -> dict:
        ms = [t * 1000 for t in self.timings]
        return {
            "name": self.name,
            "role": self.role,
            "path": self.path,
            "requests": len(ms),
            "rps": round(len(ms) / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(percentile(ms, 0.5), 1),
            "p95_ms": round(percentile(ms, 0.95), 1),
            "p99_ms": round(percentile(ms, 0.99), 1),
            "errors": len(self.errors),
            "errors_sample": self.errors[:3],
            "bytes": self.size,
        }


async def hammer(port: int, page: Page, cookies: list[str], seconds: float) -> None:
    """len(cookies) users GET the page without think time for `seconds`."""
    started = time.monotonic()
    until = started + seconds

    async def user(cookie: str) -> None:
        connection = Connection(port)
        await asyncio.sleep(random.random() * 0.2)  # not all in the same instant
        try:
            while time.monotonic() < until:
                began = time.monotonic()
                try:
                    status, size = await asyncio.wait_for(connection.get(page.path, cookie), 60)
                except (OSError, ConnectionError, TimeoutError, asyncio.IncompleteReadError) as e:
                    page.errors.append(repr(e)[:120])
                    await connection.close()
                    continue
                if time.monotonic() > until:
                    break  # finished after the window: not counted
                page.timings.append(time.monotonic() - began)
                if status != 200:
                    page.errors.append(f"HTTP {status}")
                page.size = size
        finally:
            await connection.close()

    await asyncio.gather(*(user(cookie) for cookie in cookies))
    page.seconds = time.monotonic() - started


# --- the event ------------------------------------------------------------------------------------


def build(extra: int) -> dict:
    """Load the demo day and grow it; returns what the pages need (slug, pks, users)."""
    from django.core.management import call_command
    from django.db.models import Q

    from accounts.enums import OrganisationKind
    from accounts.models import Organisation, User
    from demo import data
    from demo.management.commands.load_demo import demo_siret
    from events.enums import RegistrationRole, RegistrationStatus
    from events.models import Event, Registration
    from matching.enums import RequestStatus
    from matching.models import MeetingRequest
    from pitches.models import Interest, Pitch, Question

    call_command("load_demo", "--day", verbosity=0)
    event = Event.objects.get(slug=data.EVENT["slug"])
    buyer = User.objects.get(email=data.BUYER_ACCOUNT["email"])
    ess = User.objects.get(email=data.ESS_ACCOUNT["email"])
    organiser = User.objects.get(email=data.ORGANISER_ACCOUNT["email"])
    buyer_registration = Registration.objects.get(event=event, user=buyer)
    ess_registration = Registration.objects.get(event=event, user=ess)
    pitch = (
        Pitch.objects.filter(event=event, buyer=buyer_registration.organisation, status="published")
        .order_by("pk")
        .first()
    )
    users = User.objects.bulk_create(
        User(email=f"bench{i}@bench.example", first_name=f"Prénom{i}", last_name="Bench")
        for i in range(extra)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.ESS,
            name=f"Structure solidaire {i}",
            slug=f"structure-bench-{i}",
            siret=demo_siret(f"bench-{i}"),
            legal_form="association",
            description="Une structure de l'économie sociale et solidaire du territoire. " * 3,
        )
        for i in range(extra)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            user=user,
            organisation=organisation,
            role=RegistrationRole.ESS,
            status=RegistrationStatus.VALIDATED,
        )
        for user, organisation in zip(users, organisations, strict=True)
    )
    Interest.objects.bulk_create(
        Interest(
            pitch=pitch,
            organisation=organisation,
            author=user,
            message="Nous intervenons déjà sur des marchés comparables dans la métropole. " * 3,
        )
        for user, organisation in zip(users, organisations, strict=True)
    )
    Question.objects.bulk_create(
        Question(
            pitch=pitch,
            organisation=organisation,
            author=user,
            text=f"Question {i} : quel est le calendrier prévu pour la consultation ?",
        )
        for i, (user, organisation) in enumerate(zip(users, organisations, strict=True))
    )
    MeetingRequest.objects.bulk_create(
        MeetingRequest(
            event=event,
            sender=registration,
            recipient=recipient,
            status=RequestStatus.PENDING,
            message="Nous aimerions vous présenter notre offre.",
        )
        for registration in registrations
        for recipient in (buyer_registration, ess_registration)
    )
    ess_pitch = (
        Pitch.objects.filter(event=event, status="published")
        .exclude(buyer=buyer_registration.organisation)
        .order_by("pk")
        .first()
    )
    return {
        "slug": event.slug,
        "pitch": pitch.pk,
        "ess_pitch": ess_pitch.pk,
        "users": {"buyer": buyer, "ess": ess, "organiser": organiser},
        "participants": Registration.objects.filter(event=event).count(),
        "interests_on_pitch": Interest.objects.filter(pitch=pitch).count(),
        "questions_on_pitch": Question.objects.filter(pitch=pitch).count(),
        "requests_of_buyer": MeetingRequest.objects.filter(
            Q(sender=buyer_registration) | Q(recipient=buyer_registration)
        ).count(),
    }


def pages(event: dict) -> list[Page]:
    slug, pitch, ess_pitch = event["slug"], event["pitch"], event["ess_pitch"]
    e, console = f"/e/{slug}/", f"/e/{slug}/console/"
    return [
        Page("home", "anonymous", "/"),
        Page("event page", "anonymous", e),
        Page("dashboard", "buyer", "/me/"),
        Page("my pitches", "buyer", e + "pitches/mine/"),
        Page("my pitch (questions)", "buyer", f"/pitches/{pitch}/"),
        Page("interests in my pitch", "buyer", f"/pitches/{pitch}/interests/"),
        Page("my meetings", "buyer", e + "my-meetings/"),
        Page("agenda", "buyer", e + "agenda/"),
        Page("catalogue", "ess", e + "pitches/"),
        Page("pitch detail", "ess", f"/pitches/{ess_pitch}/"),
        Page("my requests", "ess", e + "my-meetings/"),
        Page("agenda", "ess", e + "agenda/"),
        Page("workshops", "ess", e + "workshops/"),
        Page("dashboard", "organiser", "/me/"),
        Page("event console", "organiser", console),
        Page("scheduling console", "organiser", console + "schedule/"),
        Page("live dashboard", "organiser", console + "live/"),
        Page("check-in desk", "organiser", console + "check-in/"),
        Page("statistics", "organiser", console + "statistics/"),
        Page("exports", "organiser", console + "exports/"),
        Page("registrations", "organiser", console + "registrations/"),
    ]


# --- the server -----------------------------------------------------------------------------------


def compose_web() -> tuple[str, dict]:
    """docker-compose.yml's web command (with {port}) and the environment it sets."""
    import yaml

    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    command = web["command"]
    if isinstance(command, list):
        command = shlex.join(command)
    command = command.replace('"$${PORT}"', "{port}").replace("$${PORT}", "{port}")
    command = command.replace("$$", "$").replace("0.0.0.0", "127.0.0.1")
    environment = {}
    # The server's own settings (processes, threads, connections), not the deployment's
    # addresses and secrets: the bench sets those itself.
    for key in web.get("environment", {}):
        if not key.startswith(("WEB_", "DB_")):
            continue
        value = str(web["environment"][key])
        if isinstance(value, str) and not value.startswith("$"):
            environment[key] = value
        elif isinstance(value, str):  # ${NAME:-default}
            default = value.partition(":-")[2].rstrip("}")
            if default:
                environment[key] = default
    return command, environment


@contextlib.contextmanager
def server(command: str, env: dict, log_path: Path):
    from tests.live import serving
    from tests.stack import free_port

    port = free_port()
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    env = {**os.environ, **env, "PORT": str(port), "PATH": path}
    line = command.replace("{port}", str(port))
    with serving(line, port, log_path, env, start_timeout=60, stop_timeout=15):
        yield port


# --- the run --------------------------------------------------------------------------------------


async def run_all(port, todo: list[Page], cookies: dict, args) -> list[Page]:
    # Warm up: every page once per user role (templates compiled, connections open), and check
    # that each answers 200 before timing anything.
    for page in todo:
        connection = Connection(port)
        status, _size = await connection.get(page.path, cookies[page.role][0])
        await connection.close()
        if status != 200:
            raise RuntimeError(f"{page.name} ({page.role}) {page.path}: HTTP {status}")
    await hammer(port, Page("warm-up", "ping", PING), cookies["ping"], min(5, args.seconds))
    pings: list[Page] = []
    for index, page in enumerate(todo):
        if index % args.ping_every == 0:
            pings.append(Page("trivial view", "ping", PING))
            await hammer(port, pings[-1], cookies["ping"], args.seconds)
            print(
                f"  trivial view: {len(pings[-1].timings) / pings[-1].seconds:.1f} req/s",
                flush=True,
            )
        await hammer(port, page, cookies[page.role], args.seconds)
        print(
            f"  {page.role} {page.name}: {len(page.timings) / page.seconds:.1f} req/s, "
            f"{len(page.errors)} errors",
            flush=True,
        )
    pings.append(Page("trivial view", "ping", PING))
    await hammer(port, pings[-1], cookies["ping"], args.seconds)
    return pings


def profile(todo: list[Page], users: dict, directory: Path, repeat: int = 10) -> None:
    """`--profile DIR`: no server, no load: each page through Django's test client (the whole
    middleware), warmed up, then `repeat` GETs under cProfile (DIR/<role>-<page>.prof, to read
    with pstats) and the queries of one GET counted and listed in order (DIR/<role>-<page>.sql). Prints ms per GET and queries per page."""
    import cProfile

    from django.db import connection
    from django.test import Client

    directory.mkdir(parents=True, exist_ok=True)
    clients = {"anonymous": Client(), "ping": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    clients["ping"].force_login(users["buyer"])
    for page in [Page("trivial view", "ping", PING), *todo]:
        client = clients[page.role]
        for _ in range(3):
            assert client.get(page.path, headers={"accept-language": "fr"}).status_code == 200
        queries: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context, queries=queries):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - began, sql))

        with connection.execute_wrapper(timed):
            client.get(page.path, headers={"accept-language": "fr"})
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            client.get(page.path, headers={"accept-language": "fr"})
        profiler.disable()
        each = (time.perf_counter() - started) / repeat * 1000
        name = f"{page.role}-{page.name}".replace(" ", "_").replace("(", "").replace(")", "")
        profiler.dump_stats(directory / f"{name}.prof")
        database = sum(t for t, _ in queries) * 1000
        (directory / f"{name}.sql").write_text(
            "".join(f"{t * 1000:6.1f} ms  {sql}\n" for t, sql in queries)
        )
        print(
            f"{page.role:10} {page.name:24} {each:7.1f} ms  {len(queries):3} queries "
            f"({database:.1f} ms)",
            flush=True,
        )
        for duration, sql in sorted(queries, reverse=True)[:2]:
            if duration > 0.005:
                print(f"    {duration * 1000:.1f} ms: {sql[:600]}", flush=True)


def measure(args, workdir: Path) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # served as in production
    from tests.asgi_server import session_cookie

    started = time.monotonic()
    event = build(args.extra)
    built = time.monotonic() - started
    users = event.pop("users")
    cookies = {
        role: [f"{session_cookie(user)}; {csrf_cookie()}" for _ in range(args.users)]
        for role, user in users.items()
    }
    cookies["anonymous"] = [csrf_cookie() for _ in range(args.users)]
    cookies["ping"] = [
        f"{session_cookie(users['buyer'])}; {csrf_cookie()}" for _ in range(args.users)
    ]
    todo = [
        p
        for p in pages(event)
        if not args.only or p.role in args.only.split(",") or p.name in args.only.split(",")
    ]
    if args.profile:
        profile(todo, users, args.profile)
        return {}
    command, env = compose_web()
    if args.server:
        command = args.server
    env["OSEZ_BENCH_PING"] = "1"
    load_before = os.getloadavg()
    log_path = workdir / "server.log"
    with (
        server(command, env, log_path) as port,
        writing(event["slug"], users["organiser"], args.writes_per_second) as writes,
    ):
        try:
            pings = asyncio.run(run_all(port, todo, cookies, args))
        except RuntimeError as error:  # an error status: say why, from the server's log
            raise RuntimeError(f"{error}\n{log_path.read_text(errors='replace')[-4000:]}") from None
    load_after = os.getloadavg()
    log = log_path.read_text(errors="replace")
    ping_rps = [len(p.timings) / p.seconds for p in pings]
    trivial = sum(ping_rps) / len(ping_rps)
    results = []
    for page in todo:
        row = page.result()
        row["ratio"] = round(row["rps"] / trivial, 3)
        results.append(row)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BASE_DIR
        ).stdout.strip(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
        "server": {"command": command, "environment": env},
        "users": args.users,
        "seconds_per_page": args.seconds,
        "writes": {"per_second": args.writes_per_second, "made": writes[0]},
        "event": {**event, "build_seconds": round(built, 1)},
        "trivial": {
            "rps_mean": round(trivial, 1),
            "rps_each": [round(x, 1) for x in ping_rps],
            "p50_ms": [p.result()["p50_ms"] for p in pings],
            "p95_ms": [p.result()["p95_ms"] for p in pings],
            "errors": sum(len(p.errors) for p in pings),
        },
        "pages": results,
        "server_log_tracebacks": log.count("Traceback"),
    }


def csrf_cookie() -> str:
    """The CSRF cookie a browser holds after its first page (the server sets it then): each
    client sends its own, as the session cookie."""
    from django.conf import settings
    from django.utils.crypto import get_random_string

    return f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"


@contextlib.contextmanager
def writing(slug: str, organiser, per_second: float):
    """`--writes-per-second`: the desk checks a participant in, then undoes it, `per_second`
    times a second in all, through the services, while the pages are measured: every write
    invalidates the kept pages that read the registrations (core/pagecache.py), as on the day.
    Yields a one-item list: the number of writes made so far."""
    made = [0]
    if not per_second:
        yield made
        return
    from django.db import connection

    from events import services
    from events.models import Registration

    stop = threading.Event()

    def run() -> None:
        registration = (
            Registration.objects.filter(
                event__slug=slug, status="validated", checked_in_at__isnull=True
            )
            .select_related("event")
            .first()
        )
        try:
            while not stop.wait(1 / per_second):
                if registration.checked_in_at is None:
                    registration = services.check_in(
                        registration=registration, by=organiser
                    ).registration
                else:
                    registration = services.undo_check_in(registration=registration, by=organiser)
                made[0] += 1
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="bench-writes", daemon=True)
    thread.start()
    try:
        yield made
    finally:
        stop.set()
        thread.join(10)


def table(result: dict) -> str:
    lines = [
        "| role | page | req/s | ratio | p50 ms | p95 ms | errors | KB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    trivial = result["trivial"]
    lines.append(
        f"| — | trivial view (mean of {len(trivial['rps_each'])}) | {trivial['rps_mean']} | 100 % "
        f"| {min(trivial['p50_ms'])}–{max(trivial['p50_ms'])} "
        f"| {min(trivial['p95_ms'])}–{max(trivial['p95_ms'])} | {trivial['errors']} | |"
    )
    for row in result["pages"]:
        ratio = f"{row['ratio'] * 100:.0f} %"
        if row["ratio"] < 0.5:
            ratio = f"**{ratio}**"
        lines.append(
            f"| {row['role']} | {row['name']} | {row['rps']} | {ratio} | {row['p50_ms']:.0f} "
            f"| {row['p95_ms']:.0f} | {row['errors']} | {row['bytes'] / 1024:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="per page")
    parser.add_argument("--extra", type=int, default=150, help="ESS structures added to the demo")
    parser.add_argument("--ping-every", type=int, default=5, help="pages between trivial runs")
    parser.add_argument("--only", default="", help="roles or page names, comma-separated")
    parser.add_argument(
        "--server",
        default="",
        help="server command with {port} (default: docker-compose.yml's web command)",
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0,
        help="check-ins (and their undoing) made meanwhile, as at the desk on the day",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--profile", type=Path, help="no load: profile each page in-process into this directory"
    )
    args = parser.parse_args(argv)

    from tests.stack import postgres, redis

    workdir = Path(tempfile.mkdtemp(prefix="osez-bench-pages-"))
    os.chmod(workdir, 0o755)
    try:
        with postgres(workdir) as database_url, redis(workdir) as redis_url:
            os.environ.update(
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                SECRET_KEY="bench-only-secret-key",
                DJANGO_SETTINGS_MODULE="config.settings",
                CELERY_TASK_ALWAYS_EAGER="0",
                STATIC_ROOT=str(workdir / "static"),
                ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
                OSEZ_BENCH_PING="1",
            )
            result = measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.profile:
        return 0
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    errors = result["trivial"]["errors"] + sum(row["errors"] for row in result["pages"])
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
