"""What other apps do when an event changes phase.

events cannot import the apps above it (docs/architecture.md), yet moving the event out of the
requests phase must lapse matching's pending meeting requests. So events asks the question here
and the apps above answer it in their `AppConfig.ready()`:

    events.phases.on_leaving(Phase.REQUESTS, lapse_pending_requests)

`events.services.move_phase` calls every hook of the phase being left, with `event=`, inside its
transaction (after the phase is written), in the order they were registered.
"""

from collections.abc import Callable

from .enums import Phase

PhaseHook = Callable[..., object]

_LEAVING: dict[Phase, list[PhaseHook]] = {}


def on_leaving(phase: Phase, hook: PhaseHook) -> None:
    """Call `hook(event=...)` whenever an event leaves `phase` (registering twice is harmless)."""
    hooks = _LEAVING.setdefault(Phase(phase), [])
    if hook not in hooks:
        hooks.append(hook)


def left(phase: Phase, *, event) -> None:
    """Run the hooks of `phase`: `event` has just left it (called by events.services only)."""
    for hook in _LEAVING.get(Phase(phase), []):
        hook(event=event)
