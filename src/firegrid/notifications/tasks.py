"""Background delivery of notifications to the outbound channels (django-tasks → huey)."""

from __future__ import annotations

from django_tasks import task


@task()
def notification_deliver_task(notification_ids: list[int]) -> int:
    """Thin and idempotent: rows already handed to the channels are skipped."""
    from .services import notification_deliver

    return notification_deliver(ids=notification_ids)
