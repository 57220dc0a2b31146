"""Every websocket route of the project, gathered from the apps' consumers."""

from django.urls import path

from events.consumers import CheckinDeskConsumer
from matching.consumers import (
    AgendaConsumer,
    LiveDashboardConsumer,
    MyRequestsConsumer,
    ScheduleConsoleConsumer,
    ScreenConsumer,
    StatisticsConsumer,
)
from notifications.consumers import CentreConsumer, NotificationsConsumer
from pitches.consumers import BuyerPitchesConsumer, PitchPanelConsumer
from workshops.consumers import BoardConsumer, SeatsConsumer

websocket_urlpatterns: list = [
    # events: the check-in desks
    path("ws/e/<slug:slug>/console/check-in/", CheckinDeskConsumer.as_asgi()),
    # matching: the organisers' scheduling console, the participant's agenda and meetings
    path("ws/e/<slug:slug>/console/schedule/", ScheduleConsoleConsumer.as_asgi()),
    path("ws/e/<slug:slug>/agenda/", AgendaConsumer.as_asgi()),
    path("ws/e/<slug:slug>/my-meetings/", MyRequestsConsumer.as_asgi()),
    path("ws/screen/<str:token>/", ScreenConsumer.as_asgi()),
    path("ws/e/<slug:slug>/console/live/", LiveDashboardConsumer.as_asgi()),
    path("ws/e/<slug:slug>/console/statistics/", StatisticsConsumer.as_asgi()),
    # pitches: the buyer's pitches and a pitch's management panel (interests, questions)
    path("ws/e/<slug:slug>/pitches/mine/", BuyerPitchesConsumer.as_asgi()),
    path("ws/pitches/<int:pk>/", PitchPanelConsumer.as_asgi()),
    # workshops: seats and waiting lists, a workshop's idea board
    path("ws/e/<slug:slug>/workshops/", SeatsConsumer.as_asgi()),
    path("ws/e/<slug:slug>/workshops/<int:pk>/board/", BoardConsumer.as_asgi()),
    # notifications: the header's unread count, on every page of a signed-in person
    path("ws/notifications/", NotificationsConsumer.as_asgi()),
    # notifications: the notification centre's list, on its page
    path("ws/notifications/centre/", CentreConsumer.as_asgi()),
]
