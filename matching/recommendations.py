"""The bridge between the ORM and the engine's recommendations (matching/engine/recommend.py).

`pitches_for_structure(event, organisation)` ranks the published pitches of an event for one ESS
structure; `structures_for_pitch(pitch)` ranks the ESS structures registered for the pitch's event
(and, on request, those listed in the public directory) for its buyer. Both compute on request for
one side only (never all pairs) in a fixed number of queries, and return plain dataclasses holding
the ORM objects, the engine's score and translated reasons.

Inputs given to the engine:

- themes: the pitch's theme; the structure's themes;
- territory: each side's territory codes *with every territory they contain* (the Territory
  parent links read downwards). In a tree, two such sets meet exactly when one area contains the
  other, so a structure serving the Nord meets a pitch on Lille (and a structure of Lille a pitch on
  the Nord or the métropole), while two communes of the same department only share it (half score);
- route: the pitch's route (the app's id) only when it restricts who may answer
  (`pitches.rules.is_reserved`); the structure's eligible routes are those `pitches.rules.is_eligible`
  allows (the one rule: reserved routes need a verified type). The engine keeps no copy of either;
- text: title, summary, description and lots of the pitch; name and description of the structure.

The engine explains each match with reasons as codes with parameters; the eligibility verdicts the
engine does not know (type not verified yet) are codes of the same kind, and `reason_text`
translates them all, once, with gettext/ngettext (words shown as the texts write them). Geography is
for outreach only: it helps a need be known locally and is never presented as an award criterion.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import OrganisationKind, TerritoryKind
from accounts.models import Organisation, Territory
from events.enums import PHASES_OPEN_FOR_INTEREST, REGISTRATION_ACTIVE
from events.models import Event, Registration
from pitches.enums import RESERVED_ROUTES, Eligibility, PitchStatus
from pitches.models import Interest, Lot, Pitch
from pitches.rules import ROUTE_ELIGIBILITY_TEXT, eligibility, is_eligible, is_reserved

from .engine import recommend as engine

CACHE_SECONDS = 15 * 60
# "Recommended" needs more than the territory (at most 0.2) and a stray common word: a shared
# theme alone gives 0.4. Below, matches are still listed and ranked, as weaker ones.
RECOMMENDED_MIN = 0.25


def scores(
    pitches: Sequence[engine.Pitch], structures: Sequence[engine.Structure]
) -> dict[tuple[str, str], tuple[float, tuple[engine.Reason, ...]]]:
    """The engine's (score, reasons) of every (pitch id, structure id) pair with a score above 0,
    where one side holds a single item (one structure's pitches, or one pitch's structures).

    Cached by the content of the inputs (so any change of a pitch or a profile is a new key and
    the cache is never stale), for CACHE_SECONDS, in Django's cache (Redis when REDIS_URL is set).
    `top=1` is enough: with a single item on one side, each item of the other side keeps its one
    pair, and the engine explains (costly) only those.
    """
    if len(pitches) > 1 and len(structures) > 1:
        raise ValueError("one side must hold a single item: never score all pairs here")
    if not pitches or not structures:
        return {}
    digest = hashlib.sha256(repr((pitches, structures)).encode()).hexdigest()
    key = f"osez:recommend:2:{digest}"
    found = cache.get(key)
    if found is not None:
        return found
    result = engine.recommend(pitches, structures, top=1)
    pairs = result.for_pitch if len(structures) == 1 else result.for_structure
    found = {
        (m.pitch, m.structure): (m.score, m.reasons) for matches in pairs.values() for m in matches
    }
    cache.set(key, found, CACHE_SECONDS)
    return found


# --- Results ----------------------------------------------------------------------------------


@dataclass
class PitchMatch:
    """A pitch as recommended to one structure."""

    pitch: Pitch
    score: float  # in [0, 1]; 0 when nothing in common or not eligible
    reasons: list[str]
    eligibility: str  # pitches.enums.Eligibility
    interest: Interest | None = None

    @property
    def eligible(self) -> bool:
        return self.eligibility == Eligibility.ELIGIBLE

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class StructureMatch:
    """An ESS structure as recommended to the buyer of one pitch."""

    organisation: Organisation
    score: float
    reasons: list[str]
    eligibility: str
    registered: bool  # registered for the pitch's event (pending or validated)
    interest: Interest | None = None

    @property
    def eligible(self) -> bool:
        return self.eligibility == Eligibility.ELIGIBLE

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class Ranking:
    """`recommended`: eligible, with more in common than the territory alone, best first;
    `others`: eligible, the rest, best first; `not_eligible`: excluded by a reserved route."""

    recommended: list = field(default_factory=list)
    others: list = field(default_factory=list)
    not_eligible: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.recommended) + len(self.others) + len(self.not_eligible)


# --- Territories ------------------------------------------------------------------------------


class TerritoryTree:
    """Every territory with its parent, read in one query."""

    def __init__(self, rows: Iterable[tuple[str, str | None, str, str]]) -> None:
        self.parent: dict[str, str | None] = {}
        self.name: dict[str, str] = {}
        self.kind: dict[str, str] = {}
        self.children: dict[str, list[str]] = defaultdict(list)
        for code, parent, name, kind in rows:
            self.parent[code], self.name[code], self.kind[code] = parent, name, kind
            if parent is not None:
                self.children[parent].append(code)

    @classmethod
    def load(cls) -> TerritoryTree:
        return cls(Territory.objects.values_list("code", "parent_id", "name", "kind"))

    def ancestors(self, code: str) -> list[str]:
        """The code itself, then its parent, up to the root."""
        out, seen = [], set()
        while code is not None and code not in seen:
            out.append(code)
            seen.add(code)
            code = self.parent.get(code)
        return out

    def with_contents(self, codes: Iterable[str]) -> tuple[str, ...]:
        """The codes and every territory they contain, sorted."""
        out: set[str] = set()
        stack = list(codes)
        while stack:
            code = stack.pop()
            if code not in out:
                out.add(code)
                stack.extend(self.children.get(code, ()))
        return tuple(sorted(out))

    def department(self, code: str) -> str | None:
        for ancestor in self.ancestors(code):
            if self.kind.get(ancestor) == TerritoryKind.DEPARTMENT:
                return ancestor
        return None

    def relation(
        self, pitch_codes: Sequence[str], structure_codes: Sequence[str]
    ) -> tuple[str, str] | None:
        """("area", name of the structure's territory) when one area contains the other,
        ("department", department name) when they only share a department, else None."""
        pitch_up = {a for c in pitch_codes for a in self.ancestors(c)}
        for code in sorted(structure_codes, key=lambda c: self.name.get(c, c)):
            if code in pitch_up or set(self.ancestors(code)) & set(pitch_codes):
                return "area", self.name.get(code, code)
        pitch_departments = {d for c in pitch_codes if (d := self.department(c))}
        for code in structure_codes:
            department = self.department(code)
            if department in pitch_departments:
                return "department", self.name.get(department, department)
        return None


# --- Building the engine's inputs -------------------------------------------------------------


def pitch_text(pitch: Pitch) -> str:
    lots = [f"{lot.title} {lot.description}" for lot in pitch.lots.all()]
    return "\n".join([pitch.title, pitch.summary, pitch.description, *lots])


def structure_text(organisation: Organisation) -> str:
    return f"{organisation.name}\n{organisation.description}"


def eligible_routes(organisation: Organisation) -> tuple[str, ...]:
    """The reserved routes the structure may answer (the only ones the engine compares)."""
    return tuple(sorted(route for route in RESERVED_ROUTES if is_eligible(organisation, route)))


def pitch_input(pitch: Pitch, tree: TerritoryTree) -> engine.Pitch:
    """Needs `territories` and `lots` prefetched."""
    return engine.Pitch(
        id=str(pitch.pk),
        themes=(pitch.theme_id,),
        territory=tree.with_contents(t.code for t in pitch.territories.all()),
        route=pitch.route if is_reserved(pitch.route) else None,
        text=pitch_text(pitch),
    )


def structure_input(organisation: Organisation, tree: TerritoryTree) -> engine.Structure:
    """Needs `themes` and `territories` prefetched."""
    return engine.Structure(
        id=str(organisation.pk),
        themes=tuple(t.code for t in organisation.themes.all()),
        territory=tree.with_contents(t.code for t in organisation.territories.all()),
        eligible_routes=eligible_routes(organisation),
        text=structure_text(organisation),
    )


def _pitches(events) -> list[Pitch]:
    return list(
        Pitch.objects.filter(event__in=events, status=PitchStatus.PUBLISHED)
        .select_related("buyer", "theme", "event")
        .prefetch_related("territories", Prefetch("lots", queryset=Lot.objects.order_by("number")))
        .order_by("title", "pk")
    )


def _with_profile(organisations):
    return organisations.prefetch_related("themes", "territories")


# --- Reasons ----------------------------------------------------------------------------------


def reason_codes(
    pitch: Pitch, engine_reasons: Sequence[engine.Reason], status: str
) -> list[engine.Reason]:
    """The reasons of a match as codes: the app's eligibility verdict when it excludes the pair
    (the engine does not know "type not verified yet"), else the engine's reasons."""
    if status == Eligibility.NOT_ELIGIBLE and is_reserved(pitch.route):
        return [("not_eligible", {"route": pitch.route}), ("route_rule", {"route": pitch.route})]
    if status == Eligibility.NOT_VERIFIED:
        return [("not_verified", {"route": pitch.route}), ("route_rule", {"route": pitch.route})]
    return list(engine_reasons)


def reason_text(
    code: str,
    params: dict,
    *,
    pitch: Pitch,
    organisation: Organisation,
    tree: TerritoryTree,
) -> str:
    """One reason in the person's language: the one place where reason codes are translated
    (prefetched relations only, no query)."""
    if code == "not_eligible":
        return _("not eligible for this reserved route: only in a group with an eligible structure")
    if code == "not_verified":
        return _(
            "the type fits this reserved route but has not been verified by the organisers yet: "
            "only in a group with an eligible structure until then"
        )
    if code == "route_rule":
        return str(ROUTE_ELIGIBILITY_TEXT[params["route"]])
    if code == "themes":
        names = {pitch.theme_id: str(pitch.theme)}
        shown = [names.get(theme, theme) for theme in params["themes"]]
        return ngettext("same theme: %(themes)s", "same themes: %(themes)s", len(shown)) % {
            "themes": ", ".join(shown)
        }
    if code in ("same_area", "same_department"):
        relation = tree.relation(
            [t.code for t in pitch.territories.all()],
            [t.code for t in organisation.territories.all()],
        )
        if relation and relation[0] == "area":
            return _("works in the area of the need (%(area)s)") % {"area": relation[1]}
        if relation:
            return _("works in the same department (%(area)s)") % {"area": relation[1]}
        if code == "same_area":
            return _("works in the area of the need")
        return _("works in the same department")
    if code == "eligible":
        return _("eligible for the reserved route")
    if code == "words":
        shown = params["words"]
        return ngettext("word in common: %(words)s", "words in common: %(words)s", len(shown)) % {
            "words": ", ".join(shown)
        }
    raise ValueError(f"unknown reason code {code!r}")


def reasons(
    pitch: Pitch,
    organisation: Organisation,
    engine_reasons: Sequence[engine.Reason],
    tree: TerritoryTree,
    status: str,
) -> list[str]:
    """The translated reasons of a match."""
    return [
        reason_text(code, params, pitch=pitch, organisation=organisation, tree=tree)
        for code, params in reason_codes(pitch, engine_reasons, status)
    ]


# --- Pitches for a structure ------------------------------------------------------------------


def pitches_for_structure(event, organisation: Organisation) -> Ranking:
    """The published pitches of `event` ranked for the ESS `organisation`.

    Fixed number of queries: pitches (+ territories, lots), the profile (themes, territories),
    the territory tree, the structure's interests in the event.
    """
    return pitches_for_structures([event], organisation)[event.pk]


def pitches_for_structures(events, organisation: Organisation) -> dict[int, Ranking]:
    """`pitches_for_structure` for several events at once (the same queries, not more)."""
    organisation = _with_profile(Organisation.objects.filter(pk=organisation.pk)).get()
    tree = TerritoryTree.load()
    pitches = _pitches(events)
    interests = {
        i.pitch_id: i
        for i in Interest.objects.filter(organisation=organisation, pitch__event__in=events)
    }
    structure_in = structure_input(organisation, tree)
    by_event: dict[int, list[Pitch]] = defaultdict(list)
    for pitch in pitches:
        by_event[pitch.event_id].append(pitch)
    out = {}
    for event in events:
        event_pitches = by_event.get(event.pk, [])
        inputs = {p.pk: pitch_input(p, tree) for p in event_pitches}
        found = scores(list(inputs.values()), [structure_in])
        ranking = Ranking()
        for pitch in event_pitches:
            status = eligibility(organisation, pitch.route)
            score, why = found.get((str(pitch.pk), structure_in.id), (0.0, ()))
            match = PitchMatch(
                pitch=pitch,
                score=score,
                reasons=reasons(pitch, organisation, why, tree, status),
                eligibility=status,
                interest=interests.get(pitch.pk),
            )
            _place(ranking, match)
        _sort(ranking, key=lambda m: m.pitch.title)
        out[event.pk] = ranking
    return out


# --- Structures for a pitch -------------------------------------------------------------------


def candidate_structures(event, *, include_directory: bool = False):
    """ESS structures registered for the event (pending or validated), and optionally those
    listed in the public directory."""
    registered = Q(registrations__event=event, registrations__status__in=REGISTRATION_ACTIVE)
    where = registered | Q(listed_in_directory=True) if include_directory else registered
    return Organisation.objects.filter(where, kind=OrganisationKind.ESS).distinct()


def structures_for_pitch(pitch: Pitch, *, include_directory: bool = False) -> Ranking:
    """The ESS structures ranked for the buyer of `pitch`. Fixed number of queries."""
    pitch = (
        Pitch.objects.select_related("theme", "event")
        .prefetch_related("territories", "lots")
        .get(pk=pitch.pk)
    )
    tree = TerritoryTree.load()
    organisations = list(
        _with_profile(
            candidate_structures(pitch.event, include_directory=include_directory)
        ).order_by("name", "pk")
    )
    registered_ids = set(candidate_structures(pitch.event).values_list("pk", flat=True))
    interests = {i.organisation_id: i for i in Interest.objects.filter(pitch=pitch)}
    pitch_in = pitch_input(pitch, tree)
    inputs = {org.pk: structure_input(org, tree) for org in organisations}
    found = scores([pitch_in], list(inputs.values()))
    ranking = Ranking()
    for org in organisations:
        status = eligibility(org, pitch.route)
        score, why = found.get((pitch_in.id, str(org.pk)), (0.0, ()))
        _place(
            ranking,
            StructureMatch(
                organisation=org,
                score=score,
                reasons=reasons(pitch, org, why, tree, status),
                eligibility=status,
                registered=org.pk in registered_ids,
                interest=interests.get(org.pk),
            ),
        )
    _sort(ranking, key=lambda m: m.organisation.name)
    return ranking


def _place(ranking: Ranking, match: PitchMatch | StructureMatch) -> None:
    if not match.eligible:
        ranking.not_eligible.append(match)
    elif match.score >= RECOMMENDED_MIN:
        ranking.recommended.append(match)
    else:
        ranking.others.append(match)


def _sort(ranking: Ranking, key) -> None:
    ranking.recommended.sort(key=lambda m: (-m.score, key(m)))
    ranking.others.sort(key=lambda m: (-m.score, key(m)))
    ranking.not_eligible.sort(key=key)


# --- "My space" ---------------------------------------------------------------------------

DASHBOARD_TOP = 3


def dashboard_recommendations(user) -> list[dict]:
    """For each ESS structure of the user and each event it is registered for whose interest phase
    is open: its best-scored pitches it has not answered yet. [{"event", "organisation", "matches"}]"""
    if not user.is_authenticated:
        return []
    organisations = list(
        Organisation.objects.filter(kind=OrganisationKind.ESS, memberships__user=user).order_by(
            "name"
        )
    )
    if not organisations:
        return []
    events = list(
        Event.objects.filter(
            phase__in=PHASES_OPEN_FOR_INTEREST,
            registrations__organisation__in=organisations,
            registrations__status__in=REGISTRATION_ACTIVE,
        )
        .distinct()
        .order_by("start_date", "pk")
    )
    if not events:
        return []
    registered = set(
        Registration.objects.filter(
            event__in=events, organisation__in=organisations, status__in=REGISTRATION_ACTIVE
        ).values_list("event_id", "organisation_id")
    )
    blocks = []
    for organisation in organisations:
        its_events = [e for e in events if (e.pk, organisation.pk) in registered]
        if not its_events:
            continue
        rankings = pitches_for_structures(its_events, organisation)
        for event in its_events:
            ranking = rankings[event.pk]
            fresh = [
                m for m in [*ranking.recommended, *ranking.others] if m.interest is None and m.score
            ]
            blocks.append(
                {"event": event, "organisation": organisation, "matches": fresh[:DASHBOARD_TOP]}
            )
    return blocks
