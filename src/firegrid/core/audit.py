"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, SystemState, audit_hash

GENESIS_HASH = "0" * 64
CHAIN_LOCK_KEY = "audit.chain"


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; callers run it inside the transaction of the change it records."""
    with transaction.atomic():
        SystemState.objects.get_or_create(key=CHAIN_LOCK_KEY)
        # Serialise writers so two events never claim the same previous hash.
        SystemState.objects.select_for_update().get(key=CHAIN_LOCK_KEY)
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            data=data or {},
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
        return event


def audit_record_many(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    events: list[tuple[str, models.Model | tuple[str, str] | None, dict[str, Any]]],
) -> int:
    """Append many events (action, target, data) under one chain lock, in one bulk insert.

    `target` is a model instance, or ("app.model", "id") when the caller built no instance.

    For bulk writes such as a ledger import, where one `audit_record` per row (a lock, a read
    and an insert each) would dominate. The chain is built in memory in the order given, with
    ids reserved in that order, so `audit_verify` walks it as if written one by one.
    """
    if not events:
        return 0
    from .bulk import insert_rows, reserve_ids

    with transaction.atomic():
        SystemState.objects.get_or_create(key=CHAIN_LOCK_KEY)
        SystemState.objects.select_for_update().get(key=CHAIN_LOCK_KEY)
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = prev or GENESIS_HASH
        now = timezone.now()
        stamp = now.isoformat()
        actor_id = actor.pk if actor is not None and actor.is_authenticated else None
        ids = reserve_ids(AuditEvent, len(events))
        rows = []
        for pk, (action, target, data) in zip(ids, events, strict=True):
            if isinstance(target, tuple):  # (label, id) when no model instance was built
                object_type, object_id = target
            else:
                object_type = target._meta.label_lower if target is not None else ""
                object_id = str(target.pk) if target is not None else ""
            digest = audit_hash(
                occurred_at=stamp,
                actor_id=actor_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                data=data or {},
                prev_hash=prev,
            )
            rows.append(
                (pk, now, actor_id, action, object_type, object_id, data or {}, prev, digest)
            )
            prev = digest
        insert_rows(
            AuditEvent,
            [
                "id",
                "occurred_at",
                "actor_id",
                "action",
                "object_type",
                "object_id",
                "data",
                "prev_hash",
                "hash",
            ],
            rows,
        )
        return len(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Walk the chain in id order and name the first row whose content or link does not match."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "previous hash does not match the row before")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "content does not match its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked, None, "")
