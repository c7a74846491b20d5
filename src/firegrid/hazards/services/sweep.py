"""The hazard deadline sweep: overdue notices, escalation one level up when the re-inspection
window (working days after the deadline) has run out. Idempotent: a second run the same day
finds every clock already moved."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from firegrid.core.errors import ApplicationError

from ..models import Hazard
from .lifecycle import StepIn, hazard_step

S = Hazard.State


@dataclass
class SweepResult:
    overdue: int = 0
    escalated: int = 0
    at_top: int = 0


def hazards_sweep(*, today: datetime.date) -> SweepResult:
    """Run daily (after midnight): each step is its own transaction, like a person's would be."""
    result = SweepResult()
    late = Hazard.objects.filter(
        state__in=[S.NOTICE_ISSUED, S.RECTIFYING], deadline__lt=today
    ).values_list("pk", flat=True)
    for hazard_id in list(late):
        hazard_step(
            actor=None, hazard_id=hazard_id, data=StepIn("mark_overdue"), system=True, today=today
        )
        result.overdue += 1
    due = Hazard.objects.filter(
        state__in=[S.OVERDUE, S.ESCALATED], next_due__isnull=False, next_due__lte=today
    ).values_list("pk", flat=True)
    for hazard_id in list(due):
        try:
            hazard_step(
                actor=None, hazard_id=hazard_id, data=StepIn("escalate"), system=True, today=today
            )
            result.escalated += 1
        except ApplicationError as exc:
            if exc.code != "hazard_top_level":
                raise
            result.at_top += 1
    return result
