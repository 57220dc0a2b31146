"""A local SMTP server that keeps what it receives (aiosmtpd, in a thread), for the outbox's fault
tests (tests/notifications/test_faults.py) and its benchmark (bench/outbox_publication.py).

It records each accepted message's recipients and Message-ID. `delay` slows every message down
(a batch then takes a while, as with a real relay); `hold` stops one SMTP transaction at the
DATA reply until `release`, so a test can kill the sending worker at a known point: before the
server accepted the message (it then answers 451 and keeps nothing) or after (kept, as a server
that committed the message whatever happened to the client).
"""

import asyncio
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Delivery:
    recipients: tuple[str, ...]
    message_id: str
    subject: str
    at: float  # time.monotonic() when the server accepted it


class SmtpSink:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.port = free_port()
        self.deliveries: list[Delivery] = []
        self.holding = threading.Event()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._hold_at: int | None = None
        self._hold_accepts = False
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        self._controller.stop()

    # --- what the tests read ------------------------------------------------------------------

    def count(self) -> int:
        with self._lock:
            return len(self.deliveries)

    def per_recipient_and_id(self) -> Counter:
        """How many times each (recipient, Message-ID) arrived."""
        with self._lock:
            return Counter((r, d.message_id) for d in self.deliveries for r in d.recipients)

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.count()} of {count} emails within {timeout} s")
            time.sleep(0.05)

    # --- holding one transaction ---------------------------------------------------------------

    def hold(self, *, after: int, accepted: bool) -> None:
        """Hold the transaction of the message that arrives once `after` were kept; `accepted`
        keeps it first (the server committed it), otherwise it is refused on release."""
        self._hold_at, self._hold_accepts = after, accepted

    def release(self) -> None:
        self._release.set()

    # --- aiosmtpd's hook -----------------------------------------------------------------------

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = BytesParser(policy=default).parsebytes(envelope.content, headersonly=True)
        delivery = Delivery(
            recipients=tuple(envelope.rcpt_tos),
            message_id=str(headers["Message-ID"]),
            subject=str(headers["Subject"]),
            at=time.monotonic(),
        )
        with self._lock:
            held = self._hold_at is not None and len(self.deliveries) >= self._hold_at
            if held:
                self._hold_at = None
            if not held or self._hold_accepts:
                self.deliveries.append(delivery)
        if not held:
            return "250 2.0.0 Accepted"
        self.holding.set()
        while not self._release.is_set():
            await asyncio.sleep(0.02)
        return "250 2.0.0 Accepted" if self._hold_accepts else "451 4.3.0 Try again later"
