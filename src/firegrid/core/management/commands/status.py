"""`firegrid status`: is the database reachable, is the queue draining, is the consumer alive."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from firegrid.core.selectors import SystemStatus, system_status


class Command(BaseCommand):
    help = "Show the database, the task queue, the last consumer heartbeat and the grid version."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        status = system_status()
        self.stdout.write(database_line(status))
        self.stdout.write(queue_line(status))
        self.stdout.write(heartbeat_line(status))
        if not status.database_ok:
            raise CommandError("the database is unreachable", returncode=1)
        from firegrid.grids.locator import current_grid_version

        self.stdout.write(f"grid version: {current_grid_version()}")


def database_line(status: SystemStatus) -> str:
    state = "reachable" if status.database_ok else f"UNREACHABLE ({status.database_error})"
    return f"database: {status.database_vendor} {status.database_name} — {state}"


def queue_line(status: SystemStatus) -> str:
    if status.queue_pending is None:
        return f"queue: {status.queue_backend} — ERROR ({status.queue_error})"
    return f"queue: {status.queue_backend} — {status.queue_pending} pending"


def heartbeat_line(status: SystemStatus) -> str:
    if status.last_heartbeat is None:
        return "last heartbeat: never (is `firegrid run_huey` running?)"
    age = status.heartbeat_age() or timedelta(0)
    at = timezone.localtime(status.last_heartbeat).isoformat(timespec="seconds")
    return f"last heartbeat: {at} ({format_age(age)} ago)"


def format_age(age: timedelta) -> str:
    seconds = max(0, int(age.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
