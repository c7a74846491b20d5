"""Privacy: a 兼职网格员 (role without sees_phones) never gets a reporter's phone from any staff
GET; public reads carry no contact field at all."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.test import Client

from firegrid.core.models import AuditEvent
from firegrid.reports.selectors import report_contact, report_public_status
from firegrid.reports.services import PublicStatus

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
EMAIL = "resident@example.org"


def _get(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode("utf-8")


def test_parttime_worker_never_sees_the_phone(report_world: Any, submit: Any) -> None:
    report = submit(contact_name="李四", contact_phone=PHONE, contact_email=EMAIL)
    for user in (report_world.parttime, report_world.fulltime):
        for url in ("/api/v1/reports", f"/api/v1/reports/{report.pk}"):
            text = _get(user, url)
            assert PHONE not in text
            assert "3912345" not in text
            assert EMAIL not in text
            assert "李四" not in text
    contact = report_contact(report_world.parttime, report)
    assert contact["phone"] == "139****5678" and contact["masked"]
    assert not AuditEvent.objects.filter(action="report.contact_view").exists()


def test_roles_that_see_phones_see_it_audited(report_world: Any, submit: Any) -> None:
    report = submit(contact_phone=PHONE)
    text = _get(report_world.worker, f"/api/v1/reports/{report.pk}")
    assert PHONE in text
    event = AuditEvent.objects.get(action="report.contact_view")
    assert event.actor_id == report_world.worker.pk
    assert PHONE not in str(event.data)


def test_public_status_carries_no_contact(report_world: Any, submit: Any) -> None:
    report = submit(contact_name="王五", contact_phone=PHONE, contact_email=EMAIL, device_id="d1")
    status = report_public_status(report.tracking_code.lower())
    assert isinstance(status, PublicStatus)
    names = {f.name for f in dataclasses.fields(PublicStatus)}
    assert not {n for n in names if "contact" in n or "phone" in n or "email" in n or "ip" == n}
    flat = repr(status)
    for secret in (PHONE, "139****5678", EMAIL, "王五", "d1'", report.token):
        assert secret not in flat
    assert report_public_status("NOSUCHCODE") is None


def test_staff_pages_and_open311_never_leak_the_phone(report_world: Any, submit: Any) -> None:
    from django.urls import reverse

    report = submit(contact_name="赵六", contact_phone=PHONE, contact_email=EMAIL)
    for user in (report_world.parttime, report_world.fulltime):
        for url in (reverse("reports:queue"), reverse("reports:detail", args=[report.pk])):
            text = _get(user, url)
            assert PHONE not in text and "3912345" not in text
            assert EMAIL not in text
    # Open311 GET is public: no contact field, not even masked.
    anonymous = Client()
    for url in (
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{report.tracking_code}.json",
        f"/open311/v2/tokens/{report.token}.json",
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8")
        for secret in (PHONE, "139****5678", EMAIL, "赵六"):
            assert secret not in text, (url, secret)
