"""/api/v1/reports: the scoped queue, one report, triage and moderation steps."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from firegrid.reports.models import Report

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_queue_is_scoped_and_filtered(report_world: Any, submit: Any) -> None:
    late = submit(now=timezone.now() - datetime.timedelta(hours=30))
    fresh = submit(service_code="ebike")
    elsewhere = submit(lon=report_world.other_inside[0], lat=report_world.other_inside[1])
    body = _client(report_world.worker).get("/api/v1/reports").json()
    assert [row["tracking_code"] for row in body["items"]] == [
        late.tracking_code,
        fresh.tracking_code,
    ]
    assert body["items"][0]["overdue"] is True
    assert body["items"][0]["responsible_level"]["code"] == report_world.leaf.code
    county = _client(report_world.county_office)
    assert county.get("/api/v1/reports").json()["count"] == 3
    assert county.get("/api/v1/reports?overdue=true").json()["count"] == 1
    assert county.get("/api/v1/reports?service=ebike").json()["count"] == 1
    only = county.get(f"/api/v1/reports?grid_id={report_world.other_leaf.pk}").json()
    assert [r["tracking_code"] for r in only["items"]] == [elsewhere.tracking_code]
    assert county.get("/api/v1/reports?state=closed").json()["count"] == 0
    assert county.get("/api/v1/reports?state=bogus").status_code == 422


def test_detail_and_404_outside_scope(report_world: Any, submit: Any) -> None:
    report = submit(attributes={"where": "exit"})
    body = _client(report_world.worker).get(f"/api/v1/reports/{report.pk}").json()
    assert body["attributes"] == {"where": "exit"}
    assert body["timeline"][0]["action"] == "submitted"
    assert body["contact"]["anonymous"] is True
    response = _client(report_world.outsider).get(f"/api/v1/reports/{report.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "report_not_found"


def test_confirm_and_close_through_the_api(report_world: Any, submit: Any) -> None:
    client = _client(report_world.worker)
    report = submit()
    response = client.post(
        f"/api/v1/reports/{report.pk}/confirm", {"note": "ok"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "confirmed" and response.json()["hazard_id"]
    again = client.post(f"/api/v1/reports/{report.pk}/confirm", {}, content_type="application/json")
    assert again.status_code == 409
    dup = submit()
    response = client.post(
        f"/api/v1/reports/{dup.pk}/close",
        {"reason": "duplicate", "duplicate_of": report.tracking_code},
        content_type="application/json",
    )
    # A confirmed report is still open: the duplicate closes and shows the same hazard.
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    assert response.json()["hazard_id"] == Report.objects.get(pk=report.pk).hazard_id


def test_close_duplicate_and_referral(report_world: Any, submit: Any) -> None:
    client = _client(report_world.worker)
    original = submit()
    dup = submit()
    response = client.post(
        f"/api/v1/reports/{dup.pk}/close",
        {"reason": "duplicate", "duplicate_of": original.tracking_code},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["duplicate_of"] == original.tracking_code
    other = submit(service_code="other")
    missing = client.post(
        f"/api/v1/reports/{other.pk}/close",
        {"reason": "outside_remit"},
        content_type="application/json",
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "referral_required"
    unknown = client.post(
        f"/api/v1/reports/{other.pk}/close",
        {"reason": "duplicate", "duplicate_of": "ZZZZZZZZ"},
        content_type="application/json",
    )
    assert unknown.json()["error"]["code"] == "duplicate_of_invalid"


def test_hide_and_redact_need_a_managing_role(report_world: Any, submit: Any, jpeg: Any) -> None:
    report = submit(photos=(jpeg(size=(40, 40)),))
    photo = report.photos.get()
    worker, office = _client(report_world.worker), _client(report_world.office)
    url = f"/api/v1/reports/{report.pk}/hide"
    assert worker.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    redact = f"/api/v1/report-photos/{photo.pk}/redact"
    box = {"x0": 0, "y0": 0, "x1": 20, "y1": 20}
    assert worker.post(redact, box, content_type="application/json").status_code == 403
    response = office.post(redact, box, content_type="application/json")
    assert response.json() == {"id": photo.pk, "redacted": True}
    bad = office.post(redact, {**box, "x1": 400}, content_type="application/json")
    assert bad.status_code == 422
    assert office.post(url, {"reason": "广告"}, content_type="application/json").status_code == 200
    assert Report.objects.get(pk=report.pk).hidden
    assert office.get("/api/v1/reports").json()["count"] == 0
    assert office.get("/api/v1/reports?hidden=true").json()["count"] == 1


def test_anonymous_gets_401(report_world: Any, submit: Any) -> None:
    assert Client().get("/api/v1/reports").status_code == 401


def test_admin_makes_an_open311_key_shown_once(db: Any) -> None:
    import hashlib

    from django.contrib.auth import get_user_model

    from firegrid.reports.models import Open311Client

    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-x")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    response = client.post(
        "/admin/reports/open311client/add/",
        {"name": "12345 platform", "contact": "ops"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    key = next(m for m in shown if "only this once" in m).rsplit(" ", 1)[-1]
    row = Open311Client.objects.get()
    assert row.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert row.key_prefix == key[:8] and row.active
    assert key not in client.get(f"/admin/reports/open311client/{row.pk}/change/").content.decode()
    assert client.get("/admin/reports/report/").status_code == 200


def test_reports_and_audit_events_are_read_only_in_the_admin(
    report_world: Any, submit: Any
) -> None:
    from django.contrib.auth import get_user_model

    from firegrid.core.models import AuditEvent

    report = submit()
    event = AuditEvent.objects.filter(action="report.submit").get()
    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-x")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)

    assert client.get(f"/admin/reports/report/{report.pk}/change/").status_code == 200  # view
    assert client.get("/admin/reports/report/add/").status_code == 403
    assert client.post(f"/admin/reports/report/{report.pk}/delete/").status_code == 403
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
