"""Live pages of the matching app over websockets (htmx ws extension: frames are rendered partials
swapped by id). Consumers authenticate, check that the user may see the group, join it and
`accept()` last; on every (re)connect they send the page's live parts rendered from the database,
so live messages are only hints. Group names come from matching/groups.py."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from events import groups as checkin_groups
from events.enums import RegistrationStatus
from events.models import Event, Registration
from matching import groups, queries, schedule_queries
from matching.models import ScheduleRun, VenueScreen
from matching.rules import meeting_registration


class _LiveConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        self.group = await self.authorise()
        if self.group is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=await self.render(changed=False))

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def authorise(self) -> str | None:
        raise NotImplementedError

    async def render(self, *, changed: bool) -> str:
        raise NotImplementedError

    def _language(self) -> str:
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

    def _event(self) -> Event | None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        return Event.objects.filter(slug=slug).first()


class ScheduleConsoleConsumer(_LiveConsumer):
    """The organisers' scheduling console: run progress, and the draft when it changes."""

    async def authorise(self) -> str | None:
        return await database_sync_to_async(self._authorise)()

    def _authorise(self) -> str | None:
        user = self.scope.get("user")
        event = self._event()
        if user is None or not user.is_authenticated or event is None:
            return None
        if not user.has_perm("matching.view_schedule", event):
            return None
        self.event, self.user = event, user
        return groups.schedule_console(event.pk)

    async def run_progress(self, message: dict) -> None:
        await self.send(text_data=await database_sync_to_async(self._render)(message))

    async def render(self, *, changed: bool) -> str:
        return await database_sync_to_async(self._render)({})

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
        with translation.override(self._language()):
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


class AgendaConsumer(_LiveConsumer):
    """A participant's agenda: re-rendered when a version that changes it is (un)published."""

    async def authorise(self) -> str | None:
        return await database_sync_to_async(self._authorise)()

    def _authorise(self) -> str | None:
        user = self.scope.get("user")
        event = self._event()
        if user is None or not user.is_authenticated or event is None:
            return None
        registration = Registration.objects.filter(
            event=event, user=user, status=RegistrationStatus.VALIDATED
        ).first()
        if registration is None or not user.has_perm("events.view_event", event):
            return None
        self.event, self.registration = event, registration
        return groups.agenda(registration.pk)

    async def agenda_changed(self, message: dict) -> None:
        await self.send(text_data=await self.render(changed=True))

    async def render(self, *, changed: bool) -> str:
        return await database_sync_to_async(self._render)(changed)

    def _render(self, changed: bool) -> str:
        context = {
            **schedule_queries.agenda_context(self.event, self.registration),
            "changed": changed,
        }
        with translation.override(self._language()):
            return render_to_string("matching/console/agenda.html#meetings", context)


class MyRequestsConsumer(_LiveConsumer):
    """A participant's "My meetings": the lists re-rendered when a request concerning them is
    sent, answered, cancelled or booked, by either side."""

    async def authorise(self) -> str | None:
        return await database_sync_to_async(self._authorise)()

    def _authorise(self) -> str | None:
        user = self.scope.get("user")
        event = self._event()
        if user is None or not user.is_authenticated or event is None:
            return None
        registration = meeting_registration(user, event)
        if registration is None:
            return None
        self.event, self.user, self.registration = event, user, registration
        return groups.my_requests(registration.pk)

    async def requests_changed(self, message: dict) -> None:
        await self.send(text_data=await self.render(changed=True))

    async def render(self, *, changed: bool) -> str:
        return await database_sync_to_async(self._render)()

    def _render(self) -> str:
        """Everything is read again: the phase or the booking mode may have changed too."""
        # meeting_registration caches on the user, which lives as long as the socket here.
        getattr(self.user, "_meeting_registrations", {}).clear()
        event = Event.objects.get(pk=self.event.pk)
        mine = Registration.objects.select_related("organisation", "event").get(
            pk=self.registration.pk
        )
        with translation.override(self._language()):
            context = queries.my_requests_context(self.user, event, mine)
            return render_to_string("matching/requests/mine.html#live", context)


class ScreenConsumer(AsyncWebsocketConsumer):
    """A venue screen (a secret link, no login): on a hint it is told to fetch its board again
    over HTTP, so a change costs one small frame per screen and no render here."""

    group: str | None = None

    async def connect(self):
        token = self.scope["url_route"]["kwargs"]["token"]
        event_id = await database_sync_to_async(self._event_id)(token)
        if event_id is None:
            await self.close(code=4403)
            return
        self.token, self.group = token, groups.screen(event_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    def _event_id(self, token: str) -> int | None:
        return (
            VenueScreen.objects.filter(token=token, revoked_at__isnull=True)
            .values_list("event_id", flat=True)
            .first()
        )

    async def screen_changed(self, message: dict) -> None:
        url = reverse("matching:screen_board", args=[self.token])
        await self.send(
            text_data=f'<div id="screen-hint" hx-swap-oob="true" hidden hx-get="{url}" '
            'hx-trigger="load" hx-target="#screen-board" hx-swap="innerHTML"></div>'
        )


class LiveDashboardConsumer(AsyncWebsocketConsumer):
    """The organisers' live dashboard: on a check-in, a change of the meetings or of the day (a
    meeting started, a partner absent, a re-pairing, an outcome) it is told to
    fetch its panel again over HTTP (one small frame per organiser's page, no render here)."""

    groups_joined: list[str] = []

    async def connect(self):
        self.groups_joined = []
        slug = self.scope["url_route"]["kwargs"]["slug"]
        event_id = await database_sync_to_async(self._authorise)(slug)
        if event_id is None:
            await self.close(code=4403)
            return
        self.slug = slug
        self.groups_joined = [
            checkin_groups.checkins(event_id),
            groups.screen(event_id),
            groups.day(event_id),
        ]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    def _authorise(self, slug: str) -> int | None:
        user = self.scope.get("user")
        event = Event.objects.filter(slug=slug).first()
        if user is None or not user.is_authenticated or event is None:
            return None
        return event.pk if user.has_perm("matching.view_schedule", event) else None

    async def _hint(self, message: dict) -> None:
        url = reverse("matching:live_panel", args=[self.slug])
        await self.send(
            text_data=f'<div id="live-hint" hx-swap-oob="true" hidden hx-get="{url}" '
            'hx-trigger="load" hx-target="#live-panel" hx-swap="innerHTML"></div>'
        )

    checkin_changed = _hint
    screen_changed = _hint
    day_changed = _hint
