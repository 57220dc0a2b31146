"""Background jobs of the pitches app. Tasks take ids, are queued on commit and are idempotent.
Its emails go through the outbox (pitches/emails.py, notifications)."""

from celery import shared_task


@shared_task(name="pitches.start_due_quiet_periods")
def start_due_quiet_periods() -> int:
    """Periodic (Celery beat): start the quiet period of every pitch whose consultation launch
    date has come. Idempotent: each pitch is re-read under lock and started once. Returns how many
    started."""
    from . import services  # services import this module's tasks when they queue them

    return sum(services.start_quiet_period(pitch_id=pk) for pk in services.due_quiet_periods())
