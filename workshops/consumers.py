"""Live workshop pages over websockets: the event's workshops page (seats and waiting lists) and a
workshop's idea board. The shared machinery (authorise, join, accept last, robust reads, closing
on logout or on a change of rights, the fetch frame) is in core/consumers.py.

What a push costs. Both pages hold parts that differ per person: on the workshops page the
person's seat, waiting list position and buttons; on a board the person's votes left, their vote
buttons and, for the facilitators, the moderation controls and the names behind anonymous ideas.
So a push renders nothing: every socket of the group gets a small frame (core.consumers
`fetch_frame`, URLs only, hence no language) whose `hx-trigger="load delay:…"` makes the page
fetch its own fragment over HTTP (`workshops:board` / `workshops:list` with htmx), where the
view checks the permission again and renders from the database in the person's language. A burst
of messages (ten votes in a second) costs one fetch per page, because each new frame replaces the
previous one before its delay runs out. The same frame is sent on every (re)connect, so the page
re-reads the database. Group names come from workshops/groups.py.
"""

from django.urls import reverse

from core.consumers import HintConsumer, fetch_frame
from events.models import Event

from . import groups
from .models import Workshop

# Long enough to fold a burst of hints into one fetch, short enough to stay "within a second".
FETCH_DELAY = "250ms"


def _event(consumer) -> Event | None:
    return Event.objects.filter(slug=consumer.scope["url_route"]["kwargs"]["slug"]).first()


class SeatsConsumer(HintConsumer):
    """The event's workshops page: seats left, waiting lists, the person's own position. Open to
    whoever may see the event, signed in or not."""

    login_required = False

    def _authorise(self) -> list[str] | None:
        user = self.scope.get("user")
        event = _event(self)
        if user is None or event is None or not user.has_perm("workshops.view_workshops", event):
            return None
        url = reverse("workshops:list", kwargs={"slug": event.slug})
        self.frame = fetch_frame(
            slot="workshops-hint", url=url, target="workshop-board", delay=FETCH_DELAY
        )
        return [groups.seats(event.pk)]

    seats_changed = HintConsumer.hint


class BoardConsumer(HintConsumer):
    """A workshop's idea board, for the people who may see it (seat holders, facilitators,
    organisers); a person who loses their seat is closed out (`rights.changed`)."""

    def _authorise(self) -> list[str] | None:
        user = self.scope.get("user")
        event = _event(self)
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
        self.frame = fetch_frame(slot="board-hint", url=url, target="idea-board", delay=FETCH_DELAY)
        return [groups.board(workshop.pk)]

    board_changed = HintConsumer.hint
