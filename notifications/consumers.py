"""The header's notification count, live: on (re)connect and whenever a message reaches the
person (notifications.groups.person), the badge is rendered from the database and swapped in."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string
from django.utils import translation

from . import groups, queries


class NotificationsConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4403)
            return
        self.user, self.group = user, groups.person(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=await database_sync_to_async(self._render)())

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notified(self, message: dict) -> None:
        await self.send(text_data=await database_sync_to_async(self._render)())

    def _render(self) -> str:
        self.user.refresh_from_db(fields=["language"])
        with translation.override(self.user.language):
            return render_to_string(
                "notifications/badge.html",
                {"unread_notifications": queries.unread_count(self.user), "live": True},
            )
