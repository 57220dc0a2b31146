"""What other apps do when a person is checked in, or their check-in undone.

A check-in changes more than the desk's count: once a meeting under way has passed its no-show
minutes, a partner not checked in is absent (matching/rules.py: `absent_partner`), so the
agendas of the people at that table show "partner absent" or not; and the first check-in of an
event puts check-in in use for every meeting. events cannot import matching
(docs/architecture.md), so it asks the question here and the apps above answer it in their
`AppConfig.ready()`:

    events.checkins.on_change(check_in_changed)

`events.services.check_in` (when it checks someone in, not when they already were) and
`undo_check_in` call every hook as `hook(registration=...)`, the registration locked and its new
state written, inside their transaction, in the order they were registered.
"""

from collections.abc import Callable

CheckInHook = Callable[..., object]

_CHANGED: list[CheckInHook] = []


def on_change(hook: CheckInHook) -> None:
    """Call `hook(registration=)` after every check-in and undo (registering twice is harmless)."""
    if hook not in _CHANGED:
        _CHANGED.append(hook)


def changed(*, registration) -> None:
    """Run the hooks (called by events.services.check_in and undo_check_in only)."""
    for hook in _CHANGED:
        hook(registration=registration)
