"""Every websocket route of the project, gathered from the apps' consumers."""

from django.urls import path

from matching.consumers import AgendaConsumer, ScheduleConsoleConsumer

websocket_urlpatterns: list = [
    # matching: the organisers' scheduling console and the participant's agenda
    path("ws/e/<slug:slug>/console/schedule/", ScheduleConsoleConsumer.as_asgi()),
    path("ws/e/<slug:slug>/agenda/", AgendaConsumer.as_asgi()),
]
