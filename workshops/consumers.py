"""Live workshop pages over websockets: the event's workshops page (seats and waiting lists) and a
workshop's idea board.

What a push costs. Both pages hold parts that differ per person: on the workshops page the
person's seat, waiting list position and buttons; on a board the person's votes left, their vote
buttons and, for the facilitators, the moderation controls and the names behind anonymous ideas.
So a push renders nothing: the consumer sends every socket of the group the same small frame,
built once at connect from URLs only (no text, hence no language), and htmx's ws extension swaps
it in; the frame's `hx-trigger="load delay:…"` makes the page fetch its own fragment over HTTP
(`workshops:board` / `workshops:list` with htmx), where the view checks the permission again and
renders from the database in the person's language. The cost of a message is one `send` per
socket, no database query nor template; the fetches spread over the web processes like any page
load, and a burst of messages (ten votes in a second) costs one fetch per page, because each new
frame replaces the previous one before its delay runs out. A person who lost their seat meanwhile
gets the refusal, not the board.

Consumers authenticate, check that the user may see the group (workshops/rules.py), join it and
`accept()` last; on every (re)connect they send the frame, so the page re-reads the database.
Group names come from workshops/groups.py.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import reverse
from django.utils.html import format_html

from events.models import Event

from . import groups
from .models import Workshop

# Long enough to fold a burst of hints into one fetch, short enough to stay "within a second".
FETCH_DELAY = "250ms"


def hint_frame(*, slot_id: str, url: str, target: str) -> str:
    """The frame every socket of a group gets: it replaces the page's hint slot with an element
    that fetches `url` into `target` once swapped in."""
    return format_html(
        '<div id="{}" hx-swap-oob="true" hidden>'
        '<span hx-get="{}" hx-trigger="load delay:{}" hx-target="{}" hx-swap="outerHTML"></span>'
        "</div>",
        slot_id,
        url,
        FETCH_DELAY,
        target,
    )


class _HintConsumer(AsyncWebsocketConsumer):
    group: str | None = None
    frame: str = ""

    async def connect(self):
        self.group = await database_sync_to_async(self.authorise)()
        if self.group is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=self.frame)

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    def authorise(self) -> str | None:
        """The group to join, with `self.frame` set, or None to refuse (runs in a thread)."""
        raise NotImplementedError

    def _event(self) -> Event | None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        return Event.objects.filter(slug=slug).first()


class SeatsConsumer(_HintConsumer):
    """The event's workshops page: seats left, waiting lists, the person's own position."""

    def authorise(self) -> str | None:
        user = self.scope.get("user")
        event = self._event()
        if user is None or event is None or not user.has_perm("workshops.view_workshops", event):
            return None
        url = reverse("workshops:list", kwargs={"slug": event.slug})
        self.frame = hint_frame(slot_id="workshops-hint", url=url, target="#workshop-board")
        return groups.seats(event.pk)

    async def seats_changed(self, message: dict) -> None:
        await self.send(text_data=self.frame)


class BoardConsumer(_HintConsumer):
    """A workshop's idea board, for the people who may see it (seat holders, facilitators,
    organisers)."""

    def authorise(self) -> str | None:
        user = self.scope.get("user")
        event = self._event()
        if user is None or not user.is_authenticated or event is None:
            return None
        workshop = (
            Workshop.objects.select_related("session__event")
            .filter(pk=self.scope["url_route"]["kwargs"]["pk"], session__event=event)
            .first()
        )
        if workshop is None or not user.has_perm("workshops.view_board", workshop):
            return None
        url = reverse("workshops:board", kwargs={"slug": event.slug, "pk": workshop.pk})
        self.frame = hint_frame(slot_id="board-hint", url=url, target="#idea-board")
        return groups.board(workshop.pk)

    async def board_changed(self, message: dict) -> None:
        await self.send(text_data=self.frame)
