"""Live pages of the matching app over websockets (htmx ws extension: frames are partials swapped
by id). Shared machinery (authorise, join, accept last, robust reads, closing on logout or on a
change of rights, the fetch frame) is in core/consumers.py. On every (re)connect the page's live
parts are sent rendered from the database; a message is a hint, answered with a frame that makes
the browser fetch the person's own fragment over HTTP (no render per socket in the consumer).
Group names come from matching/groups.py."""

from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.consumers import HintConsumer, LiveConsumer, fetch_frame, without_database
from events import groups as checkin_groups
from events.enums import RegistrationStatus
from events.models import Event, Registration
from matching import groups, queries, schedule_queries
from matching.models import ScheduleRun, VenueScreen
from matching.rules import meeting_registration
from workshops import groups as workshop_groups

# The dashboard folds a burst of hints (a room voting at once) into one fetch of its panel.
PANEL_DELAY = "300ms"
STATISTICS_DELAY = "2s"


class _MatchingConsumer(LiveConsumer):
    async def authorise(self) -> list[str] | None:
        return await self.in_thread(self._authorise)()

    def _authorise(self) -> list[str] | None:
        raise NotImplementedError

    def concerns_me(self, message: dict) -> bool:
        """A message to every page of the event names the registrations it concerns."""
        concerned = message.get("registrations")
        return concerned is None or self.registration.pk in concerned

    def _event(self) -> Event | None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        return Event.objects.filter(slug=slug).first()

    def _user(self):
        user = self.scope.get("user")
        return user if user is not None and user.is_authenticated else None


class ScheduleConsoleConsumer(_MatchingConsumer):
    """The organisers' scheduling console: run progress, and the draft when it changes. A few
    sockets per event, and a progress message carries the run's state: rendered here."""

    def _authorise(self) -> list[str] | None:
        user, event = self._user(), self._event()
        if user is None or event is None or not user.has_perm("matching.view_schedule", event):
            return None
        self.event, self.user = event, user
        return [groups.schedule_console(event.pk)]

    async def run_progress(self, message: dict) -> None:
        await self.send(text_data=await self.in_thread(self._render)(message))

    async def render_on_connect(self) -> str:
        return await self.in_thread(self._render)({})

    def _render(self, message: dict) -> str:
        """The run panel, and the draft unless a run is under way. A progress message carries the
        run's step at the time it was sent; everything else is read from the database."""
        event = Event.objects.get(pk=self.event.pk)
        run = ScheduleRun.objects.filter(event=event).first()
        if run is not None and message.get("run_id") == run.pk:
            run.status, run.step, run.progress = (
                message["status"],
                message["step"],
                message["progress"],
            )
        with translation.override(self.language()):
            context = None
            if run is None or not run.is_active:
                context = schedule_queries.console_context(event, self.user)
            run_violations = context["run_violations"] if context else []
            parts = [
                render_to_string(
                    "matching/console/schedule.html#run",
                    {"event": event, "run": run, "run_violations": run_violations},
                )
            ]
            if context is not None:
                parts.append(render_to_string("matching/console/schedule.html#draft", context))
        return "\n".join(parts)


class AgendaConsumer(_MatchingConsumer):
    """A participant's agenda: fetched again when a version that changes it is (un)published."""

    def _authorise(self) -> list[str] | None:
        user, event = self._user(), self._event()
        if user is None or event is None:
            return None
        registration = Registration.objects.filter(
            event=event, user=user, status=RegistrationStatus.VALIDATED
        ).first()
        if registration is None or not user.has_perm("events.view_event", event):
            return None
        self.event, self.registration = event, registration
        return [groups.agenda(registration.pk), groups.agendas(event.pk)]

    @without_database
    async def agenda_changed(self, message: dict) -> None:
        if not self.concerns_me(message):
            return
        url = reverse("matching:agenda", args=[self.event.slug]) + "?changed=1"
        frame = fetch_frame(slot="agenda-fetch", url=url, target="agenda-meetings")
        await self.send(text_data=frame)

    async def render_on_connect(self) -> str:
        return await self.in_thread(self._render)()

    def _render(self) -> str:
        context = {**schedule_queries.agenda_context(self.event, self.registration)}
        with translation.override(self.language()):
            return render_to_string("matching/console/agenda.html#meetings", context)


class MyRequestsConsumer(_MatchingConsumer):
    """A participant's "My meetings": the lists fetched again when a request concerning them is
    sent, answered, cancelled or booked, by either side."""

    def _authorise(self) -> list[str] | None:
        user, event = self._user(), self._event()
        if user is None or event is None:
            return None
        getattr(user, "_meeting_registrations", {}).clear()  # cached on the socket's user
        registration = meeting_registration(user, event)
        if registration is None:
            return None
        self.event, self.user, self.registration = event, user, registration
        return [groups.my_requests(registration.pk), groups.every_my_requests(event.pk)]

    @without_database
    async def requests_changed(self, message: dict) -> None:
        if not self.concerns_me(message):
            return
        url = reverse("matching:requests", args=[self.event.slug]) + "?part=live"
        frame = fetch_frame(
            slot="my-requests-fetch",
            url=url,
            target="my-requests-live",
            include="#my-requests-pages",  # the pages shown (core.pagination)
        )
        await self.send(text_data=frame)

    async def render_on_connect(self) -> str:
        return await self.in_thread(self._render)()

    def _render(self) -> str:
        """Everything is read again: the phase or the booking mode may have changed too."""
        getattr(self.user, "_meeting_registrations", {}).clear()
        event = Event.objects.get(pk=self.event.pk)
        mine = Registration.objects.select_related("organisation", "event").get(
            pk=self.registration.pk
        )
        with translation.override(self.language()):
            # The pages the page shows: its socket's URL carries its query string.
            params = QueryDict(self.scope.get("query_string", b"").decode("latin-1"))
            context = queries.my_requests_context(self.user, event, mine, params=params)
            return render_to_string("matching/requests/mine.html#live", context)


class ScreenConsumer(HintConsumer):
    """A venue screen (a secret link, no login): on a hint, and on every (re)connect, it is told
    to fetch its board again over HTTP, so a change costs one small frame per screen and no
    render here. A revoked link closes the socket (`revoke_screen` asks the screens to check
    their rights again)."""

    login_required = False

    def _authorise(self) -> list[str] | None:
        token = self.scope["url_route"]["kwargs"]["token"]
        event_id = (
            VenueScreen.objects.filter(token=token, revoked_at__isnull=True)
            .values_list("event_id", flat=True)
            .first()
        )
        url = reverse("matching:screen_board", args=[token])
        self.frame = fetch_frame(
            slot="screen-hint", url=url, target="screen-board", swap="innerHTML"
        )
        return None if event_id is None else [groups.screen(event_id)]

    screen_changed = HintConsumer.hint

    async def rights_changed(self, message: dict) -> None:
        """A link was revoked: the revoked screen fetches its board once more (the answer, 404,
        makes the page say it was revoked), then its socket closes."""
        if await self.authorise() is None:
            await self.send(text_data=self.frame)
        await super().rights_changed(message)


class LiveDashboardConsumer(HintConsumer):
    """The organisers' live dashboard: on a check-in, a change of the meetings or of the day (a
    meeting started, a partner absent, a re-pairing, an outcome), of the workshops' seats and
    waiting lists or of an idea board, and on every (re)connect, it is told to fetch its panel
    again over HTTP (one small frame per organiser's page, no render here)."""

    def _authorise(self) -> list[str] | None:
        user = self.scope.get("user")
        event = Event.objects.filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if user is None or event is None or not user.has_perm("matching.view_schedule", event):
            return None
        url = reverse("matching:live_panel", args=[event.slug])
        self.frame = fetch_frame(
            slot="live-hint", url=url, target="live-panel", swap="innerHTML", delay=PANEL_DELAY
        )
        return [
            checkin_groups.checkins(event.pk),
            groups.screen(event.pk),
            groups.day(event.pk),
            workshop_groups.seats(event.pk),
            workshop_groups.boards(event.pk),
        ]

    checkin_changed = screen_changed = day_changed = HintConsumer.hint
    seats_changed = board_changed = HintConsumer.hint


class StatisticsConsumer(HintConsumer):
    """The organisers' statistics: on a check-in, a change of the day (a meeting started, a
    partner absent, a re-pairing, an outcome), a meeting booked or moved, a workshop's seats or
    waiting list, it is told to fetch its panel again over HTTP. The panel costs a fixed number
    of queries but more than the dashboard's, so a burst of hints (the desk at opening time) folds
    into one fetch every STATISTICS_DELAY."""

    def _authorise(self) -> list[str] | None:
        user = self.scope.get("user")
        event = Event.objects.filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if user is None or event is None or not user.has_perm("matching.view_schedule", event):
            return None
        url = reverse("matching:statistics", args=[event.slug])
        self.frame = fetch_frame(
            slot="statistics-hint",
            url=url,
            target="statistics-panel",
            swap="innerHTML",
            delay=STATISTICS_DELAY,
        )
        return [
            checkin_groups.checkins(event.pk),
            groups.screen(event.pk),
            groups.day(event.pk),
            workshop_groups.seats(event.pk),
        ]

    checkin_changed = screen_changed = day_changed = seats_changed = HintConsumer.hint
