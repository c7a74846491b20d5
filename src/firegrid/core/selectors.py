"""Reads of the core app: system status for `firegrid status` and the status page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import SystemState
from .services import HEARTBEAT_KEY


@dataclass(frozen=True)
class SystemStatus:
    database_vendor: str
    database_name: str
    database_ok: bool
    database_error: str
    queue_backend: str
    queue_pending: int | None
    queue_error: str
    last_heartbeat: datetime | None

    def heartbeat_age(self, now: datetime | None = None) -> timedelta | None:
        if self.last_heartbeat is None:
            return None
        return (now or timezone.now()) - self.last_heartbeat


def system_status() -> SystemStatus:
    db_ok, db_error = True, ""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # the status command reports any database failure
        db_ok, db_error = False, str(exc)
    heartbeat = None
    if db_ok:
        state = SystemState.objects.filter(key=HEARTBEAT_KEY).first()
        if state is not None:
            heartbeat = parse_datetime(state.value.get("at", ""))
    pending, queue_error = _queue_pending()
    return SystemStatus(
        database_vendor=connection.vendor,
        database_name=str(connection.settings_dict["NAME"]),
        database_ok=db_ok,
        database_error=db_error,
        queue_backend=str(settings.HUEY.get("huey_class", "")),
        queue_pending=pending,
        queue_error=queue_error,
        last_heartbeat=heartbeat,
    )


def _queue_pending() -> tuple[int | None, str]:
    from huey.contrib.djhuey import HUEY

    try:
        return HUEY.pending_count(), ""
    except Exception as exc:  # a broken queue store is reported, not raised
        return None, str(exc)
