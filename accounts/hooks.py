"""What the layers above do when accounts writes something they act on (docs/architecture.md,
"Registries"). accounts is the lowest app and cannot import the outbox (notifications sits above
it), so it says what happened and the layer above answers: notifications registers, in its
`AppConfig.ready()`, the hook that queues the invitation email (notifications/invitations.py)."""

from collections.abc import Callable

_on_invited: list[Callable] = []


def on_invited(hook: Callable) -> Callable:
    """`hook(invitation)` runs, inside `invite_member`'s transaction, for every invitation written
    or renewed. Registering the same function twice is a no-op."""
    if hook not in _on_invited:
        _on_invited.append(hook)
    return hook


def invited(invitation) -> None:
    for hook in _on_invited:
        hook(invitation)
