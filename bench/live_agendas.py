"""Benchmark of the live agendas: 1,000 open agenda websockets on one server process, a change that
concerns all of them, the time until each client has its frame; then a mixed load.

    python -m bench.live_agendas                       # 1,000 sockets, then 200 sockets + 50 HTTP users, 60 s
    python -m bench.live_agendas --people 200 --load-seconds 0

It starts its own PostgreSQL and Redis (tests/stack.py) and one daphne process (the production
server, config.asgi:application, REDIS_URL set: channels_redis), builds the outbox bench's event
(bench/outbox_publication.py: `people` participants with one meeting each, scheduling phase),
logs everybody in (a session each) and opens one agenda websocket per person with the `websockets`
client, as a browser tab would (Origin and session cookie). Once every socket has its first frame,
it publishes the schedule (`publish_schedule`, the organiser's action: every agenda changes) and
records, per socket, the time from the publishing transaction's commit to the frame. With
`--fetch`, each client then GETs the fragment the frame points to, as htmx does, and that time is
reported too. Lost frames: sockets without a frame after `--timeout` seconds.

Then the mixed load: `--load-sockets` agendas are open; every 2 s a change concerns them all (one
message to the event's agendas, as a publication sends it) and `--personal-hints` of them get a
personal one (a message each, as a booking sends it); meanwhile `--http-users` threads each load in turn the home
page, the event page, their agenda and "My meetings" for `--load-seconds`; every HTTP status >= 500
or connection failure counts as a server error; p95 per page.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from html import unescape
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 0.5), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1) if ms else None,
    }


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def http_get(port: int, path: str, cookie: str, htmx: bool = False) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if htmx:
        headers["HX-Request"] = "true"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Agenda:
    """One browser tab on its agenda: a websocket, the arrival time of each frame."""

    def __init__(self, port: int, slug: str, cookie: str):
        self.port, self.slug, self.cookie = port, slug, cookie
        self.frames: list[tuple[float, str]] = []
        self.arrived = asyncio.Event()
        self.socket = None
        self.ended = ""

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.socket = await connect(
            f"ws://127.0.0.1:{self.port}/ws/e/{self.slug}/agenda/",
            origin=f"http://127.0.0.1:{self.port}",
            additional_headers={"Cookie": self.cookie},
            open_timeout=120,
            ping_interval=None,
            max_size=2**22,
        )
        first = await asyncio.wait_for(self.socket.recv(), timeout=300)
        assert 'id="agenda-meetings"' in first, first[:200]

    async def listen(self) -> None:
        try:
            async for frame in self.socket:
                self.frames.append((time.monotonic(), frame))
                self.arrived.set()
        except Exception as error:  # the socket closed: its frames so far are what it got
            self.ended = repr(error)[:120]
        else:
            self.ended = f"closed {self.socket.close_code}"

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()


async def open_all(agendas: list[Agenda], concurrency: int = 8) -> float:
    started = time.monotonic()
    gate = asyncio.Semaphore(concurrency)

    async def one(agenda: Agenda) -> None:
        async with gate:
            await agenda.open()

    await asyncio.gather(*(one(a) for a in agendas))
    return time.monotonic() - started


PUBLISH = """
import time, django
django.setup()
from django.db import transaction
from accounts.models import User
from core import live
from events.models import Event
from matching.services.schedule import publish_schedule
event = Event.objects.get(pk={event})
live.send_now("bench.warm-up", {{"type": "warm.up"}})  # a running server has sent hints before
hinted = []
if hasattr(live, "_Sender"):  # absent before the warm sender (to measure the old code)
    _send = live._Sender._send
    async def _timed(self, group, message):
        await _send(self, group, message)
        hinted.append(time.monotonic())
    live._Sender._send = _timed
committed = []
with transaction.atomic():
    transaction.on_commit(lambda: committed.append(time.monotonic()))  # runs before the hints
    publish_schedule(event=event, by=User.objects.get(pk={organiser}))
returned = time.monotonic()
getattr(live, "flush", lambda: None)()
print(committed[0], returned, max(hinted, default=returned))
"""


def publish(event, organiser) -> tuple[float, float, float]:
    """Publish the schedule from another process (the organiser's request, served elsewhere: the
    clients' clock is not slowed by the publication). Returns the monotonic times (the same clock
    for every process) of its commit, of its return and of the last hint sent."""
    code = PUBLISH.format(event=event.pk, organiser=organiser.pk)
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=BASE_DIR
    ).stdout
    committed, returned, sent = map(float, output.split()[-3:])
    return committed, returned, sent


async def fetch_fragment(agenda: Agenda, frame: str) -> float:
    url = unescape(re.search(r'hx-get="([^"]+)"', frame).group(1))
    status, body = await asyncio.to_thread(http_get, agenda.port, url, agenda.cookie, True)
    assert status == 200 and b"agenda-meetings" in body, status
    return time.monotonic()


async def push_to_all(port, event, organiser, cookies, timeout: float, fetch: bool) -> dict:
    agendas = [Agenda(port, event.slug, cookie) for cookie in cookies]
    opened = await open_all(agendas)
    listeners = [asyncio.create_task(a.listen()) for a in agendas]
    await asyncio.sleep(1)
    committed, published, sent = await asyncio.to_thread(publish, event, organiser)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(*(a.arrived.wait() for a in agendas)), timeout=timeout
        )
    arrivals = [a.frames[0][0] - committed for a in agendas if a.frames]
    result = {
        "sockets": len(agendas),
        "open_all_s": round(opened, 1),
        "publish_commit_to_return_s": round(published - committed, 2),
        "publish_commit_to_hints_sent_s": round(sent - committed, 2),
        "frame": summary(arrivals),
        "lost": sum(1 for a in agendas if not a.frames),
        "frame_bytes": len(agendas[0].frames[0][1]) if agendas[0].frames else None,
    }
    if fetch:
        got = [a for a in agendas if a.frames and "hx-get" in a.frames[0][1]]
        done = await asyncio.gather(*(fetch_fragment(a, a.frames[0][1]) for a in got))
        result["fragment_fetched"] = summary([t - committed for t in done])
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(a.close() for a in agendas), return_exceptions=True)
    return result


def http_user(port, slug, cookie, until, timings, errors) -> None:
    pages = {"home": "/", "event": f"/e/{slug}/", "agenda": f"/e/{slug}/agenda/"}
    pages["my-meetings"] = f"/e/{slug}/my-meetings/"
    while time.monotonic() < until:
        for name, path in pages.items():
            started = time.monotonic()
            try:
                status, _ = http_get(port, path, cookie)
            except OSError as error:
                errors.append(f"{name}: {error!r}")
                continue
            timings.setdefault(name, []).append(time.monotonic() - started)
            if status >= 500 or status in (401, 403, 404):
                errors.append(f"{name}: HTTP {status}")


def http_users(port, slug, cookies, until, results) -> None:
    """`len(cookies)` users, a thread each, until `until`; puts (timings, errors) in `results`."""
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    threads = [
        threading.Thread(target=http_user, args=(port, slug, cookie, until, timings, errors))
        for cookie in cookies
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((timings, errors))


async def mixed_load(
    port, event, registrations, cookies, sockets, users, seconds, personal
) -> dict:
    from channels.layers import get_channel_layer

    from matching import groups

    agendas = [Agenda(port, event.slug, cookie) for cookie in cookies[:sockets]]
    await open_all(agendas)
    listeners = [asyncio.create_task(a.listen()) for a in agendas]
    layer = get_channel_layer()
    until = time.monotonic() + seconds
    # The HTTP users run in their own process: sharing this one's GIL, 50 busy threads delayed
    # the websocket clients' loop by seconds, and so the frames' measured arrival.
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    users_process = context.Process(
        target=http_users,
        args=(port, event.slug, cookies[sockets : sockets + users], until, results),
    )
    users_process.start()
    hints = 0
    sent: list[list[float]] = [[] for _ in agendas]  # when each socket's hints left
    everyone = {"type": "agenda.changed", "registrations": [r.pk for r in registrations[:sockets]]}
    while time.monotonic() < until:
        # A change for everyone (one message, as a publication sends it) ...
        now = time.monotonic()
        await layer.group_send(groups.agendas(event.pk), everyone)
        for times in sent:
            times.append(now)
        # ... and personal changes (a request answered, a booking), one message each.
        for index in random.sample(range(sockets), min(personal, sockets)):
            sent[index].append(time.monotonic())
            await layer.group_send(
                groups.agenda(registrations[index].pk), {"type": "agenda.changed"}
            )
        hints += 1
        await asyncio.sleep(2)
    timings, errors = await asyncio.to_thread(results.get)
    await asyncio.to_thread(users_process.join)
    await asyncio.sleep(2)
    frames = sum(len(a.frames) for a in agendas)
    await asyncio.sleep(float(os.environ.get("BENCH_TAIL", "0")))
    late = sum(len(a.frames) for a in agendas) - frames
    ended = Counter(a.ended for a in agendas if a.ended)
    latencies = [  # the n-th frame of a socket answers its n-th hint
        at - times[n]
        for a, times in zip(agendas, sent, strict=True)
        for n, (at, _frame) in enumerate(a.frames[: len(times)])
    ]
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(a.close() for a in agendas), return_exceptions=True)
    return {
        "sockets": sockets,
        "http_users": users,
        "seconds": seconds,
        "hint_rounds": hints,
        "personal_hints_per_round": personal,
        "frames_expected": sum(len(times) for times in sent),
        "frames_received": frames,
        "frames_late": late,
        "sockets_ended_early": dict(ended),
        "frame_latency": summary(latencies),
        "requests": sum(len(v) for v in timings.values()),
        "server_errors": len(errors),
        "errors_sample": errors[:5],
        "pages": {name: summary(values) for name, values in timings.items()},
    }


@contextlib.contextmanager
def show_log_on_error(path: Path):
    try:
        yield
    except BaseException:
        print(path.read_text()[-4000:], file=sys.stderr)
        raise


def measure(args, workdir: Path) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # served as in production
    from bench.outbox_publication import build
    from events.models import Registration
    from tests.asgi_server import daphne, session_cookie

    people = max(args.people, args.load_sockets + args.http_users)
    people += people % 2
    event, organiser = build(people)
    registrations = list(Registration.objects.filter(event=event).select_related("user"))
    cookies = [session_cookie(r.user) for r in registrations]
    result = {"people": people}
    with daphne(workdir / "daphne.log") as port, show_log_on_error(workdir / "daphne.log"):
        result["push"] = asyncio.run(
            push_to_all(port, event, organiser, cookies[: args.people], args.timeout, args.fetch)
        )
        if args.load_seconds:
            result["load"] = asyncio.run(
                mixed_load(
                    port, event, registrations, cookies,
                    args.load_sockets, args.http_users, args.load_seconds, args.personal_hints,
                )
            )  # fmt: skip
    log = (workdir / "daphne.log").read_text()
    result["server_log_tracebacks"] = log.count("Traceback")
    if "Traceback" in log:
        print(log[log.index("Traceback") :][:3000], file=sys.stderr)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--fetch", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--load-sockets", type=int, default=200)
    parser.add_argument("--http-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--personal-hints", type=int, default=10, help="per 2 s round")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    raise_fd_limit()

    from tests.stack import postgres, redis

    workdir = Path(tempfile.mkdtemp(prefix="osez-bench-live-"))
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
            )
            result = measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    push = result["push"]
    load = result.get("load", {"server_errors": 0})
    ok = push["lost"] == 0 and load["server_errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
