"""The workshops app's part of a person's data (registry in accounts/personal_data.py).

At deletion, each registration gives up its seats and waiting list places through
`workshops.services.release_registration` (registered with events/releases.py: the first people
waiting get the seats and are told); wishes go with the registration (CASCADE); the person leaves
the facilitators (M2M rows) and the plans they asked for lose the name (SET_NULL). On idea
boards, the person's ideas and comments stay with the workshop as "deleted account" (SET_NULL:
they are the workshop's collective work, and may be retained leads), their votes go (CASCADE).
"""

from accounts.personal_data import PersonalData, iso
from core import times

from .models import (
    Comment,
    Idea,
    Seat,
    Vote,
    WaitlistEntry,
    WishList,
    Workshop,
    WorkshopFeedback,
    WorkshopPlan,
    WorkshopWish,
)


def export(user) -> dict[str, list]:
    def title(workshop) -> str:
        return workshop.session.title

    seats = Seat.objects.filter(registration__user=user).select_related("workshop__session__event")
    return {
        "workshop_wish_lists": [
            {"event": w.registration.event.title, "workshops_wanted": w.wants}
            for w in WishList.objects.filter(registration__user=user).select_related(
                "registration__event"
            )
        ],
        "workshop_wishes": [
            {"workshop": title(w.workshop), "rank": w.rank}
            for w in WorkshopWish.objects.filter(registration__user=user)
            .select_related("workshop__session")
            .order_by("registration", "rank")
        ],
        "workshop_seats": [
            {
                "workshop": title(s.workshop),
                "starts_at": iso(s.workshop.session.starts_at),
                "local_time": times.day_and_time(
                    s.workshop.session.starts_at, s.workshop.session.event
                ),
                "taken_at": iso(s.created_at),
            }
            for s in seats.order_by("workshop__session__starts_at", "pk")
        ],
        "workshop_waiting_lists": [
            {"workshop": title(e.workshop), "since": iso(e.created_at)}
            for e in WaitlistEntry.objects.filter(registration__user=user).select_related(
                "workshop__session"
            )
        ],
        "workshops_facilitated": [
            {"workshop": title(w), "event": w.session.event.title}
            for w in Workshop.objects.filter(facilitators=user).select_related("session__event")
        ],
        "workshop_plans_asked": [
            {"event": p.event.title, "kind": p.kind, "created_at": iso(p.created_at)}
            for p in WorkshopPlan.objects.filter(created_by=user).select_related("event")
        ],
        "workshop_ideas": [
            {
                "workshop": title(i.board.workshop),
                "title": i.title,
                "text": i.text,
                "anonymous": i.anonymous,
                "status": i.status,
                "posted_at": iso(i.created_at),
            }
            for i in Idea.objects.filter(author=user).select_related("board__workshop__session")
        ],
        "workshop_comments": [
            {
                "workshop": title(c.idea.board.workshop),
                "idea": c.idea.title,
                "text": c.text,
                "anonymous": c.anonymous,
                "posted_at": iso(c.created_at),
            }
            for c in Comment.objects.filter(author=user).select_related(
                "idea__board__workshop__session"
            )
        ],
        "workshop_votes": [
            {
                "workshop": title(v.idea.board.workshop),
                "idea": v.idea.title,
                "given_at": iso(v.created_at),
            }
            for v in Vote.objects.filter(voter=user).select_related(
                "idea__board__workshop__session"
            )
        ],
        "workshop_surveys": [
            {
                "workshop": title(f.workshop),
                "usefulness": f.usefulness,
                "comment": f.comment,
                "updated_at": iso(f.updated_at),
            }
            for f in WorkshopFeedback.objects.filter(registration__user=user).select_related(
                "workshop__session"
            )
        ],
    }


MODELS = frozenset(
    {
        "workshops.WishList",
        "workshops.WorkshopWish",
        "workshops.Seat",
        "workshops.WaitlistEntry",
        "workshops.Workshop",
        "workshops.WorkshopPlan",
        "workshops.Idea",
        "workshops.Comment",
        "workshops.Vote",
        "workshops.WorkshopFeedback",
    }
)

PROVIDER = PersonalData(app="workshops", export=export, exported=MODELS, erased=MODELS)
