"""Background jobs of the outbox. Tasks take ids and are idempotent (the row's state guards them)."""

from celery import shared_task

from . import services


@shared_task(name="notifications.send")
def send(message_id: int) -> str:
    """Send one outbox message; a duplicate or re-delivered task does nothing."""
    return services.send_message(message_id=message_id)


@shared_task(name="notifications.sweep")
def sweep() -> int:
    """Periodic (Celery beat, every minute): re-queue rows stuck in "sending", then wake every due
    queued row nobody woke (a broker outage at commit, a transient error's retry). Returns how
    many were woken."""
    services.requeue_stuck()
    return services.wake(services.due_unwoken())
