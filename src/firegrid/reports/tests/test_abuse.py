"""Rate limits (counted in the database) and the blocklist."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from firegrid.reports.abuse import block_sender, ip_digest
from firegrid.reports.errors import Blocked, RateLimited
from firegrid.reports.models import BlockedSender, Open311Client, Report

pytestmark = pytest.mark.django_db


def test_per_ip_limit_counts_the_last_hour(report_world: Any, submit: Any, settings: Any) -> None:
    settings.FIREGRID_REPORT_RATE_PER_IP_HOUR = 3
    start = timezone.now() - datetime.timedelta(minutes=90)
    submit(ip="10.1.2.3", now=start)  # outside the window by now
    for _ in range(3):
        submit(ip="10.1.2.3")
    with pytest.raises(RateLimited) as caught:
        submit(ip="10.1.2.3")
    assert (caught.value.status, caught.value.code) == (429, "rate_limited")
    assert Report.objects.count() == 4
    submit(ip="10.9.9.9")  # another address is not affected
    report = Report.objects.first()
    assert report is not None and "10." not in report.ip_digest
    assert Report.objects.filter(ip_digest=ip_digest("10.1.2.3")).count() == 4


def test_per_device_limit(report_world: Any, submit: Any, settings: Any) -> None:
    settings.FIREGRID_REPORT_RATE_PER_DEVICE_HOUR = 2
    settings.FIREGRID_REPORT_RATE_PER_IP_HOUR = 100
    submit(device_id="dev-1", ip="10.0.0.1")
    submit(device_id="dev-1", ip="10.0.0.2")
    with pytest.raises(RateLimited):
        submit(device_id="dev-1", ip="10.0.0.3")
    submit(device_id="dev-2", ip="10.0.0.3")


def test_open311_clients_are_limited_per_client(
    report_world: Any, submit: Any, settings: Any
) -> None:
    settings.FIREGRID_REPORT_RATE_PER_IP_HOUR = 1
    settings.FIREGRID_OPEN311_RATE_PER_CLIENT_MINUTE = 3
    client = Open311Client.objects.create(name="12345", key_digest="a" * 64, key_prefix="abc")
    for _ in range(3):  # one address, more than the per-IP limit: the client budget applies
        report = submit(ip="10.5.5.5", client=client)
        assert report.channel == Report.Channel.OPEN311
    with pytest.raises(RateLimited):
        submit(ip="10.5.5.5", client=client)
    client.active = False
    client.save()
    with pytest.raises(Blocked):
        submit(client=client)


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("ip", "10.7.7.7", "ip"),
        ("device", "bad-device", "device_id"),
        ("phone", "13912345678", "contact_phone"),
    ],
)
def test_blocklist(report_world: Any, submit: Any, kind: str, value: str, field: str) -> None:
    entry = block_sender(actor=report_world.office, kind=kind, value=value, reason="恶意举报")
    assert value not in entry.value_digest and value not in entry.value_hint
    with pytest.raises(Blocked) as caught:
        submit(**{field: value if field != "contact_phone" else "139 1234 5678"})
    assert (caught.value.status, caught.value.code) == (403, "blocked")
    assert Report.objects.count() == 0
    BlockedSender.objects.update(until=timezone.now() - datetime.timedelta(minutes=1))
    submit(**{field: value})  # an expired entry no longer blocks


def test_blocking_the_sender_of_a_report(report_world: Any, submit: Any) -> None:
    from django.test import Client

    report = submit(ip="10.3.3.3", device_id="dev-x", contact_phone="13700001111")
    client = Client()
    client.force_login(report_world.worker)
    url = f"/api/v1/reports/{report.pk}/block-sender"
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    client.force_login(report_world.office)
    response = client.post(url, {"reason": "恶意举报"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert sorted(response.json()["kinds"]) == ["device", "ip", "phone"]
    for marks in ({"ip": "10.3.3.3"}, {"device_id": "dev-x"}, {"contact_phone": "137-0000-1111"}):
        with pytest.raises(Blocked):
            submit(**marks)
    submit(ip="10.4.4.4", device_id="dev-y")
    assert BlockedSender.objects.filter(value_hint__contains="1111").count() == 1
    assert "13700001111" not in str(list(BlockedSender.objects.values()))
