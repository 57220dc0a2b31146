from django.urls import path

from .views import (
    console,
    day,
    follow_ups,
    indicators,
    live,
    printing,
    recommendations,
    screen,
    statistics,
)
from .views import requests as meeting_requests

app_name = "matching"

urlpatterns = [
    # --- meeting requests and self-service booking (matching/views/requests.py)
    path("e/<slug:slug>/participants/", meeting_requests.participants, name="participants"),
    path("e/<slug:slug>/my-meetings/", meeting_requests.my_requests, name="requests"),
    path(
        "e/<slug:slug>/my-meetings/new/<int:org_pk>/",
        meeting_requests.request_new,
        name="request_new",
    ),
    path(
        "e/<slug:slug>/my-meetings/<int:pk>/accept/",
        meeting_requests.request_accept,
        name="request_accept",
    ),
    path(
        "e/<slug:slug>/my-meetings/<int:pk>/decline/",
        meeting_requests.request_decline,
        name="request_decline",
    ),
    path(
        "e/<slug:slug>/my-meetings/<int:pk>/cancel/",
        meeting_requests.request_cancel,
        name="request_cancel",
    ),
    path(
        "e/<slug:slug>/my-meetings/<int:pk>/meeting.ics",
        meeting_requests.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "e/<slug:slug>/my-meetings/<int:pk>/book/",
        meeting_requests.request_book,
        name="request_book",
    ),
    path("e/<slug:slug>/console/meetings/", meeting_requests.settings_view, name="settings"),
    # --- a buyer's responsible-purchasing indicators (matching/views/indicators.py)
    path(
        "organisations/<slug:slug>/indicators/",
        indicators.buyer_indicators,
        name="buyer_indicators",
    ),
    path(
        "organisations/<slug:slug>/indicators.<str:fmt>",
        indicators.buyer_indicators_file,
        name="buyer_indicators_file",
    ),
    # --- the organisers' statistics (matching/views/statistics.py)
    path("e/<slug:slug>/console/statistics/", statistics.statistics_page, name="statistics"),
    path(
        "e/<slug:slug>/console/statistics/charts/<slug:name>.svg",
        statistics.statistics_chart,
        name="statistics_chart",
    ),
    # --- recommendations (matching/views/recommendations.py)
    path(
        "e/<slug:slug>/pitches-for-me/",
        recommendations.pitches_for_me,
        name="pitches_for_me",
    ),
    path(
        "pitches/<int:pk>/structures-to-invite/",
        recommendations.structures_for_pitch,
        name="structures_for_pitch",
    ),
    # --- organisers' scheduling console (matching/views/console.py)
    path("e/<slug:slug>/console/schedule/", console.schedule, name="schedule"),
    path("e/<slug:slug>/console/schedule/run/", console.run, name="schedule_run"),
    path(
        "e/<slug:slug>/console/schedule/participants/",
        console.participants,
        name="schedule_participants",
    ),
    path("e/<slug:slug>/console/schedule/publish/", console.publish, name="schedule_publish"),
    path("e/<slug:slug>/console/schedule/meetings/<int:pk>/", console.meeting, name="meeting"),
    path(
        "e/<slug:slug>/console/schedule/meetings/<int:pk>/lock/",
        console.meeting_lock,
        name="meeting_lock",
    ),
    path(
        "e/<slug:slug>/console/schedule/meetings/<int:pk>/unschedule/",
        console.meeting_unschedule,
        name="meeting_unschedule",
    ),
    path(
        "e/<slug:slug>/console/schedule/requests/<int:pk>/place/",
        console.request_place,
        name="request_place",
    ),
    path("e/<slug:slug>/console/schedule/versions/", console.versions, name="versions"),
    path(
        "e/<slug:slug>/console/schedule/versions/<int:number>/unpublish/",
        console.version_unpublish,
        name="version_unpublish",
    ),
    path("e/<slug:slug>/agenda/", console.agenda, name="agenda"),
    # --- printed documents (matching/views/printing.py)
    path("e/<slug:slug>/agenda/agenda.pdf", printing.agenda_pdf, name="agenda_pdf"),
    path("e/<slug:slug>/console/print/", printing.print_page, name="print"),
    path("e/<slug:slug>/console/print/start/", printing.print_start, name="print_start"),
    path("e/<slug:slug>/console/print/status/", printing.print_status, name="print_status"),
    path(
        "e/<slug:slug>/console/print/<str:part>.pdf",
        printing.print_download,
        name="print_download",
    ),
    # The organisers' live dashboard of the day
    path("e/<slug:slug>/console/live/", live.live, name="live"),
    path("e/<slug:slug>/console/live/panel/", live.live_panel, name="live_panel"),
    # Venue screens: the organisers' links, and the screen itself (a secret link, no login)
    path("e/<slug:slug>/console/screens/", screen.screens, name="screens"),
    path("e/<slug:slug>/console/screens/<int:pk>/revoke/", screen.revoke, name="screen_revoke"),
    path("screen/<str:token>/", screen.screen, name="screen"),
    path("screen/<str:token>/board/", screen.board, name="screen_board"),
    # --- the day itself, from the agenda (matching/views/day.py)
    path("e/<slug:slug>/agenda/meetings/<int:pk>/here/", day.meeting_here, name="meeting_here"),
    path(
        "e/<slug:slug>/agenda/meetings/<int:pk>/absent/", day.meeting_absent, name="meeting_absent"
    ),
    path(
        "e/<slug:slug>/agenda/meetings/<int:pk>/replace/",
        day.meeting_replace,
        name="meeting_replace",
    ),
    path(
        "e/<slug:slug>/agenda/meetings/<int:pk>/outcome/",
        day.meeting_outcome,
        name="meeting_outcome",
    ),
    # --- after the day: follow-ups (matching/views/follow_ups.py)
    path("e/<slug:slug>/follow-ups/", follow_ups.my_follow_ups, name="follow_ups"),
    path("e/<slug:slug>/follow-ups/<int:pk>/", follow_ups.follow_up, name="follow_up"),
    path("e/<slug:slug>/console/follow-ups/", follow_ups.event_follow_ups, name="event_follow_ups"),
]
