"""The header's notification count, live: on (re)connect and whenever a message reaches the
person (notifications.groups.person), the badge is rendered from the database and swapped in (one
count for one person, and messages reach people one at a time as the outbox sends them)."""

from django.template.loader import render_to_string
from django.utils import translation

from core.consumers import LiveConsumer

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
