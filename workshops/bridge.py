"""The bridge between the database and the engine's workshop module (`osez-workshops/1`).

`build_problem(event, kind)` reads an event's workshops, rooms, wishes and seats and returns the
engine problem document with `refs`, the map from engine ids back to database rows. Engine ids are
stable: "w<workshop pk>", "p<registration pk>", "r<room pk>", "b<n>" for the n-th time block.

Time blocks are the workshop sessions' time ranges. Ranges that overlap are merged into one block
(a participant can never attend two of them), so the engine's "one workshop per block" rule means
"never two workshops at the same time" in the building.

- kind "seats": placements are fixed where the sessions are; each workshop gets a room of its own
  holding min(workshop capacity, room capacity) minus its organiser-kept seats; kept seats also
  reduce what their holder still wants and remove clashing wishes.
- kind "placement": the engine chooses room and block for every workshop among the event's rooms
  that host nothing else during workshop blocks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from events.enums import RegistrationStatus, SessionKind
from events.models import Event, Room, Session

from .enums import MAX_WANTS, PlanKind
from .models import Seat, Workshop, WorkshopWish

FORMAT = "osez-workshops/1"


@dataclass(frozen=True)
class Block:
    id: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def _cluster(ranges: list[tuple[dt.datetime, dt.datetime]]) -> list[list[tuple]]:
    """Group time ranges that overlap (transitively), in time order."""
    clusters: list[list[tuple]] = []
    end = None
    for start, stop in sorted(ranges):
        if clusters and start < end:
            clusters[-1].append((start, stop))
            end = max(end, stop)
        else:
            clusters.append([(start, stop)])
            end = stop
    return clusters


def time_blocks(workshops: list[Workshop]) -> tuple[list[Block], dict[int, str]]:
    """The event's workshop time blocks, and each workshop's block id.

    A block's time range is the most common range among the workshops it groups (the earliest on
    a tie): that is where a workshop moved into the block by a placement will run."""
    ranges = [(w.session.starts_at, w.session.ends_at) for w in workshops]
    blocks, block_of_range = [], {}
    for n, cluster in enumerate(_cluster(ranges), start=1):
        counts = Counter(cluster)
        start, stop = min(counts, key=lambda r: (-counts[r], r))
        block = Block(f"b{n}", start, stop)
        blocks.append(block)
        block_of_range.update(dict.fromkeys(cluster, block.id))
    return blocks, {
        w.pk: block_of_range[(w.session.starts_at, w.session.ends_at)] for w in workshops
    }


def event_workshops(event: Event) -> list[Workshop]:
    return list(
        Workshop.objects.filter(session__event=event)
        .select_related("session__room")
        .order_by("session__starts_at", "pk")
    )


def max_wants(event: Event, workshops: list[Workshop] | None = None) -> int:
    """How many workshops a participant may ask for: at most MAX_WANTS, at most one per block.
    Pass the event's workshops (with their sessions) if already read."""
    blocks, _ = time_blocks(event_workshops(event) if workshops is None else workshops)
    return max(1, min(MAX_WANTS, len(blocks)))


def free_rooms(event: Event, blocks: list[Block]) -> list[Room]:
    """The event's rooms that host no other kind of session during a workshop block."""
    busy = set()
    others = Session.objects.filter(event=event, room__isnull=False).exclude(
        kind=SessionKind.WORKSHOP
    )
    for block in blocks:
        busy.update(
            others.filter(starts_at__lt=block.ends_at, ends_at__gt=block.starts_at).values_list(
                "room_id", flat=True
            )
        )
    return [room for room in event.rooms.order_by("name", "pk") if room.pk not in busy]


def build_problem(event: Event, kind: str = PlanKind.SEATS) -> tuple[dict, dict]:
    """The engine problem document for the event's workshops, and the refs back to the database."""
    workshops = event_workshops(event)
    blocks, block_of = time_blocks(workshops)
    kept = list(
        Seat.objects.filter(workshop__in=workshops, locked=True).values_list(
            "registration_id", "workshop_id"
        )
    )
    kept_by_workshop = Counter(workshop_id for _, workshop_id in kept)
    kept_by_person: dict[int, list[int]] = defaultdict(list)
    for registration_id, workshop_id in kept:
        kept_by_person[registration_id].append(workshop_id)

    doc: dict = {"format": FORMAT, "blocks": [b.id for b in blocks], "rooms": [], "workshops": []}
    refs: dict = {
        "workshops": {},
        "people": {},
        "rooms": {},
        "blocks": {b.id: [b.starts_at.isoformat(), b.ends_at.isoformat()] for b in blocks},
    }
    offered: set[int] = set()
    if kind == PlanKind.SEATS:
        doc["fixed"] = []
        for workshop in workshops:
            capacity = workshop.seat_capacity - kept_by_workshop[workshop.pk]
            if capacity < 1:
                continue  # full with kept seats: nothing to assign
            wid, rid = f"w{workshop.pk}", f"v{workshop.pk}"
            offered.add(workshop.pk)
            doc["workshops"].append({"id": wid, "capacity": capacity})
            doc["rooms"].append({"id": rid, "capacity": capacity})
            doc["fixed"].append({"workshop": wid, "room": rid, "block": block_of[workshop.pk]})
            refs["workshops"][wid] = workshop.pk
    else:
        for room in free_rooms(event, blocks):
            doc["rooms"].append({"id": f"r{room.pk}", "capacity": room.capacity})
            refs["rooms"][f"r{room.pk}"] = room.pk
        for workshop in workshops:
            offered.add(workshop.pk)
            doc["workshops"].append({"id": f"w{workshop.pk}", "capacity": workshop.capacity})
            refs["workshops"][f"w{workshop.pk}"] = workshop.pk

    doc["people"] = _people(workshops, offered, block_of, kept_by_person, kind, refs)
    return doc, refs


def _people(workshops, offered, block_of, kept_by_person, kind, refs) -> list[dict]:
    wishes = (
        WorkshopWish.objects.filter(
            workshop__in=workshops, registration__status=RegistrationStatus.VALIDATED
        )
        .select_related("registration__workshop_wishlist")
        .order_by("registration_id", "rank")
    )
    by_person: dict[int, list[int]] = defaultdict(list)
    wants: dict[int, int] = {}
    for wish in wishes:
        by_person[wish.registration_id].append(wish.workshop_id)
        wishlist = getattr(wish.registration, "workshop_wishlist", None)
        wants[wish.registration_id] = wishlist.wants if wishlist is not None else 1
    people = []
    for registration_id, ranked in by_person.items():
        kept = kept_by_person.get(registration_id, [])
        still_wanted = wants[registration_id] - len(kept)
        busy_blocks = {block_of[w] for w in kept}
        ranked = [
            w
            for w in ranked
            if w in offered
            and w not in kept
            and (kind != PlanKind.SEATS or block_of[w] not in busy_blocks)
        ]
        if still_wanted < 1 or not ranked:
            continue
        pid = f"p{registration_id}"
        refs["people"][pid] = registration_id
        person = {"id": pid, "wishes": [f"w{w}" for w in ranked]}
        if still_wanted > 1:
            person["wants"] = still_wanted
        people.append(person)
    return people
