"""The buyer's live pages over websockets: "My pitches" and the "Manage this pitch" panel of a
pitch, with its counts of interested structures and of questions awaiting an answer. Every change
a pitch's sourcing log records (an interest expressed, changed, withdrawn, shortlisted or
declined; a question asked or answered; the pitch published...) is a hint to both groups
(`services.log`), answered with a frame that makes the page fetch its own part over HTTP, where
the view checks the permission again (core/consumers.py). Group names come from pitches/groups.py.
"""

from django.urls import reverse

from accounts.enums import OrganisationKind
from core.consumers import HintConsumer, fetch_frame
from events.models import Event

from . import groups
from .models import Pitch


def _user(consumer):
    user = consumer.scope.get("user")
    return user if user is not None and user.is_authenticated else None


class BuyerPitchesConsumer(HintConsumer):
    """ "My pitches" of an event: the pitches of the buyer organisations the person belongs to."""

    def _authorise(self) -> list[str] | None:
        user = _user(self)
        event = Event.objects.filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if user is None or event is None or not user.has_perm("events.view_event", event):
            return None
        buyers = list(
            user.memberships.filter(organisation__kind=OrganisationKind.BUYER).values_list(
                "organisation_id", flat=True
            )
        )
        if not buyers:
            return None
        url = reverse("pitches:mine", args=[event.slug])
        self.frame = fetch_frame(slot="my-pitches-hint", url=url, target="my-pitches")
        return [groups.buyer(organisation_id) for organisation_id in buyers]

    pitches_changed = HintConsumer.hint


class PitchPanelConsumer(HintConsumer):
    """A pitch's "Manage this pitch" panel, for those who manage it."""

    def _authorise(self) -> list[str] | None:
        user = _user(self)
        pitch = Pitch.objects.filter(pk=self.scope["url_route"]["kwargs"]["pk"]).first()
        if user is None or pitch is None or not user.has_perm("pitches.manage_pitch", pitch):
            return None
        url = reverse("pitches:detail", args=[pitch.pk])
        self.frame = fetch_frame(slot="pitch-panel-hint", url=url, target="buyer-panel")
        return [groups.pitch(pitch.pk)]

    pitches_changed = HintConsumer.hint
