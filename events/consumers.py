"""The check-in desk, live: a check-in or an undo made at another desk (or by a scan elsewhere)
makes every open desk of the event fetch its search results and counts again over HTTP, with the
search it has typed (core/consumers.py). Group names come from events/groups.py."""

from django.urls import reverse

from core.consumers import HintConsumer, fetch_frame

from . import groups
from .models import Event

# A wave of arrivals (a coach at the door) costs one fetch per desk.
DESK_DELAY = "300ms"


class CheckinDeskConsumer(HintConsumer):
    def _authorise(self) -> list[str] | None:
        user = self.scope.get("user")
        event = Event.objects.filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if user is None or event is None or not user.has_perm("events.check_in", event):
            return None
        url = reverse("events:checkin_desk", args=[event.slug])
        self.frame = fetch_frame(
            slot="checkin-hint",
            url=url,
            target="checkin-results",
            include="#checkin-q",
            delay=DESK_DELAY,
        )
        return [groups.checkins(event.pk)]

    checkin_changed = HintConsumer.hint
