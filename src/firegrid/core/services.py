"""Writes of the core app: system state values such as the consumer heartbeat."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import SystemState

HEARTBEAT_KEY = "queue.heartbeat"


def system_state_set(*, key: str, value: dict[str, Any]) -> SystemState:
    state, _ = SystemState.objects.update_or_create(key=key, defaults={"value": value})
    return state


@transaction.atomic
def heartbeat_record(*, now: datetime | None = None) -> SystemState:
    """Called by the huey consumer's periodic task: proves background work is running."""
    moment = now or timezone.now()
    return system_state_set(
        key=HEARTBEAT_KEY,
        value={"at": moment.isoformat(), "host": socket.gethostname(), "pid": os.getpid()},
    )


@transaction.atomic
def calendar_load(*, schedule: dict[str, Any], actor: Any = None) -> int:
    """Load one year's holiday schedule (放假调休安排), replacing that year's days; audited.

    Raises ValidationFailed naming the problem; a bad file changes nothing.
    """
    from django.utils.translation import gettext as _

    from .audit import audit_record
    from .errors import ValidationFailed
    from .holidays import calendar_rows
    from .models import CalendarDay

    try:
        rows = calendar_rows(schedule)
        year = int(schedule["year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(
            _("The holiday schedule is not valid: %(error)s") % {"error": exc},
            code="calendar_invalid",
        ) from exc
    source = str(schedule.get("source", ""))[:200]
    CalendarDay.objects.filter(day__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(day=day, is_working=working, name=name[:50], source=source)
        for day, working, name in rows
    )
    audit_record(
        actor=actor,
        action="calendar.load",
        data={"year": year, "days": len(rows), "source": source},
    )
    return len(rows)
