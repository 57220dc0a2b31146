"""The notification centre, live. The header's count (`NotificationsConsumer`, on every page of a
signed-in person): on (re)connect and whenever a message reaches the person
(notifications.groups.person), the badge is rendered from the database and swapped in (one count
for one person, and messages reach people one at a time as the outbox sends them). The centre's
list (`CentreConsumer`, on its page): the same message makes the page fetch its list again over
HTTP (core/consumers.py), which marks what it shows as read (and so updates the badge)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.consumers import HintConsumer, LiveConsumer, fetch_frame, without_database

from . import groups, queries


class NotificationsConsumer(LiveConsumer):
    async def authorise(self) -> list[str] | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        self.user = user
        return [groups.person(user.pk)]

    async def render_on_connect(self) -> str:
        return await self.in_thread(self._render)()

    async def notified(self, message: dict) -> None:
        await self.send(text_data=await self.in_thread(self._render)())

    def _render(self) -> str:
        self.user.refresh_from_db(fields=["language"])
        with translation.override(self.user.language):
            return render_to_string(
                "notifications/badge.html",
                {"unread_notifications": queries.unread_count(self.user), "live": True},
            )


class CentreConsumer(HintConsumer):
    def _authorise(self) -> list[str] | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        url = reverse("notifications:centre")
        self.frame = fetch_frame(
            slot="notification-centre-hint", url=url, target="notification-list"
        )
        return [groups.person(user.pk)]

    @without_database
    async def notified(self, message: dict) -> None:
        """A message sent; not one marked read (the list's own fetch marks what it shows read:
        fetching again would take the "new" marks away at once)."""
        if not message.get("read"):
            await self.hint(message)
