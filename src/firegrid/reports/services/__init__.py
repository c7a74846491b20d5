"""Writes of the reports app (and the public reads the other interfaces share).

The contract of issue 6: the public page, Open311 and the staff pages call these and never
re-implement them."""

from ..selectors import (
    PublicEvent,
    PublicStatus,
    open311_status,
    report_duplicates_near,
    report_public_status,
    report_status_notes,
)
from .moderation import report_block_sender, report_hide, report_photo_redact
from .submit import ReportIn, report_submit, route_point, triage_due_for
from .sweep import ReportSweepResult, report_escalate, reports_sweep
from .triage import (
    report_close,
    report_confirm,
    report_link,
    report_may_triage,
    report_sync_from_hazard,
)

__all__ = [
    "PublicEvent",
    "PublicStatus",
    "ReportIn",
    "ReportSweepResult",
    "open311_status",
    "report_block_sender",
    "report_close",
    "report_confirm",
    "report_duplicates_near",
    "report_escalate",
    "report_hide",
    "report_link",
    "report_may_triage",
    "report_photo_redact",
    "report_public_status",
    "report_status_notes",
    "report_submit",
    "report_sync_from_hazard",
    "reports_sweep",
    "route_point",
    "triage_due_for",
]
