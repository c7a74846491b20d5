"""Abuse controls of the report intake: a blocklist and rate limits counted in the database.

Limits count the Report rows already stored in the window, so they hold across web processes and
restarts without a cache. A resident's posts are limited per IP address and per device id; a
system posting through Open311 with an API key is limited per client instead (a 12345 platform
forwards many residents' reports from one address), with a much higher, configurable budget.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from firegrid.core import pii

from .errors import Blocked, RateLimited
from .models import BlockedSender, Open311Client, Report

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def ip_digest(ip: str) -> str:
    """The keyed digest stored on a report instead of the address itself."""
    return pii.digest(ip.strip()) if ip else ""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def blocked_sender(
    *, ip: str = "", device_id: str = "", phone: str = "", now: datetime.datetime
) -> BlockedSender | None:
    """The active blocklist entry matching any of the sender's marks, or None."""
    wanted = Q(pk__in=[])
    if ip:
        wanted |= Q(kind=BlockedSender.Kind.IP, value_digest=ip_digest(ip))
    if device_id:
        wanted |= Q(kind=BlockedSender.Kind.DEVICE, value_digest=pii.digest(device_id))
    if phone:
        wanted |= Q(kind=BlockedSender.Kind.PHONE, value_digest=pii.digest(phone))
    active = Q(until__isnull=True) | Q(until__gt=now)
    return BlockedSender.objects.filter(wanted).filter(active).first()


def check_sender(
    *,
    ip: str,
    device_id: str,
    phone: str,
    client: Open311Client | None,
    now: datetime.datetime,
) -> None:
    """Raise Blocked or RateLimited; nothing is written either way."""
    if client is not None and not client.active:
        raise Blocked(_("This Open311 client is disabled."), code="blocked")
    if blocked_sender(ip=ip, device_id=device_id, phone=phone, now=now) is not None:
        raise Blocked(_("Reports from this sender are not accepted."), code="blocked")
    if client is not None:
        limit = _limit("FIREGRID_OPEN311_RATE_PER_CLIENT_MINUTE", 600)
        recent = Report.objects.filter(client=client, requested_at__gt=now - MINUTE).count()
        if recent >= limit:
            raise RateLimited(
                _("Too many reports from this client; at most %(n)d a minute.") % {"n": limit},
                details={"limit": limit, "window_seconds": 60},
            )
        return
    checks: list[tuple[str, Any, int]] = []
    if ip:
        checks.append(("ip_digest", ip_digest(ip), _limit("FIREGRID_REPORT_RATE_PER_IP_HOUR", 10)))
    if device_id:
        checks.append(("device_id", device_id, _limit("FIREGRID_REPORT_RATE_PER_DEVICE_HOUR", 5)))
    for field, value, limit in checks:
        recent = Report.objects.filter(
            **{field: value}, client__isnull=True, requested_at__gt=now - HOUR
        ).count()
        if recent >= limit:
            raise RateLimited(
                _("Too many reports from you; at most %(n)d an hour. Please try again later.")
                % {"n": limit},
                details={"limit": limit, "window_seconds": 3600},
            )


def block_sender(
    *,
    actor: Any,
    kind: str,
    value: str,
    reason: str,
    until: datetime.datetime | None = None,
) -> BlockedSender:
    """Put an IP, device id or phone on the blocklist (stored as a keyed digest + a masked hint)."""
    from firegrid.core.audit import audit_record

    if kind == BlockedSender.Kind.IP:
        value_digest, hint = ip_digest(value), _mask_tail(value)
    elif kind == BlockedSender.Kind.PHONE:
        from firegrid.people.services import normalize_phone

        value = normalize_phone(value)  # as report_submit stores and checks it
        value_digest, hint = pii.digest(value), pii.mask_phone(value)
    else:
        value_digest, hint = pii.digest(value), _mask_tail(value)
    entry, _created = BlockedSender.objects.update_or_create(
        kind=kind,
        value_digest=value_digest,
        defaults={
            "value_hint": hint,
            "reason": reason[:200],
            "until": until,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        actor=actor,
        action="report.block_sender",
        target=entry,
        data={"kind": kind, "hint": hint, "reason": reason[:200]},
    )
    return entry


def _mask_tail(value: str) -> str:
    """Enough of a value to recognise it in a list, not to reuse it."""
    if len(value) <= 4:
        return "*" * len(value)
    return value[: max(2, len(value) // 3)] + "…"
