"""What a registration holds in the apps above events, and how it lets go of it.

A registration holds meetings and meeting requests (matching) and workshop seats and places on
waiting lists (workshops). events may not import those apps, so it defines the question and they
answer it: each registers a releaser in its `AppConfig.ready()`:

    releaser(*, registration, by, reason) -> None

which, inside the caller's transaction and through the app's own services, frees what the
registration holds and tells the people concerned (on commit). `events.services` calls `release`
when a registration is refused or cancelled, and when its person deletes their account.
"""

from collections.abc import Callable

RELEASERS: dict[str, Callable[..., None]] = {}


def register_releaser(name: str, releaser: Callable[..., None]) -> None:
    """Register (or replace) an app's releaser under its name; called from AppConfig.ready()."""
    RELEASERS[name] = releaser


def release(*, registration, by, reason: str) -> None:
    """Let every registered app free what `registration` holds (see the module docstring)."""
    for releaser in RELEASERS.values():
        releaser(registration=registration, by=by, reason=reason)
