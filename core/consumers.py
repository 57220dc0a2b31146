"""What every live page's consumer shares (htmx ws extension on the page).

A `LiveConsumer` authorises (subclass: `authorise()` returns the groups the user may join, or None),
joins them and its person's group (core/live.py: `person_sockets`), accepts last, and sends the
page's live parts rendered from the database (`render_on_connect()`). A message on a group is a
hint: the consumer answers it with `fetch_frame()`, a few hundred bytes that make htmx fetch the
person's own fragment over HTTP (an element with `hx-trigger="load"`, swapped in by id), so a
push costs no database query and no rendering in the consumer. One render per socket on the
consumer's single database thread is what made a change reach 1,000 agendas after 38.8 s.

Robustness: a Redis error while joining refuses the socket (the client reconnects with back-off);
a Redis error while waiting for messages is retried, then the socket closes with 1013 ("try again
later"), which htmx's ws extension answers by reconnecting (the page re-renders on reconnect).
Logging out or deleting the account closes the person's sockets (`live.close`); a change of rights
(`rights.changed`) makes the consumer authorise again and close when it may no longer see its page.
"""

import asyncio
import logging
import random
import uuid

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from core.live import person_sockets

logger = logging.getLogger(__name__)

# Close codes: 4403 means "not allowed" (htmx does not reconnect); 1013 "try again later" and
# 1011 make htmx reconnect with back-off.
REFUSED = 4403
TRY_AGAIN_LATER = 1013
RECEIVE_RETRIES = (0.1, 0.3, 1.0, 2.0)  # seconds between attempts to read from the layer again


def without_database(handler):
    """Mark a message handler that reads no database: dispatched without Channels' hop to the
    database thread (`aclose_old_connections`, run before every handler). That hop queues behind
    every sync view of the process on its one thread: under HTTP load it delayed hints by seconds,
    and 1,000 of them in a row cost a second."""
    handler.without_database = True
    return handler


class LiveConsumer(AsyncWebsocketConsumer):
    joined: tuple[str, ...] = ()
    # False for pages open to anyone who may see them without an account (a venue screen's
    # secret link, a public workshops page): `authorise()` alone decides, and an anonymous
    # socket joins no person's group.
    login_required = True

    async def dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is not None and getattr(handler, "without_database", False):
            await handler(message)
            return
        await super().dispatch(message)

    # --- to implement ------------------------------------------------------------------------

    async def authorise(self) -> list[str] | None:
        """The groups this user may follow on this page, or None to refuse."""
        raise NotImplementedError

    async def render_on_connect(self) -> str:
        """The page's live parts, rendered from the database (sent on every (re)connect)."""
        raise NotImplementedError

    # --- connection --------------------------------------------------------------------------

    async def connect(self) -> None:
        if "\x00" in self.scope["path"]:  # no lookup with it (core.middleware.carries_nul)
            await self.close(code=REFUSED)
            return
        allowed = await self.authorise()
        user = self.scope.get("user")
        signed_in = user is not None and user.is_authenticated
        if allowed is None or (self.login_required and not signed_in):
            await self.close(code=REFUSED)
            return
        wanted = (*allowed, person_sockets(user.pk)) if signed_in else tuple(allowed)
        try:
            for group in wanted:
                await self.channel_layer.group_add(group, self.channel_name)
                self.joined += (group,)
        except Exception as error:  # redis, OSError, asyncio: the layer is unreachable
            logger.warning("live: cannot join %s: %r", wanted, error)
            await self._leave()
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()
        await self.send(text_data=await self.render_on_connect())

    async def disconnect(self, code) -> None:
        await self._leave()

    async def _leave(self) -> None:
        """Leave every group joined; a failure is retried once, then left to the layer's
        group_expiry (settings.CHANNEL_LAYERS), which drops members that are never discarded."""
        joined, self.joined = self.joined, ()
        for group in joined:
            for attempt in range(2):
                try:
                    await self.channel_layer.group_discard(group, self.channel_name)
                    break
                except Exception as error:
                    if attempt:
                        logger.warning("live: %s not left: %r", group, error)
                    else:
                        await asyncio.sleep(0.2)

    # --- the channel layer's messages, read robustly -------------------------------------------

    # AsyncConsumer.__call__ assigns `channel_receive` (the layer's receive for this channel) and
    # then waits on it; this property hands it the retrying reader instead.
    @property
    def channel_receive(self):
        return self._receive_robustly

    @channel_receive.setter
    def channel_receive(self, receive) -> None:
        self._layer_receive = receive

    async def _receive_robustly(self) -> dict:
        for pause in (*RECEIVE_RETRIES, None):
            try:
                return await self._layer_receive()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("live: reading %s failed: %r", self.channel_name, error)
                if pause is None:
                    return {"type": "live.unavailable"}
                await asyncio.sleep(pause * (1 + random.random()))
        raise AssertionError("unreachable")

    @without_database
    async def live_unavailable(self, message: dict) -> None:
        """The layer stayed unreachable: close, so that the client reconnects later."""
        await self.close(code=TRY_AGAIN_LATER)

    @without_database
    async def live_close(self, message: dict) -> None:
        """The person logged out or deleted their account."""
        await self.close(code=REFUSED)

    async def rights_changed(self, message: dict) -> None:
        """The person's rights changed: stay only if they may still see this page's groups."""
        allowed = await self.authorise()
        if allowed is None or not set(allowed) <= set(self.joined):
            await self.close(code=REFUSED)

    # --- helpers -----------------------------------------------------------------------------

    def language(self) -> str:
        """As LocaleMiddleware chooses it: the language cookie, then Accept-Language."""
        supported = dict(settings.LANGUAGES)
        code = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        if code in supported:
            return code
        headers = dict(self.scope.get("headers", []))
        accept = headers.get(b"accept-language", b"").decode("latin-1")
        for candidate, _quality in parse_accept_lang_header(accept):
            try:
                return get_supported_language_variant(candidate)
            except LookupError:
                continue
        return settings.LANGUAGE_CODE

    @staticmethod
    def in_thread(function):
        """Run a database-touching function off the event loop."""
        return database_sync_to_async(function)


class HintConsumer(LiveConsumer):
    """A page whose every live part differs per person: it holds one fetch frame (`self.frame`,
    set by `_authorise`, which runs in a thread) and sends it on (re)connect and on every hint;
    subclasses name the messages they answer: `board_changed = HintConsumer.hint`."""

    frame: str = ""

    async def authorise(self) -> list[str] | None:
        return await self.in_thread(self._authorise)()

    def _authorise(self) -> list[str] | None:
        """The groups to join, with `self.frame` set, or None to refuse."""
        raise NotImplementedError

    async def render_on_connect(self) -> str:
        return self.frame

    @without_database
    async def hint(self, message: dict) -> None:
        await self.send(text_data=self.frame)


def fetch_frame(
    *, slot: str, url: str, target: str, swap: str = "outerHTML", delay: str = "", include: str = ""
) -> str:
    """A frame that makes htmx GET `url` (with HX-Request) and swap the answer into `#target`
    (`swap`: outerHTML, or innerHTML for a container). It replaces the page's `#slot` placeholder,
    a fresh element each time, so its `load` trigger fires on every hint; the nonce keeps two
    frames from looking identical. With a `delay` ("250ms") a burst of hints costs one fetch:
    each frame replaces the previous one before its delay runs out (a board where ten people
    vote in the same second). `include` (a CSS selector) adds the page's own inputs to the GET,
    as `hx-include` does (the search typed at a desk)."""
    trigger = f"load delay:{delay}" if delay else "load"
    return format_html(
        '<div id="{}" hidden hx-swap-oob="true" hx-get="{}" hx-trigger="{}" '
        'hx-target="#{}" hx-swap="{}"{} data-hint="{}"></div>',
        slot,
        url,
        trigger,
        target,
        swap,
        format_html(' hx-include="{}"', include) if include else "",
        uuid.uuid4().hex[:8],
    )
