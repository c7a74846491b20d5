"""Moderation: hiding a report, redacting a photo region — managing roles only, audited."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.reports.selectors import report_duplicates_near, report_queue
from firegrid.reports.services import report_hide, report_photo_redact, report_public_status

pytestmark = pytest.mark.django_db


def test_hide_takes_a_report_out_of_lists(report_world: Any, submit: Any) -> None:
    report = submit()
    with pytest.raises(PermissionDenied):
        report_hide(actor=report_world.worker, report_id=report.pk, reason="spam")
    with pytest.raises(NotFound):
        report_hide(actor=report_world.outsider, report_id=report.pk, reason="spam")
    with pytest.raises(ValidationFailed):
        report_hide(actor=report_world.office, report_id=report.pk, reason=" ")
    report_hide(actor=report_world.office, report_id=report.pk, reason="广告")
    assert report_public_status(report.tracking_code) is None
    assert list(report_queue(report_world.office)) == []
    assert list(report_queue(report_world.office, {"hidden": True})) == [report]
    assert report_duplicates_near(service_code="exits_blocked", lon=113.05, lat=34.45) == []
    assert AuditEvent.objects.filter(action="report.hide", object_id=str(report.pk)).exists()


def test_redact_blacks_out_the_region(report_world: Any, submit: Any, jpeg: Any) -> None:
    report = submit(photos=(jpeg(size=(100, 80), color="white"),))
    photo = report.photos.get()
    with pytest.raises(PermissionDenied):
        report_photo_redact(actor=report_world.parttime, photo_id=photo.pk, box=(0, 0, 10, 10))
    with pytest.raises(ValidationFailed):
        report_photo_redact(actor=report_world.office, photo_id=photo.pk, box=(50, 0, 10, 10))
    with pytest.raises(ValidationFailed):
        report_photo_redact(actor=report_world.office, photo_id=photo.pk, box=(0, 0, 101, 10))
    photo = report_photo_redact(actor=report_world.office, photo_id=photo.pk, box=(10, 10, 50, 40))
    assert photo.redacted
    with photo.image.open("rb") as handle:
        image = Image.open(handle).convert("RGB")
        inside, outside = image.getpixel((30, 25)), image.getpixel((80, 70))
    assert isinstance(inside, tuple) and isinstance(outside, tuple)
    assert max(inside) < 30  # black (JPEG noise allowed)
    assert min(outside) > 220  # still white
    event = AuditEvent.objects.get(action="report.photo_redact")
    assert event.data["box"] == [10, 10, 50, 40]
    # Percent boxes, for pages that do not know the pixel size.
    photo = report_photo_redact(
        actor=report_world.office, photo_id=photo.pk, box=(50, 50, 100, 100), unit="percent"
    )
    last = AuditEvent.objects.filter(action="report.photo_redact").order_by("id").last()
    assert last is not None and last.data["box"] == [
        50,
        40,
        100,
        80,
    ]
