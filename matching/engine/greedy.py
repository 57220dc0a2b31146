"""The greedy baseline: requests by weight, heaviest first, each in the first slot that fits.

Kept as the yardstick the benchmark compares against, and as a fallback start for the other solvers.
"""

from __future__ import annotations

from .instance import Instance, bits
from .state import State


def greedy(instance: Instance) -> State:
    state = State(instance)
    order = sorted(range(instance.n_requests), key=lambda r: (-instance.weight[r], r))
    for r in order:
        for s in bits(instance.slots_of[r]):
            if state.fits(r, s):
                state.place(r, s)
                break
    return state
