"""Triage: confirm into the hazard workflow, close with a reason, linked duplicates follow."""

from __future__ import annotations

from typing import Any

import pytest

from firegrid.core.errors import Conflict, NotFound, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.hazards.models import Hazard
from firegrid.reports.models import Report, ReportEvent
from firegrid.reports.services import (
    report_close,
    report_confirm,
    report_public_status,
    report_sync_from_hazard,
    reports_sweep,
)

pytestmark = pytest.mark.django_db


def test_confirm_creates_a_linked_hazard(report_world: Any, submit: Any) -> None:
    report = submit(contact_email="r@example.org", description="安全出口锁闭")
    report = report_confirm(actor=report_world.worker, report_id=report.pk, note="已派人核查")
    hazard = report.hazard
    assert hazard is not None
    assert report.state == Report.State.CONFIRMED
    assert hazard.source == Hazard.Source.CITIZEN
    assert hazard.category.code == "exits_blocked"
    assert hazard.grid == report_world.leaf
    assert hazard.found_at == report.requested_at
    assert hazard.description == "安全出口锁闭"
    assert report.triaged_by == report_world.worker
    assert report.status_notes == "已派人核查"
    assert ReportEvent.objects.filter(report=report, action="confirmed", public=True).exists()
    told = ReportEvent.objects.get(report=report, action="reporter_told")
    assert told.data == {"channels": ["email"]}
    assert AuditEvent.objects.filter(action="report.confirm", object_id=str(report.pk)).exists()
    status = report_public_status(report.tracking_code)
    assert status is not None and status.hazard_state == Hazard.State.REPORTED
    assert status.status == "open"


def test_confirm_twice_conflicts_and_outsiders_get_404(report_world: Any, submit: Any) -> None:
    report = submit()
    with pytest.raises(NotFound):
        report_confirm(actor=report_world.outsider, report_id=report.pk)
    report_confirm(actor=report_world.worker, report_id=report.pk)
    with pytest.raises(Conflict):
        report_confirm(actor=report_world.worker, report_id=report.pk)
    assert Hazard.objects.count() == 1


def test_close_needs_a_reason_and_its_details(report_world: Any, submit: Any) -> None:
    report = submit()
    for kwargs, code in [
        ({"reason": ""}, "close_reason_invalid"),
        ({"reason": "resolved"}, "close_reason_invalid"),
        ({"reason": "outside_remit"}, "referral_required"),
        ({"reason": "duplicate"}, "duplicate_of_required"),
        ({"reason": "duplicate", "duplicate_of_id": report.pk}, "duplicate_of_invalid"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            report_close(actor=report_world.worker, report_id=report.pk, **kwargs)
        assert caught.value.code == code
    report.refresh_from_db()
    assert report.state == Report.State.NEW


def test_close_outside_remit_keeps_the_referral(report_world: Any, submit: Any) -> None:
    report = submit(service_code="other")
    report = report_close(
        actor=report_world.office,
        report_id=report.pk,
        reason="outside_remit",
        referral="区城管局",
    )
    assert (report.state, report.close_reason, report.referral) == (
        "closed",
        "outside_remit",
        "区城管局",
    )
    status = report_public_status(report.tracking_code)
    assert status is not None and status.status == "closed" and status.referral == "区城管局"


def test_duplicate_must_be_open_and_same_service(report_world: Any, submit: Any) -> None:
    other_service = submit(service_code="ebike")
    report = submit()
    with pytest.raises(ValidationFailed) as caught:
        report_close(
            actor=report_world.worker,
            report_id=report.pk,
            reason="duplicate",
            duplicate_of_id=other_service.pk,
        )
    assert caught.value.code == "duplicate_of_invalid"


def test_linked_duplicates_follow_the_original(report_world: Any, submit: Any) -> None:
    original = submit()
    closed_dup = submit(contact_phone="13912345678")
    report_close(
        actor=report_world.worker,
        report_id=closed_dup.pk,
        reason="duplicate",
        duplicate_of_id=original.pk,
    )
    follower = submit(link_to_tracking_code=original.tracking_code, contact_email="f@example.org")
    report_confirm(actor=report_world.worker, report_id=original.pk)
    original.refresh_from_db()
    closed_dup.refresh_from_db()
    follower.refresh_from_db()
    # The reporter-linked follower mirrors the state; the staff-closed duplicate stays closed
    # but shows the same hazard's progress.
    assert follower.state == Report.State.CONFIRMED
    assert follower.hazard == original.hazard
    assert closed_dup.state == Report.State.CLOSED
    assert closed_dup.close_reason == Report.CloseReason.DUPLICATE
    assert closed_dup.hazard == original.hazard
    for report in (closed_dup, follower):
        assert ReportEvent.objects.filter(report=report, action="followed", public=True).exists()
        assert ReportEvent.objects.filter(report=report, action="reporter_told").exists()
    status = report_public_status(closed_dup.tracking_code)
    assert status is not None and status.hazard_state == Hazard.State.REPORTED


def test_hazard_closing_resolves_reports_and_followers(report_world: Any, submit: Any) -> None:
    original = submit()
    follower = submit(link_to_tracking_code=original.tracking_code)
    report_confirm(actor=report_world.worker, report_id=original.pk)
    original.refresh_from_db()
    hazard = original.hazard
    Hazard.objects.filter(pk=hazard.pk).update(state=Hazard.State.CLOSED)
    hazard.refresh_from_db()
    assert report_sync_from_hazard(hazard) == 1
    assert report_sync_from_hazard(hazard) == 0  # idempotent
    original.refresh_from_db()
    follower.refresh_from_db()
    assert (original.state, original.close_reason) == ("closed", "resolved")
    assert (follower.state, follower.close_reason) == ("closed", "resolved")
    status = report_public_status(follower.tracking_code)
    assert status is not None and status.status == "closed" and status.hazard_closed


def test_sweep_closes_reports_of_closed_hazards(report_world: Any, submit: Any) -> None:
    from django.utils import timezone

    report = submit()
    report_confirm(actor=report_world.worker, report_id=report.pk)
    report.refresh_from_db()
    Hazard.objects.filter(pk=report.hazard_id).update(state=Hazard.State.CLOSED)
    result = reports_sweep(now=timezone.now())
    assert result.resolved == 1
    report.refresh_from_db()
    assert report.close_reason == Report.CloseReason.RESOLVED
    assert reports_sweep(now=timezone.now()).resolved == 0


def test_reporter_is_told_by_email_and_sms_after_commit(
    report_world: Any,
    submit: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: Any,
    settings: Any,
    monkeypatch: Any,
    caplog: Any,
) -> None:
    import json

    from firegrid.reports import notify

    posted: list[dict[str, Any]] = []

    class _Answer:
        def __enter__(self) -> _Answer:
            return self

        def __exit__(self, *args: Any) -> None:
            return None

    def fake_urlopen(request: Any, timeout: float) -> _Answer:
        posted.append(json.loads(request.data))
        return _Answer()

    settings.FIREGRID_SMS_WEBHOOK_URL = "http://127.0.0.1:9/sms"
    monkeypatch.setattr(notify.urllib.request, "urlopen", fake_urlopen)
    report = submit(contact_email="r@example.org", contact_phone="13912345678")
    caplog.set_level("INFO", logger="firegrid.notify")
    with django_capture_on_commit_callbacks(execute=True):
        report_close(actor=report_world.worker, report_id=report.pk, reason="not_hazard")
    assert [m.to for m in mailoutbox] == [["r@example.org"]]
    assert report.tracking_code in mailoutbox[0].subject
    assert posted and posted[0]["phone"] == "13912345678"
    assert "139****5678" in caplog.text and "13912345678" not in caplog.text


def test_anonymous_reporter_gets_only_the_status_page(
    report_world: Any, submit: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    report = submit()
    with django_capture_on_commit_callbacks(execute=True):
        report_confirm(actor=report_world.worker, report_id=report.pk)
    assert mailoutbox == []
    assert not ReportEvent.objects.filter(action="reporter_told").exists()


def test_public_status_follows_the_hazard_workflow(report_world: Any, submit: Any) -> None:
    from firegrid.hazards.services import StepIn, hazard_step

    report = submit()
    report_confirm(actor=report_world.worker, report_id=report.pk)
    report.refresh_from_db()
    hazard_step(actor=report_world.office, hazard_id=report.hazard_id, data=StepIn("confirm"))
    status = report_public_status(report.tracking_code)
    assert status is not None
    assert status.hazard_state == Hazard.State.CONFIRMED
    assert status.hazard_state_label == Hazard.State.CONFIRMED.label
