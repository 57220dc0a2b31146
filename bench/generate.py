"""Seeded generator of realistic meeting-day problems in the `osez-schedule/1` format.

An event has buyers and ESS structures, 24 slots of 20 minutes, fewer tables than buyers (a tenth
of them accessible, a fifth of the buyers at their own desk), 10-30 % of each person's slots taken
by workshops, the pitch session and personal exceptions, and skewed popularity: a few buyers attract
many requests. Requests are buyer <-> structure, plus 2 % between structures (co-contracting).
Weights run 1..10, mutual interest 6..10, one-sided 1..5.

The "-hard" sizes are tighter versions of M and L: half again as many requests for the same people,
20-45 % of each person's slots unavailable, half a table per buyer, 50 % mutual weights and 15 % of
the requests between two ESS structures (who, unlike buyers, have no desk of their own).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

FORMAT = "osez-schedule/1"
N_SLOTS = 24
MUTUAL_SHARE = 0.3
ESS_PAIR_SHARE = 0.02


@dataclass(frozen=True)
class Size:
    name: str
    buyers: int
    structures: int
    requests: int
    unavailable: tuple[float, float] = (0.10, 0.30)  # share of each person's slots
    tables_per_buyer: float = 0.8
    mutual_share: float = MUTUAL_SHARE
    ess_pair_share: float = ESS_PAIR_SHARE


HARD = {"unavailable": (0.20, 0.45), "tables_per_buyer": 0.5, "mutual_share": 0.5}

SIZES = {
    size.name: size
    for size in (
        Size("S", 40, 120, 400),
        Size("M", 200, 800, 4_000),
        Size("L", 1_000, 4_000, 30_000),
        Size("XL", 3_000, 10_000, 100_000),
        Size("S-hard", 40, 120, 600, ess_pair_share=0.15, **HARD),
        Size("M-hard", 200, 800, 6_000, ess_pair_share=0.15, **HARD),
        Size("L-hard", 1_000, 4_000, 45_000, ess_pair_share=0.15, **HARD),
    )
}


def _slots() -> list[dict[str, str]]:
    paris = timezone(timedelta(hours=1))
    start = datetime(2019, 11, 26, 9, 0, tzinfo=paris)
    slots = []
    for s in range(N_SLOTS):
        begin = start + timedelta(minutes=20 * s + (60 if s >= 12 else 0))  # lunch break
        slots.append(
            {
                "id": f"s{s + 1:02d}",
                "start": begin.isoformat(),
                "end": (begin + timedelta(minutes=20)).isoformat(),
            }
        )
    return slots


def _unavailable(rng: random.Random, share: tuple[float, float]) -> list[str]:
    """A share of the slots (10-30 %): workshops of three slots, plus personal exceptions."""
    target = round(N_SLOTS * rng.uniform(*share))
    taken: set[int] = set()
    while len(taken) < target:
        if rng.random() < 0.6:
            first = rng.randrange(N_SLOTS - 2)
            taken.update(range(first, first + 3))
        else:
            taken.add(rng.randrange(N_SLOTS))
    return [f"s{s + 1:02d}" for s in sorted(taken)[:target]]


def _participants(size: Size, rng: random.Random, tables: list[dict]) -> list[dict[str, Any]]:
    homes = iter(t["id"] for t in tables)
    people = []
    for i in range(size.buyers):
        buyer: dict[str, Any] = {
            "id": f"buyer-{i:05d}",
            "unavailable": _unavailable(rng, size.unavailable),
        }
        if rng.random() < 0.5:
            buyer["max_meetings"] = rng.randint(10, 20)
        if rng.random() < 0.2:
            buyer["home_table"] = next(homes)
        people.append(buyer)
    for i in range(size.structures):
        ess: dict[str, Any] = {
            "id": f"ess-{i:05d}",
            "unavailable": _unavailable(rng, size.unavailable),
        }
        if rng.random() < 0.5:
            ess["max_meetings"] = rng.randint(4, 10)
        if rng.random() < 0.03:
            ess["needs_accessible_table"] = True
        people.append(ess)
    return people


def _tables(size: Size, rng: random.Random) -> list[dict[str, Any]]:
    """Home tables first (plain), then the pool, a tenth of it accessible."""
    count = max(2, round(size.buyers * size.tables_per_buyer))
    tables = [{"id": f"T{t + 1:05d}", "accessible": False} for t in range(count)]
    pool = tables[round(size.buyers * 0.2) + 1 :]
    for table in rng.sample(pool, max(1, len(pool) // 10)):
        table["accessible"] = True
    return tables


def _popularity(n: int, rng: random.Random, skew: float) -> list[float]:
    """Cumulative Pareto weights, for `random.choices(cum_weights=...)`."""
    return list(itertools.accumulate(rng.paretovariate(skew) for _ in range(n)))


def _requests(size: Size, rng: random.Random) -> list[dict[str, Any]]:
    buyers = [f"buyer-{i:05d}" for i in range(size.buyers)]
    structures = [f"ess-{i:05d}" for i in range(size.structures)]
    buyer_pull = _popularity(size.buyers, rng, 1.6)
    ess_pull = _popularity(size.structures, rng, 2.5)
    pairs: set[frozenset[str]] = set()
    requests = []
    while len(requests) < size.requests:
        if rng.random() < size.ess_pair_share:
            a, b = rng.choices(structures, cum_weights=ess_pull, k=2)
        else:
            a = rng.choices(buyers, cum_weights=buyer_pull)[0]
            b = rng.choices(structures, cum_weights=ess_pull)[0]
        pair = frozenset((a, b))
        if a == b or pair in pairs:
            continue
        pairs.add(pair)
        weight = rng.randint(6, 10) if rng.random() < size.mutual_share else rng.randint(1, 5)
        requests.append({"id": f"r{len(requests) + 1:06d}", "a": a, "b": b, "weight": weight})
    return requests


def generate(size_name: str, seed: int = 1) -> dict[str, Any]:
    size = SIZES[size_name]
    rng = random.Random(f"{size_name}-{seed}")
    tables = _tables(size, rng)
    return {
        "format": FORMAT,
        "slots": _slots(),
        "tables": tables,
        "participants": _participants(size, rng, tables),
        "requests": _requests(size, rng),
        "locked": [],
        "previous": [],
    }


def change_requests(
    problem: dict[str, Any], schedule: dict[str, Any], share: float, seed: int
) -> dict[str, Any]:
    """A late-change copy: `share` of the requests replaced (half withdrawn, half new), with the
    schedule as `previous`."""
    rng = random.Random(seed)
    requests = list(problem["requests"])
    n_changed = round(len(requests) * share)
    withdrawn = set(rng.sample(range(len(requests)), n_changed // 2))
    kept = [r for i, r in enumerate(requests) if i not in withdrawn]
    pairs = {frozenset((r["a"], r["b"])) for r in kept}
    ids = [p["id"] for p in problem["participants"]]
    added = 0
    while added < n_changed - n_changed // 2:
        a, b = rng.sample(ids, 2)
        if frozenset((a, b)) in pairs:
            continue
        pairs.add(frozenset((a, b)))
        added += 1
        weight = rng.randint(1, 10)
        kept.append({"id": f"late{added:06d}", "a": a, "b": b, "weight": weight})
    return {**problem, "requests": kept, "previous": schedule["meetings"]}
