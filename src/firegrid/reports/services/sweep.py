"""The triage sweep (every 10 minutes): untriaged reports past their clock go one level up, and
reports whose hazard has closed are closed as resolved. Idempotent: a second run at the same
moment finds every clock already moved (the new clock starts at the escalation)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.hazards.models import Hazard

from ..models import Report, ReportEvent
from ..notify import notify_triage
from .submit import triage_due_for
from .triage import report_sync_from_hazard


@dataclass
class ReportSweepResult:
    escalated: int = 0
    at_top: int = 0
    resolved: int = 0


def _overdue(now: datetime.datetime) -> list[int]:
    return list(
        Report.objects.filter(
            state=Report.State.NEW,
            hidden=False,
            duplicate_of__isnull=True,
            triage_due__isnull=False,
            triage_due__lt=now,
        )
        .order_by("triage_due", "id")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def report_escalate(*, report_id: int, now: datetime.datetime) -> str:
    """One report: "escalated", "top" (no level above: left, counted) or "" (moved meanwhile)."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("service", "owner_grid")
        .filter(pk=report_id)
        .first()
    )
    if (
        report is None
        or report.state != Report.State.NEW
        or report.hidden
        or report.triage_due is None
        or report.triage_due >= now
    ):
        return ""
    parent = report.owner_grid.parent
    if parent is None:
        return "top"
    previous = report.owner_grid
    report.owner_grid = parent
    report.escalations += 1
    report.triage_due = triage_due_for(report.service, now)
    report.save(update_fields=["owner_grid", "escalations", "triage_due", "updated_at"])
    ReportEvent.objects.create(
        report=report,
        action="escalated",
        at=now,
        public=True,
        note=_("Not triaged in time; passed to %(level)s.") % {"level": parent.name},
        data={"from": previous.code, "to": parent.code, "escalations": report.escalations},
    )
    audit_record(
        actor=None,
        action="report.escalate",
        target=report,
        data={"from": previous.code, "to": parent.code, "escalations": report.escalations},
    )
    notify_triage(report=report, kind="report.escalated")
    return "escalated"


def reports_sweep(*, now: datetime.datetime) -> ReportSweepResult:
    """Each report is its own transaction, as a person's step would be."""
    result = ReportSweepResult()
    for report_id in _overdue(now):
        outcome = report_escalate(report_id=report_id, now=now)
        if outcome == "escalated":
            result.escalated += 1
        elif outcome == "top":
            result.at_top += 1
    closed_hazards = (
        Hazard.objects.filter(
            state__in=Hazard.CLOSED_STATES,
            citizen_reports__state=Report.State.CONFIRMED,
            citizen_reports__duplicate_of__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    for hazard in list(closed_hazards):
        result.resolved += report_sync_from_hazard(hazard, now=now)
    return result
