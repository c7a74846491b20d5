"""The hazard deadline sweep: overdue notices, escalation one level up when the re-inspection
window (working days after the deadline) has run out, a note to the responsible level when a
confirmed hazard's notice is late, and reminders before a rectification deadline.

Idempotent: a second run the same day finds every clock already moved, and every notice it sends
carries a dedupe key (per hazard and deadline), so nobody hears the same thing twice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core.errors import ApplicationError

from ..models import Hazard
from .lifecycle import StepIn, hazard_step
from .notify import hazard_remind

S = Hazard.State


@dataclass
class SweepResult:
    overdue: int = 0
    escalated: int = 0
    at_top: int = 0
    # Hazards whose level (and workers) heard of something for the first time in this run.
    notices_late: int = 0
    reminded: int = 0


def reminder_days() -> int:
    """Remind this many calendar days before a rectification deadline."""
    return int(getattr(settings, "FIREGRID_HAZARD_REMINDER_DAYS", 2))


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
    result.notices_late = _notices_late(today)
    result.reminded = _reminders(today)
    return result


def _where(hazard: Hazard) -> str:
    return hazard.place.name if hazard.place else hazard.grid.name


def _notices_late(today: datetime.date) -> int:
    """A confirmed hazard whose notice was not served in time stays confirmed (it shows as late
    in lists); its responsible level hears of it once per clock."""
    count = 0
    for hazard in Hazard.objects.select_related("place", "grid", "owner_grid").filter(
        state=S.CONFIRMED, next_due__lt=today
    ):
        assert hazard.next_due is not None
        with transaction.atomic():
            sent = hazard_remind(
                hazard=hazard,
                kind="hazard.notice_late",
                subject=_("Hazard #%(id)d at %(where)s: the notice is late")
                % {"id": hazard.pk, "where": _where(hazard)},
                body=hazard.description
                + "\n"
                + _("The rectification notice was due by %(date)s.")
                % {"date": hazard.next_due.isoformat()},
                dedupe_key=f"hazard:{hazard.pk}:notice_late:{hazard.next_due.isoformat()}",
                workers=False,
            )
        count += 1 if sent else 0
    return count


def _reminders(today: datetime.date) -> int:
    """Remind the grid's workers and the responsible level N days before a notice's deadline
    (or on a later sweep if one was missed, as long as the deadline has not passed)."""
    horizon = today + datetime.timedelta(days=reminder_days())
    count = 0
    for hazard in Hazard.objects.select_related("place", "grid", "owner_grid").filter(
        state__in=[S.NOTICE_ISSUED, S.RECTIFYING], deadline__gte=today, deadline__lte=horizon
    ):
        assert hazard.deadline is not None
        with transaction.atomic():
            sent = hazard_remind(
                hazard=hazard,
                kind="hazard.deadline_soon",
                subject=_("Hazard #%(id)d at %(where)s: deadline %(date)s")
                % {"id": hazard.pk, "where": _where(hazard), "date": hazard.deadline.isoformat()},
                body=hazard.description
                + "\n"
                + _("The rectification deadline is %(date)s: check the place is fixed in time.")
                % {"date": hazard.deadline.isoformat()},
                dedupe_key=f"hazard:{hazard.pk}:deadline_soon:{hazard.deadline.isoformat()}",
                workers=True,
            )
        count += 1 if sent else 0
    return count
