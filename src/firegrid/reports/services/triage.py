"""Triage of citizen reports: confirm (→ a hazard in the hazard workflow) or close with a reason;
linking duplicates so every reporter of one problem hears of its progress.

Who may triage: a role flagged `can_triage` (office roles, 网格长, 网格员, 社区民警) posted in the
report's grid or a level above; `report_may_triage` is that one rule, for the services and for the
page that offers the buttons. A 志愿者 in scope reads the report but is refused (403). Each change
is one transaction with a timeline event and an audit record; the reporter is told (status page
always, email/SMS when they left a contact).

Linked reports ("followers", `duplicate_of` set) follow their original: a report linked by its
reporter at submission mirrors the original's state, hazard and notes; a report closed as a
duplicate by staff stays closed but gets the original's hazard and notes. Either way their
reporters are told whenever the original moves.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from firegrid.hazards.models import Hazard
from firegrid.hazards.services import hazard_report
from firegrid.people.scope import user_scope

from ..models import Report, ReportEvent
from ..notify import notify_reporter

R = Report.State
STAFF_CLOSE_REASONS = (
    Report.CloseReason.NOT_HAZARD,
    Report.CloseReason.DUPLICATE,
    Report.CloseReason.OUTSIDE_REMIT,
)


def _locked(actor: Any, report_id: int) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("service", "service__hazard_category", "grid", "place")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not user_scope(actor).covers(report.grid_path):
        raise NotFound(_("Report not found."), code="report_not_found")
    return report


def report_may_triage(actor: Any, report: Report) -> bool:
    """Whether `actor` may confirm or close `report` (its grid is under a `can_triage` post)."""
    return user_scope(actor).may_triage_in(report.grid_path)


def _require_triage(actor: Any, report: Report) -> None:
    if not report_may_triage(actor, report):
        raise PermissionDenied(
            _("Only a role that handles citizen reports may confirm or close them."),
            code="report_triage_not_allowed",
        )


def _require_new(report: Report) -> None:
    if report.state != R.NEW:
        raise Conflict(_("This report has already been triaged."), code="report_already_triaged")
    if report.hidden:
        raise Conflict(_("This report is hidden."), code="report_hidden")


def _event(
    report: Report,
    action: str,
    *,
    actor: Any = None,
    note: str = "",
    public: bool = True,
    now: datetime.datetime | None = None,
    data: dict[str, Any] | None = None,
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        action=action,
        at=now or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        public=public,
        data=data or {},
    )


def reporter_text(report: Report) -> str:
    from ..selectors import report_status_notes

    return _("%(state)s. %(notes)s") % {
        "state": Report.State(report.state).label,
        "notes": report_status_notes(report),
    }


@transaction.atomic
def report_confirm(*, actor: Any, report_id: int, note: str = "") -> Report:
    """The report is a fire hazard: register it in the hazard workflow and link it."""
    report = _locked(actor, report_id)
    _require_triage(actor, report)
    _require_new(report)
    now = timezone.now()
    note = (note or "").strip()[:500]
    hazard = hazard_report(
        actor=actor,
        category_code=report.service.hazard_category.code,
        source=Hazard.Source.CITIZEN,
        description=report.description or report.service.name,
        found_at=report.requested_at,
        place=report.place,
        grid=report.grid,
        lon=report.lon,
        lat=report.lat,
    )
    report.hazard = hazard
    report.state = R.CONFIRMED
    report.triaged_at = now
    report.triaged_by = actor if getattr(actor, "is_authenticated", False) else None
    report.status_notes = note
    report.save(
        update_fields=["hazard", "state", "triaged_at", "triaged_by", "status_notes", "updated_at"]
    )
    _event(report, "confirmed", actor=actor, note=note, now=now, data={"hazard": hazard.pk})
    audit_record(
        actor=actor,
        action="report.confirm",
        target=report,
        data={"hazard": hazard.pk, "note": note},
    )
    notify_reporter(report=report, text=reporter_text(report))
    propagate(report, actor=actor, now=now)
    return report


@transaction.atomic
def report_close(
    *,
    actor: Any,
    report_id: int,
    reason: str,
    note: str = "",
    referral: str = "",
    duplicate_of_id: int | None = None,
) -> Report:
    """Close untriaged with a reason: not a hazard / a duplicate (of an open report of the same
    service, which it then follows) / outside our remit (naming where it was referred)."""
    report = _locked(actor, report_id)
    _require_triage(actor, report)
    _require_new(report)
    if reason not in STAFF_CLOSE_REASONS:
        message = _("Choose why the report is closed.")
        raise ValidationFailed(message, code="close_reason_invalid", details={"reason": message})
    note = (note or "").strip()[:500]
    referral = (referral or "").strip()[:200]
    original: Report | None = None
    if reason == Report.CloseReason.DUPLICATE:
        original = _original(report, duplicate_of_id)
    if reason == Report.CloseReason.OUTSIDE_REMIT and not referral:
        message = _("Say where the report was referred to.")
        raise ValidationFailed(message, code="referral_required", details={"referral": message})
    now = timezone.now()
    report.state = R.CLOSED
    report.close_reason = reason
    report.referral = referral if reason == Report.CloseReason.OUTSIDE_REMIT else ""
    report.duplicate_of = original
    report.triaged_at = now
    report.triaged_by = actor if getattr(actor, "is_authenticated", False) else None
    report.triage_due = report.triage_due  # kept: it documents the clock that applied
    if original is not None:
        report.hazard = original.hazard
        report.status_notes = note or _(
            "Same problem as report %(code)s; you will be told of its progress."
        ) % {"code": original.tracking_code}
    else:
        report.status_notes = note
    report.save()
    _event(
        report,
        "closed",
        actor=actor,
        note=report.status_notes,
        now=now,
        data={
            "reason": reason,
            "referral": report.referral,
            "duplicate_of": original.tracking_code if original else "",
        },
    )
    audit_record(
        actor=actor,
        action="report.close",
        target=report,
        data={
            "reason": reason,
            "referral": report.referral,
            "duplicate_of": original.pk if original else None,
            "note": note,
        },
    )
    notify_reporter(report=report, text=reporter_text(report))
    propagate(report, actor=actor, now=now)
    return report


def _original(report: Report, duplicate_of_id: int | None) -> Report:
    message = _("Name the open report of the same category this one repeats.")
    if duplicate_of_id is None:
        raise ValidationFailed(
            message, code="duplicate_of_required", details={"duplicate_of": message}
        )
    original = Report.objects.select_related("hazard").filter(pk=duplicate_of_id).first()
    while original is not None and original.duplicate_of_id is not None:
        original = (
            Report.objects.select_related("hazard").filter(pk=original.duplicate_of_id).first()
        )
    if (
        original is None
        or original.pk == report.pk
        or original.state == R.CLOSED
        or original.service_id != report.service_id
        or original.hidden
    ):
        raise ValidationFailed(
            message, code="duplicate_of_invalid", details={"duplicate_of": message}
        )
    return original


def report_link(*, report: Report, to: Report, now: datetime.datetime | None = None) -> Report:
    """`report` follows `to` (the reporter said it is the same problem): it mirrors its state,
    hazard and notes from now on, and leaves the triage clock to the original."""
    with transaction.atomic():
        while to.duplicate_of_id is not None:
            to = Report.objects.get(pk=to.duplicate_of_id)
        if to.pk == report.pk or to.service_id != report.service_id:
            raise ValidationFailed(
                _("A report can only follow another report of the same category."),
                code="link_invalid",
            )
        now = now or timezone.now()
        report.duplicate_of = to
        _mirror(report, to)
        report.save()
        _event(report, "linked", now=now, data={"to": to.tracking_code})
        audit_record(actor=None, action="report.link", target=report, data={"to": to.pk})
        # The original's people are told one more resident saw it.
        _event(to, "follower", public=False, now=now, data={"report": report.tracking_code})
    return report


def _mirror(follower: Report, original: Report) -> None:
    follower.hazard_id = original.hazard_id
    if follower.close_reason == Report.CloseReason.DUPLICATE:
        follower.status_notes = original.status_notes or follower.status_notes
        return
    follower.state = original.state
    follower.close_reason = original.close_reason
    follower.referral = original.referral
    follower.status_notes = original.status_notes
    follower.triage_due = None
    follower.triaged_at = original.triaged_at


def propagate(original: Report, *, actor: Any = None, now: datetime.datetime | None = None) -> int:
    """After `original` moved: its followers follow, and their reporters are told."""
    now = now or timezone.now()
    count = 0
    for follower in Report.objects.select_for_update().filter(duplicate_of=original).order_by("id"):
        before = (follower.state, follower.hazard_id, follower.status_notes)
        _mirror(follower, original)
        if (follower.state, follower.hazard_id, follower.status_notes) == before:
            continue
        follower.save()
        text = reporter_text(follower)
        _event(follower, "followed", note=text, now=now, data={"original": original.tracking_code})
        audit_record(
            actor=actor,
            action="report.follow",
            target=follower,
            data={"original": original.pk, "state": follower.state},
        )
        notify_reporter(report=follower, text=text)
        count += 1
    return count


@transaction.atomic
def report_sync_from_hazard(hazard: Hazard, *, now: datetime.datetime | None = None) -> int:
    """Reports confirmed into `hazard` follow it: closed as resolved once it is closed (or
    "not a hazard" if it was rejected), their followers and reporters told. Idempotent."""
    now = now or timezone.now()
    if hazard.state not in Hazard.CLOSED_STATES:
        return 0
    count = 0
    reports = Report.objects.select_for_update().filter(
        hazard=hazard, state=R.CONFIRMED, duplicate_of__isnull=True
    )
    for report in reports.order_by("id"):
        resolved = hazard.state == Hazard.State.CLOSED
        report.state = R.CLOSED
        report.close_reason = (
            Report.CloseReason.RESOLVED if resolved else Report.CloseReason.NOT_HAZARD
        )
        report.status_notes = (
            _("The hazard was fixed and the case closed.")
            if resolved
            else _("On checking, this was found not to be a fire hazard.")
        )
        report.save(update_fields=["state", "close_reason", "status_notes", "updated_at"])
        _event(
            report,
            "resolved" if resolved else "closed",
            note=report.status_notes,
            now=now,
            data={"hazard": hazard.pk, "hazard_state": hazard.state},
        )
        audit_record(
            actor=None,
            action="report.resolve",
            target=report,
            data={"hazard": hazard.pk, "reason": report.close_reason},
        )
        notify_reporter(report=report, text=reporter_text(report))
        propagate(report, now=now)
        count += 1
    return count
