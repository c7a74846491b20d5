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
