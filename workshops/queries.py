"""Named reads for workshops: the event's workshops with their seats, a participant's wishes and
seats, registrants and proposals. The time a participant spends in workshops is part of their day:
workshops/day.py answers events/day.py."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q
from django.utils.translation import gettext as _

from core.counts import count_of
from events.enums import RegistrationStatus
from events.models import Event, Registration

from .enums import IdeaStatus, PlanKind
from .models import (
    Board,
    Comment,
    Idea,
    Seat,
    Vote,
    WaitlistEntry,
    WishList,
    Workshop,
    WorkshopPlan,
    WorkshopWish,
)
from .rules import is_board_moderator, may_moderate, may_post, may_vote


def event_workshops(event: Event):
    """The event's workshops in programme order, with seats taken and people waiting."""
    return (
        Workshop.objects.filter(session__event=event)
        .select_related("session__room", "theme")
        .annotate(
            seats_taken=count_of(Seat.objects.all(), "workshop"),
            waiting=count_of(WaitlistEntry.objects.all(), "workshop"),
            first_wishes=count_of(WorkshopWish.objects.filter(rank=1), "workshop"),
            all_wishes=count_of(WorkshopWish.objects.all(), "workshop"),
        )
        .order_by("session__starts_at", "session__title")
    )


@dataclass(frozen=True)
class BoardActivity:
    """One workshop's idea board, in figures, for the organisers' live dashboard."""

    workshop: Workshop
    ideas: int  # shown (neither hidden nor merged)
    comments: int
    votes: int
    voters: int
    retained: int
    last_at: dt.datetime | None
    voting_closed: bool
    closed: bool


def board_activity(event: Event) -> list[BoardActivity]:
    """Every workshop of the event with its board's activity, in programme order (four queries
    whatever the number of workshops)."""
    workshops = list(
        Workshop.objects.filter(session__event=event)
        .select_related("session", "board")
        .order_by("session__starts_at", "session__title")
    )
    shown = Q(hidden=False) & ~Q(status=IdeaStatus.MERGED)
    ideas = {
        row["board__workshop"]: row
        for row in Idea.objects.filter(board__workshop__in=workshops)
        .values("board__workshop")
        .annotate(
            shown=Count("pk", filter=shown),
            retained=Count("pk", filter=shown & Q(status=IdeaStatus.RETAINED)),
            last=Max("created_at"),
        )
    }
    comments = {
        row["idea__board__workshop"]: row
        for row in Comment.objects.filter(idea__board__workshop__in=workshops)
        .values("idea__board__workshop")
        .annotate(count=Count("pk"), last=Max("created_at"))
    }
    votes = {
        row["idea__board__workshop"]: row
        for row in Vote.objects.filter(idea__board__workshop__in=workshops)
        .values("idea__board__workshop")
        .annotate(count=Count("pk"), voters=Count("voter", distinct=True), last=Max("created_at"))
    }
    rows = []
    for workshop in workshops:
        idea, comment, vote = (source.get(workshop.pk, {}) for source in (ideas, comments, votes))
        board = getattr(workshop, "board", None)
        moments = [m for m in (idea.get("last"), comment.get("last"), vote.get("last")) if m]
        rows.append(
            BoardActivity(
                workshop=workshop,
                ideas=idea.get("shown", 0),
                comments=comment.get("count", 0),
                votes=vote.get("count", 0),
                voters=vote.get("voters", 0),
                retained=idea.get("retained", 0),
                last_at=max(moments) if moments else None,
                voting_closed=board is not None and board.voting_closed,
                closed=board is not None and board.is_closed,
            )
        )
    return rows


@dataclass
class MyWorkshops:
    """A participant's side of the workshops page."""

    registration: Registration | None
    wants: int = 1
    ranked: list[int] = field(default_factory=list)  # workshop ids, best first
    seats: set[int] = field(default_factory=set)
    waiting: dict[int, int] = field(default_factory=dict)  # workshop id -> position (1-based)


def my_workshops(event: Event, user) -> MyWorkshops:
    if not user.is_authenticated:
        return MyWorkshops(registration=None)
    registration = event.registrations.filter(
        user=user, status=RegistrationStatus.VALIDATED
    ).first()
    if registration is None:
        return MyWorkshops(registration=None)
    wishlist = WishList.objects.filter(registration=registration).first()
    mine = MyWorkshops(
        registration=registration,
        wants=wishlist.wants if wishlist else 1,
        ranked=list(
            WorkshopWish.objects.filter(registration=registration)
            .order_by("rank")
            .values_list("workshop_id", flat=True)
        ),
        seats=set(
            Seat.objects.filter(registration=registration).values_list("workshop_id", flat=True)
        ),
    )
    for entry in WaitlistEntry.objects.filter(registration=registration):
        mine.waiting[entry.workshop_id] = (
            WaitlistEntry.objects.filter(workshop_id=entry.workshop_id)
            .filter(
                Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk)
            )
            .count()
            + 1
        )
    return mine


def facilitated_ids(event: Event, user) -> set[int]:
    """The workshops of the event the user facilitates."""
    if not user.is_authenticated:
        return set()
    return set(
        Workshop.objects.filter(session__event=event, facilitators=user).values_list(
            "pk", flat=True
        )
    )


def registrants(workshop: Workshop) -> tuple[list[Seat], list[WaitlistEntry]]:
    """Who holds a seat, and who waits (in order), with their organisation."""
    seats = list(
        workshop.seats.select_related("registration__user", "registration__organisation").order_by(
            "registration__organisation__name", "registration__user__last_name", "pk"
        )
    )
    waiting = list(
        workshop.waitlist.select_related("registration__user", "registration__organisation")
    )
    return seats, waiting


def latest_proposal(event: Event) -> WorkshopPlan | None:
    """The newest proposal not yet applied, if it is newer than every applied one."""
    latest = event.workshop_plans.order_by("-created_at", "-pk").first()
    return latest if latest is not None and latest.applied_at is None else None


def seats_assigned(event: Event) -> bool:
    return event.workshop_plans.filter(kind=PlanKind.SEATS, applied_at__isnull=False).exists()


def wish_summary(event: Event) -> dict:
    """How many validated participants ranked workshops, and how many want two."""
    lists = WishList.objects.filter(
        registration__event=event,
        registration__status=RegistrationStatus.VALIDATED,
        registration__workshop_wishes__isnull=False,
    ).distinct()
    return {"people": lists.count(), "want_two": lists.filter(wants__gte=2).count()}


@dataclass
class ProposalView:
    """A proposal read for the organiser: per workshop, per person and overall figures."""

    proposal: WorkshopPlan
    workshops: list[dict]
    people: list[dict]
    stats: dict


def describe_proposal(proposal: WorkshopPlan) -> ProposalView:
    refs, plan, problem = proposal.refs, proposal.plan, proposal.problem
    workshop_ids = dict(refs["workshops"])
    by_pk = {
        w.pk: w
        for w in Workshop.objects.filter(pk__in=workshop_ids.values()).select_related(
            "session__room"
        )
    }
    capacity = {w["id"]: w["capacity"] for w in problem["workshops"]}
    room_capacity = {r["id"]: r["capacity"] for r in problem["rooms"]}
    seated = Counter(seat["workshop"] for seat in plan["seats"])
    placements = {p["workshop"]: p for p in plan["placements"]}
    rooms = {room.pk: room for room in proposal.event.rooms.all()}
    blocks = {
        block_id: tuple(dt.datetime.fromisoformat(t) for t in times)
        for block_id, times in refs["blocks"].items()
    }
    workshops = []
    for engine_id, pk in workshop_ids.items():
        placement = placements.get(engine_id)
        room = None
        if placement is not None and placement["room"] in refs.get("rooms", {}):
            room = rooms.get(refs["rooms"][placement["room"]])
        cap = capacity[engine_id]
        if placement is not None:
            cap = min(cap, room_capacity[placement["room"]])
        workshops.append(
            {
                "workshop": by_pk[pk],
                "seats": seated[engine_id],
                "capacity": cap,
                "room": room,
                "block": blocks.get(placement["block"]) if placement else None,
                "unplaced": placement is None,
                "wished": sum(1 for p in problem["people"] if engine_id in p["wishes"]),
            }
        )
    workshops.sort(key=lambda row: (row["workshop"].session.starts_at, row["workshop"].pk))

    got: dict[str, list[str]] = defaultdict(list)
    for seat in plan["seats"]:
        got[seat["person"]].append(seat["workshop"])
    registrations = {
        r.pk: r
        for r in Registration.objects.filter(pk__in=list(refs["people"].values())).select_related(
            "user", "organisation"
        )
    }
    people = []
    for person in problem["people"]:
        ranks = sorted(person["wishes"].index(w) + 1 for w in got.get(person["id"], []))
        people.append(
            {
                "registration": registrations.get(refs["people"][person["id"]]),
                "ranks": ranks,
                "wants": person.get("wants", 1),
                "workshops": [
                    by_pk[workshop_ids[w]] for w in got.get(person["id"], []) if w in workshop_ids
                ],
            }
        )
    # People left without a seat first: they are the ones an organiser looks for.
    people.sort(
        key=lambda row: (
            bool(row["ranks"]),
            row["ranks"],
            row["registration"].user.get_full_name() if row["registration"] else "",
        )
    )
    total = len(problem["people"])
    served = sum(1 for row in people if row["ranks"])
    first = sum(1 for row in people if 1 in row["ranks"])
    best = Counter(row["ranks"][0] if row["ranks"] else 0 for row in people)
    stats = {
        "by_rank": sorted(best.items(), key=lambda item: item[0] or len(problem["workshops"]) + 1),
        "people": total,
        "served": served,
        "first": first,
        "served_pct": round(100 * served / total) if total else 0,
        "first_pct": round(100 * first / total) if total else 0,
        "seats": len(plan["seats"]),
        "co_wish_pairs": plan.get("stats", {}).get("co_wish_pairs", 0),
        "co_wish_pairs_apart": plan.get("stats", {}).get("co_wish_pairs_apart", 0),
        "unplaced": [by_pk[workshop_ids[w]] for w in plan.get("unplaced", [])],
    }
    return ProposalView(proposal=proposal, workshops=workshops, people=people, stats=stats)


def dashboard_context(user) -> dict:
    """The events where the user is a validated participant and that have workshops."""
    if not user.is_authenticated:
        return {}
    events = (
        Event.objects.filter(
            registrations__user=user,
            registrations__status=RegistrationStatus.VALIDATED,
            sessions__workshop__isnull=False,
        )
        .distinct()
        .order_by("-start_date")
    )
    facilitated = Workshop.objects.filter(facilitators=user).select_related("session__event")
    return {"workshop_events": list(events), "facilitated_workshops": list(facilitated)}


# --- Idea boards ---------------------------------------------------------------------------------


def board_of(workshop: Workshop) -> Board:
    """The workshop's board, or an unsaved one with the default settings (a read never writes:
    the first post or setting creates the row)."""
    return Board.objects.filter(workshop=workshop).first() or Board(workshop=workshop)


def _byline(author, anonymous: bool, viewer, moderator: bool) -> str:
    """Who wrote an idea or a comment, as the viewer may know it: anonymous ideas are anonymous to
    the other participants, never to the facilitators and organisers; a name, never an email
    address (a contact detail)."""
    if author is None:
        return str(_("Deleted account"))
    if author.pk == viewer.pk:
        return str(_("You (anonymous to the others)") if anonymous else _("You"))
    if anonymous and not moderator:
        return str(_("Anonymous"))
    name = author.get_full_name() or str(_("A participant"))
    if anonymous:
        return str(_("%(name)s (anonymous to the participants)") % {"name": name})
    return name


@dataclass
class BoardView:
    """What one person sees of a board (workshops/board.html#board)."""

    board: Board
    headings: list
    groups: list  # [(heading or None, [idea, ...])], ideas by votes then time
    merged: list
    moderator: bool
    show_counts: bool
    votes_left: int
    may_post: bool
    may_vote: bool
    may_moderate: bool


def board_view(workshop: Workshop, user) -> BoardView:
    """The board as `user` sees it, in a constant number of queries: ideas with their vote
    counts and the user's own votes, comments with their authors, headings. Hidden ideas are seen
    by the facilitators and organisers only, merged ones listed apart for them."""
    board = board_of(workshop)
    moderator = is_board_moderator(user, workshop)
    ideas = (
        Idea.objects.filter(board__workshop=workshop)
        .select_related("author", "heading", "merged_into")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.select_related("author")))
        .annotate(
            vote_count=Count("votes"),
            my_votes=Count("votes", filter=Q(votes__voter_id=user.pk)),
        )
        .order_by("-vote_count", "created_at", "pk")
    )
    if not moderator:
        ideas = ideas.filter(hidden=False)
    headings = list(board.headings.all()) if board.pk else []
    shown, merged = [], []
    for idea in ideas:
        idea.byline = _byline(idea.author, idea.anonymous, user, moderator)
        idea.mine = idea.author_id == user.pk
        for comment in idea.comments.all():
            comment.byline = _byline(comment.author, comment.anonymous, user, moderator)
        (merged if idea.status == IdeaStatus.MERGED else shown).append(idea)
    groups = [(heading, [i for i in shown if i.heading_id == heading.pk]) for heading in headings]
    groups.insert(0, (None, [i for i in shown if i.heading_id is None]))
    used = sum(idea.my_votes for idea in shown)
    return BoardView(
        board=board,
        headings=headings,
        groups=[(h, ideas) for h, ideas in groups if ideas or h is not None],
        merged=merged,
        moderator=moderator,
        show_counts=moderator or not board.counts_hidden or board.voting_closed,
        votes_left=max(0, board.vote_budget - used),
        may_post=may_post(user, workshop),
        may_vote=may_vote(user, workshop),
        may_moderate=may_moderate(user, workshop),
    )


def leads(workshop_ids) -> dict[int, list]:
    """Retained leads (retained, not hidden) of the given workshops, most voted first."""
    by_workshop: dict[int, list] = defaultdict(list)
    retained = (
        Idea.objects.filter(
            board__workshop_id__in=list(workshop_ids), status=IdeaStatus.RETAINED, hidden=False
        )
        .select_related("heading")
        .annotate(vote_count=Count("votes"))
        .order_by("-vote_count", "created_at", "pk")
        .values("board__workshop_id", "title", "text", "heading__title", "vote_count")
    )
    for idea in retained:
        by_workshop[idea["board__workshop_id"]].append(idea)
    return by_workshop


def published_leads(event: Event) -> list[tuple[Workshop, list]]:
    """The event's public leads: the retained ideas of each workshop whose board is closed
    (closing a board publishes it), in programme order."""
    workshops = list(
        Workshop.objects.filter(session__event=event, board__closed_at__isnull=False)
        .select_related("session")
        .order_by("session__starts_at", "session__title")
    )
    found = leads(w.pk for w in workshops)
    return [(w, found[w.pk]) for w in workshops if found.get(w.pk)]


def export_rows(workshop: Workshop) -> list[dict]:
    """Every idea of a board that is not merged, for the exports (without authors: an export file
    travels, and the leads are the workshop's, not a person's)."""
    return list(
        Idea.objects.filter(board__workshop=workshop)
        .exclude(status=IdeaStatus.MERGED)
        .annotate(
            vote_count=Count("votes", distinct=True), comment_count=Count("comments", distinct=True)
        )
        .order_by("heading__position", "heading__pk", "-vote_count", "created_at", "pk")
        .values(
            "pk",
            "title",
            "text",
            "status",
            "hidden",
            "heading__title",
            "vote_count",
            "comment_count",
        )
    )
