"""What other apps attach to a programme session.

A session of kind "workshop" comes with a workshops.Workshop row (theme, capacity, facilitators),
but events cannot import workshops (docs/architecture.md). So `events.services.save_session`
takes the workshop's details as plain data (`WorkshopDetails`) and hands the saved session to
the hooks registered here; workshops registers its own in `WorkshopsConfig.ready()`:

    events.programme.on_session_saved(sync_workshop)

Each hook is called as `hook(session=..., workshop=WorkshopDetails | None)` inside
save_session's transaction, after the session and its slots are written.
"""

from collections.abc import Callable

SessionHook = Callable[..., object]

_SAVED: list[SessionHook] = []


def on_session_saved(hook: SessionHook) -> None:
    """Call `hook(session=, workshop=)` after every save_session (registering twice is harmless)."""
    if hook not in _SAVED:
        _SAVED.append(hook)


def session_saved(*, session, workshop) -> None:
    """Run the hooks (called by events.services.save_session only)."""
    for hook in _SAVED:
        hook(session=session, workshop=workshop)
