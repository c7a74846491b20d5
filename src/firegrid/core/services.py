"""Writes of the core app: system state values such as the consumer heartbeat."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models, transaction
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


@dataclass(frozen=True)
class PiiRotation:
    """What `pii_rotate` did: tokens re-encrypted, already current, and unreadable, per model."""

    rotated: dict[str, int]
    current: dict[str, int]
    unreadable: dict[str, int]

    @property
    def total_rotated(self) -> int:
        return sum(self.rotated.values())

    @property
    def total_unreadable(self) -> int:
        return sum(self.unreadable.values())


def pii_encrypted_columns() -> list[tuple[type[models.Model], tuple[str, ...]]]:
    """Every model that declares `pii_encrypted_fields` (Fernet tokens of core.pii)."""
    return [
        (model, tuple(model.pii_encrypted_fields))  # type: ignore[attr-defined]
        for model in apps.get_models()
        if getattr(model, "pii_encrypted_fields", None)
    ]


def pii_rotate(*, batch_size: int = 500, actor: Any = None) -> PiiRotation:
    """Re-encrypt every stored PII token with the newest key of FIREGRID_PII_KEYS.

    Batches of rows, each in its own transaction with the rows locked, so a stop midway keeps
    what was done and a second run finishes it. A token the newest key already reads is left as
    it is, so running it again rotates 0 (idempotent). A token no configured key reads is counted
    and left unchanged. Ends with one audit event carrying the counts.
    """
    from cryptography.fernet import InvalidToken

    from . import pii
    from .audit import audit_record

    every_key, newest = pii.fernet(), pii.newest_key_only()
    rotated: dict[str, int] = {}
    current: dict[str, int] = {}
    unreadable: dict[str, int] = {}
    for model, fields in pii_encrypted_columns():
        label = model._meta.label_lower
        rotated[label] = current[label] = unreadable[label] = 0
        last_pk: Any = None
        while True:
            with transaction.atomic(durable=True):
                rows = model._default_manager.select_for_update().order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows.only("pk", *fields)[:batch_size])
                if not batch:
                    break
                changed = []
                for row in batch:
                    dirty = False
                    for field in fields:
                        token = getattr(row, field)
                        if not token:
                            continue
                        try:
                            newest.decrypt(token.encode("ascii"))
                            current[label] += 1
                            continue
                        except InvalidToken:
                            pass
                        try:
                            fresh = every_key.rotate(token.encode("ascii")).decode("ascii")
                        except InvalidToken:
                            unreadable[label] += 1
                            continue
                        setattr(row, field, fresh)
                        rotated[label] += 1
                        dirty = True
                    if dirty:
                        changed.append(row)
                if changed:
                    model._default_manager.bulk_update(changed, list(fields))
                last_pk = batch[-1].pk
    result = PiiRotation(rotated=rotated, current=current, unreadable=unreadable)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="pii.rotate",
            data={
                "key": pii.key_id(pii.newest_key()),
                "rotated": rotated,
                "current": current,
                "unreadable": unreadable,
            },
        )
    return result
