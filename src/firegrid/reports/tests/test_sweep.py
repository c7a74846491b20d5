"""The triage sweep: an untriaged report past its clock goes one level up, once per clock."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from firegrid.core.models import AuditEvent
from firegrid.notifications.models import Notification
from firegrid.reports.models import Report, ReportEvent
from firegrid.reports.services import report_confirm, report_public_status, reports_sweep

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


def test_blocked_exit_untriaged_for_24h_escalates(report_world: Any, submit: Any) -> None:
    start = timezone.now() - 25 * H
    report = submit(now=start)
    assert reports_sweep(now=start + 23 * H).escalated == 0
    now = timezone.now()
    result = reports_sweep(now=now)
    assert result.escalated == 1
    report.refresh_from_db()
    assert report.owner_grid == report_world.leaf.parent  # the community
    assert report.escalations == 1
    assert report.triage_due == now + 24 * H
    assert report.grid == report_world.leaf  # where it is does not move
    assert ReportEvent.objects.filter(report=report, action="escalated", public=True).exists()
    assert AuditEvent.objects.filter(action="report.escalate", object_id=str(report.pk)).exists()
    told = Notification.objects.filter(kind="report.escalated")
    assert set(told.values_list("recipient__user__username", flat=True)) == {"office"}
    # Idempotent: the same moment again changes nothing.
    assert reports_sweep(now=now).escalated == 0
    report.refresh_from_db()
    assert report.escalations == 1
    assert told.count() == 1
    status = report_public_status(report.tracking_code)
    assert status is not None and "escalated" in [e.action for e in status.events]


def test_escalation_climbs_to_the_top_and_stops(report_world: Any, submit: Any) -> None:
    start = timezone.now() - 200 * H
    report = submit(now=start)
    moment = start
    owners = []
    for _step in range(5):
        moment += 25 * H
        reports_sweep(now=moment)
        report.refresh_from_db()
        owners.append(report.owner_grid.code)
    assert owners[:3] == ["410185001001", "410185001", "410185"]
    assert owners[3:] == ["410185", "410185"]
    assert report.escalations == 3
    assert reports_sweep(now=moment + 25 * H).at_top == 1
    report.refresh_from_db()
    assert report.escalations == 3


def test_other_services_use_three_working_days(report_world: Any, submit: Any) -> None:
    # Friday 09:00 → due Wednesday 23:59:59 (weekend skipped); Tuesday night is not late.
    friday = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=timezone.get_current_timezone())
    report = submit(service_code="ebike", now=friday)
    tuesday = datetime.datetime(2026, 12, 8, 23, 0, tzinfo=timezone.get_current_timezone())
    assert reports_sweep(now=tuesday).escalated == 0
    thursday = datetime.datetime(2026, 12, 10, 0, 30, tzinfo=timezone.get_current_timezone())
    assert reports_sweep(now=thursday).escalated == 1
    report.refresh_from_db()
    due = timezone.localtime(report.triage_due)
    assert due.date() == datetime.date(2026, 12, 15)  # 3 working days after Thursday


def test_triaged_hidden_and_linked_reports_do_not_escalate(report_world: Any, submit: Any) -> None:
    start = timezone.now() - 30 * H
    triaged = submit(now=start)
    report_confirm(actor=report_world.worker, report_id=triaged.pk)
    hidden = submit(now=start)
    Report.objects.filter(pk=hidden.pk).update(hidden=True)
    original = submit(now=start, service_code="ebike")
    follower = submit(now=start, service_code="ebike", link_to_tracking_code=original.tracking_code)
    result = reports_sweep(now=timezone.now())
    assert result.escalated == 0  # the ebike clock (3 working days) has not run out
    for report in (triaged, hidden, follower):
        report.refresh_from_db()
        assert report.escalations == 0


def test_management_command_runs_the_sweep(report_world: Any, submit: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    submit(now=timezone.now() - 30 * H)
    out = StringIO()
    call_command("reports", "sweep", stdout=out)
    assert "escalated 1" in out.getvalue()
