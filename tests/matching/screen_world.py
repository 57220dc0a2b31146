"""A venue screen's day at full size: a meeting slot under way and the next one at `tables` tables,
four workshops now and four next, a published version that moved a few meetings, and a screen link.
The organisations carry the demo's real names (long ones included) so the board looks as it will."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from demo import data
from events.enums import Phase, SessionKind
from matching.enums import RequestStatus
from matching.models import ScheduleVersion
from matching.services import screens
from tests.factories import (
    BuyerOrganisationFactory,
    MeetingRequestFactory,
    OrganisationFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SlotFactory,
    TableFactory,
)

WORKSHOPS = [
    ("Atelier Alimentation : vers une restauration collective responsable", "Salle Europe"),
    ("Atelier Mobilité : vélo, logistique du dernier kilomètre", "Salle Flandre"),
    ("Atelier Habitat et cadre de vie", "Salle Artois"),
    ("Atelier Déchets : réemploi et fin du plastique", "Salle Hainaut"),
]


def _registration(event, index: int, *, buyer: bool):
    names = [b["name"] for b in data.BUYERS] if buyer else [e["name"] for e in data.ESS]
    factory = BuyerOrganisationFactory if buyer else OrganisationFactory
    return RegistrationFactory(
        event=event,
        organisation=factory(name=names[index % len(names)]),
        role="buyer" if buyer else "ess",
    )


def venue_day(event, organiser, *, tables: int, moves: int = 6) -> SimpleNamespace:
    """`tables` tables T01… (two zones), each with a meeting now and another next; the last
    published version moved `moves` of the next meetings from the table they were at."""
    event.phase = Phase.LIVE
    event.save(update_fields=["phase"])
    start = (timezone.now() - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    block = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous d'affaires",
        room=RoomFactory(event=event, name="Atrium"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        slot_minutes=20,
    )
    current = SlotFactory(session=block, starts_at=start)
    upcoming = SlotFactory(session=block, starts_at=start + dt.timedelta(minutes=20))
    places = [
        TableFactory(
            event=event,
            name=f"T{i + 1:02d}",
            zone="Atrium, rez-de-chaussée" if i < 40 else "Mezzanine (escalier)",
            accessible=i < 40,
        )
        for i in range(tables)
    ]
    for n, (title, room) in enumerate(WORKSHOPS):
        room = RoomFactory(event=event, name=room)
        for round_ in range(2):
            at = start + dt.timedelta(minutes=90 * round_ - 30)
            SessionFactory(
                event=event,
                kind=SessionKind.WORKSHOP,
                title=title if round_ == 0 else WORKSHOPS[(n + 1) % len(WORKSHOPS)][0],
                room=room,
                starts_at=at,
                ends_at=at + dt.timedelta(minutes=90),
            )
    buyers = [_registration(event, i, buyer=True) for i in range(tables)]
    structures = [_registration(event, i, buyer=False) for i in range(tables)]

    def accepted(a, b):
        return MeetingRequestFactory(
            event=event, status=RequestStatus.ACCEPTED, sender=a, recipient=b
        )

    now_requests = [accepted(buyers[i], structures[i]) for i in range(tables)]
    next_requests = (
        [accepted(buyers[i], structures[(i + 1) % tables]) for i in range(tables)]
        if tables > 1
        else []
    )
    meetings = [
        {"request": r.pk, "slot": current.pk, "table": places[i].pk}
        for i, r in enumerate(now_requests)
    ] + [
        {"request": r.pk, "slot": upcoming.pk, "table": places[i].pk}
        for i, r in enumerate(next_requests)
    ]
    # Version 1 had the first `moves` next meetings at the table `tables // 2` further on.
    moved = min(moves, len(next_requests))
    before = [
        {**m, "table": places[(i + tables // 2) % tables].pk}
        if m["slot"] == upcoming.pk and i < moved
        else m
        for i, m in enumerate(meetings[tables:])
    ]
    ScheduleVersion.objects.create(event=event, number=1, meetings=meetings[:tables] + before)
    ScheduleVersion.objects.create(event=event, number=2, meetings=meetings)
    screen = screens.create_screen(event=event, name="Grand écran de l'atrium", by=organiser)
    return SimpleNamespace(
        event=event,
        screen=screen,
        tables=[t.name for t in places],
        current=current,
        next=upcoming,
        now_requests=now_requests,
        next_requests=next_requests,
    )
