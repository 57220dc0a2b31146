"""Questions the pitches app asks the apps above it, which answer by registering a function in
their `AppConfig.ready()` (pitches never imports them).

`QUIET_PERIOD_STARTS`: called, inside the transaction that starts a pitch's quiet period and with
the pitch row locked (its `quiet_period_started_at` already written), as `hook(pitch=pitch)`. The matching app lapses the pending meeting requests
about the pitch there (and tells both sides on commit).
"""

from collections.abc import Callable

QUIET_PERIOD_STARTS: list[Callable] = []


def on_quiet_period_start(hook: Callable) -> Callable:
    """Register `hook` once (ready() may run more than once in tests)."""
    if hook not in QUIET_PERIOD_STARTS:
        QUIET_PERIOD_STARTS.append(hook)
    return hook
