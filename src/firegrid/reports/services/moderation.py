"""Moderation: hiding a report (spam, abuse, personal data) and blacking out a photo region
(faces, number plates). Managing roles of the report's area only; both are audited, and the
original pixels of a redacted photo are not kept."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from firegrid.core import pii
from firegrid.core.audit import audit_record
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.people.scope import user_scope

from ..models import BlockedSender, Report, ReportEvent, ReportPhoto


def _require_moderator(actor: Any, report: Report) -> None:
    scope = user_scope(actor)
    if not scope.covers(report.grid_path):
        raise NotFound(_("Report not found."), code="report_not_found")
    if not scope.covers(report.grid_path, manage=True):
        raise PermissionDenied(
            _("Only the managing office may moderate reports."), code="not_moderator"
        )


@transaction.atomic
def report_hide(*, actor: Any, report_id: int, reason: str) -> Report:
    """Take a report out of every list and the public status page; it stays on record."""
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("Report not found."), code="report_not_found")
    _require_moderator(actor, report)
    reason = (reason or "").strip()[:200]
    if not reason:
        message = _("Say why the report is hidden.")
        raise ValidationFailed(message, code="reason_required", details={"reason": message})
    report.hidden = True
    report.hidden_reason = reason
    report.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    ReportEvent.objects.create(
        report=report,
        action="hidden",
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=reason,
        public=False,
    )
    audit_record(actor=actor, action="report.hide", target=report, data={"reason": reason})
    return report


@transaction.atomic
def report_block_sender(
    *, actor: Any, report_id: int, reason: str, until: datetime.datetime | None = None
) -> list[BlockedSender]:
    """Block whoever sent this report (its IP digest, device id and phone) from reporting again,
    until `until` (None: until lifted in admin). The report itself is not changed."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("Report not found."), code="report_not_found")
    _require_moderator(actor, report)
    reason = (reason or "").strip()[:200]
    if not reason:
        message = _("Say why the sender is blocked.")
        raise ValidationFailed(message, code="reason_required", details={"reason": message})
    marks: list[tuple[str, str, str]] = []
    if report.ip_digest:
        marks.append(
            (
                BlockedSender.Kind.IP,
                report.ip_digest,
                _("IP of %(code)s") % {"code": report.tracking_code},
            )
        )
    if report.device_id:
        marks.append(
            (BlockedSender.Kind.DEVICE, pii.digest(report.device_id), report.device_id[:4] + "…")
        )
    phone = pii.decrypt(report.contact_phone)
    if phone:
        marks.append((BlockedSender.Kind.PHONE, pii.digest(phone), report.contact_phone_masked))
    if not marks:
        message = _("This report carries nothing to block by (no IP, device or phone).")
        raise ValidationFailed(message, code="nothing_to_block")
    entries = []
    for kind, value_digest, hint in marks:
        entry, _created = BlockedSender.objects.update_or_create(
            kind=kind,
            value_digest=value_digest,
            defaults={
                "value_hint": str(hint)[:40],
                "reason": reason,
                "until": until,
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        entries.append(entry)
    ReportEvent.objects.create(
        report=report,
        action="sender_blocked",
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=reason,
        public=False,
        data={"kinds": [kind for kind, _d, _h in marks]},
    )
    audit_record(
        actor=actor,
        action="report.block_sender",
        target=report,
        data={
            "kinds": [kind for kind, _d, _h in marks],
            "reason": reason,
            "until": until.isoformat() if until else None,
        },
    )
    return entries


def _box(
    box: tuple[float, float, float, float], width: int, height: int, unit: str
) -> tuple[int, int, int, int]:
    message = _("The region must lie inside the photo, with x0 < x1 and y0 < y1.")
    try:
        x0, y0, x1, y1 = (float(v) for v in box)
    except (TypeError, ValueError):
        raise ValidationFailed(message, code="box_invalid", details={"box": message}) from None
    if unit == "percent":
        x0, x1 = x0 * width / 100, x1 * width / 100
        y0, y1 = y0 * height / 100, y1 * height / 100
    elif unit != "px":
        raise ValidationFailed(message, code="box_invalid", details={"box": message})
    if not (0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height):
        raise ValidationFailed(message, code="box_invalid", details={"box": message})
    return round(x0), round(y0), round(x1), round(y1)


@transaction.atomic
def report_photo_redact(
    *,
    actor: Any,
    photo_id: int,
    box: tuple[float, float, float, float],
    unit: str = "px",
) -> ReportPhoto:
    """Black out `box` (x0, y0, x1, y1 in pixels of the stored image, or in percent with
    unit="percent"); the redacted JPEG replaces the stored one."""
    photo = (
        ReportPhoto.objects.select_for_update(of=("self",))
        .select_related("report")
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise NotFound(_("Photo not found."), code="photo_not_found")
    _require_moderator(actor, photo.report)
    with photo.image.open("rb") as handle:
        original = Image.open(handle)
        original.load()
    image = original.convert("RGB")
    region = _box(box, image.width, image.height, unit)
    ImageDraw.Draw(image).rectangle(
        (region[0], region[1], region[2] - 1, region[3] - 1), fill=(0, 0, 0)
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    old_name = photo.image.name
    storage = photo.image.storage
    photo.image.save(
        f"{photo.report.tracking_code}-redacted.jpg", ContentFile(out.getvalue()), save=False
    )
    photo.redacted = True
    photo.save(update_fields=["image", "redacted"])
    if old_name and old_name != photo.image.name:
        transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    ReportEvent.objects.create(
        report=photo.report,
        action="photo_redacted",
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        public=False,
        data={"photo": photo.pk, "box": list(region)},
    )
    audit_record(
        actor=actor,
        action="report.photo_redact",
        target=photo.report,
        data={"photo": photo.pk, "box": list(region)},
    )
    return photo
