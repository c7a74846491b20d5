"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from .models import AuditCheckpoint, AuditEvent, SystemState, audit_hash

GENESIS_HASH = "0" * 64
CHAIN_LOCK_KEY = "audit.chain"


def _chain_lock() -> None:
    """Take the chain lock (held to the end of the caller's transaction): every writer of the
    chain takes it first, so the head read under it is the committed head."""
    SystemState.objects.get_or_create(key=CHAIN_LOCK_KEY)
    SystemState.objects.select_for_update().get(key=CHAIN_LOCK_KEY)


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; callers run it inside the transaction of the change it records."""
    with transaction.atomic():
        # Serialise writers so two events never claim the same previous hash.
        _chain_lock()
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
        _chain_lock()
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


# --------------------------------------------------------------------------- signed checkpoints


def _checkpoint_key() -> bytes:
    """The HMAC key of checkpoints: `FIREGRID_AUDIT_KEY`, which must not be stored in the database
    (whoever can rewrite the log must not be able to re-sign it).

    When it is unset (the demo) a key is derived from SECRET_KEY. That is still outside the
    database, but the demo SECRET_KEY is public, so a demo's checkpoints prove nothing; production
    sets FIREGRID_AUDIT_KEY (and its own SECRET_KEY)."""
    key = settings.FIREGRID_AUDIT_KEY
    if key:
        return key.encode("utf-8")
    return hashlib.sha256(b"firegrid.audit-checkpoint:" + settings.SECRET_KEY.encode()).digest()


def checkpoint_signature(
    *, head_id: int, head_hash: str, event_count: int, created_at: datetime.datetime
) -> str:
    """HMAC-SHA256 over the checkpoint's fields in a fixed text form."""
    stamp = created_at.astimezone(datetime.UTC).isoformat()
    message = f"firegrid-audit-checkpoint:1|{head_id}|{head_hash}|{event_count}|{stamp}"
    return hmac.new(_checkpoint_key(), message.encode("utf-8"), hashlib.sha256).hexdigest()


def _signature_ok(checkpoint: AuditCheckpoint) -> bool:
    expected = checkpoint_signature(
        head_id=checkpoint.head_id,
        head_hash=checkpoint.head_hash,
        event_count=checkpoint.event_count,
        created_at=checkpoint.created_at,
    )
    return hmac.compare_digest(expected, checkpoint.signature)


def audit_checkpoint(*, now: datetime.datetime | None = None) -> AuditCheckpoint | None:
    """Sign the chain's current head (id, hash, number of events). Under the chain lock, so no
    event is half-written; nothing is written when the log is empty or the head has not moved
    since the newest checkpoint (the periodic task may run on an idle system)."""
    with transaction.atomic():
        _chain_lock()
        head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        if head is None:
            return None
        head_id, head_hash = head
        last = AuditCheckpoint.objects.order_by("-id").first()
        if last is not None and (last.head_id, last.head_hash) == (head_id, head_hash):
            return None
        count = AuditEvent.objects.count()
        created_at = (now or timezone.now()).astimezone(datetime.UTC)
        checkpoint = AuditCheckpoint(
            head_id=head_id,
            head_hash=head_hash,
            event_count=count,
            created_at=created_at,
            signature=checkpoint_signature(
                head_id=head_id, head_hash=head_hash, event_count=count, created_at=created_at
            ),
        )
        checkpoint.save()
        return checkpoint


# --------------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class CheckpointRef:
    """A checkpoint as a report names it."""

    id: int
    head_id: int
    event_count: int
    created_at: datetime.datetime


@dataclass(frozen=True)
class ChainReport:
    """What `audit_verify` found: the first broken row of the chain (if any), then the
    checkpoints — the newest one still matching the log and the first one that does not."""

    checked: int
    first_broken_id: int | None
    reason: str
    checkpoints_checked: int = 0
    last_good_checkpoint: CheckpointRef | None = None
    broken_checkpoint: CheckpointRef | None = None
    checkpoint_reason: str = ""
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None and self.broken_checkpoint is None


def _ref(checkpoint: AuditCheckpoint) -> CheckpointRef:
    return CheckpointRef(
        checkpoint.pk, checkpoint.head_id, checkpoint.event_count, checkpoint.created_at
    )


def audit_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Walk the chain in id order and name the first row whose content or link does not match;
    then check every checkpoint against the log: its signature, the hash of the event it names,
    and the number of events up to that one. A newest checkpoint naming an event beyond the end
    of the log means the log was truncated."""
    heads = set(AuditCheckpoint.objects.values_list("head_id", flat=True))
    seen: dict[int, tuple[int, str]] = {}  # head id → (events up to it, its hash now)
    expected_prev = GENESIS_HASH
    checked = 0
    broken_id: int | None = None
    reason = ""
    position = 0
    max_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        position += 1
        max_id = event.pk
        if event.pk in heads:
            seen[event.pk] = (position, event.hash)
        if broken_id is None:
            if event.prev_hash != expected_prev:
                broken_id, reason = event.pk, "previous hash does not match the row before"
            elif event.compute_hash() != event.hash:
                broken_id, reason = event.pk, "content does not match its hash"
            else:
                checked += 1
            expected_prev = event.hash
        elif not heads:
            break  # nothing more to learn from the rest of the chain
    last_good: CheckpointRef | None = None
    broken: CheckpointRef | None = None
    checkpoint_reason = ""
    count = 0
    newest: AuditCheckpoint | None = None
    for checkpoint in AuditCheckpoint.objects.order_by("id").iterator(chunk_size=chunk_size):
        count += 1
        newest = checkpoint
        if broken is not None:
            continue
        problem = _checkpoint_problem(checkpoint, seen.get(checkpoint.head_id), max_id)
        if problem:
            broken, checkpoint_reason = _ref(checkpoint), problem
        elif broken_id is None or checkpoint.head_id < broken_id:
            last_good = _ref(checkpoint)
    # The newest checkpoint names an event past the end of the log: its tail was deleted.
    truncated = newest is not None and newest.head_id > max_id
    return ChainReport(
        checked=checked,
        first_broken_id=broken_id,
        reason=reason,
        checkpoints_checked=count,
        last_good_checkpoint=last_good,
        broken_checkpoint=broken,
        checkpoint_reason=checkpoint_reason,
        truncated=truncated,
    )


def _checkpoint_problem(
    checkpoint: AuditCheckpoint, found: tuple[int, str] | None, max_id: int
) -> str:
    if not _signature_ok(checkpoint):
        return "signature does not match (forged or altered checkpoint)"
    if found is None and checkpoint.head_id > max_id:
        return (
            f"event {checkpoint.head_id} it names is missing: the log ends at event {max_id} "
            "(newest events deleted)"
        )
    if found is None:
        return f"event {checkpoint.head_id} it names is missing"
    position, current_hash = found
    if current_hash != checkpoint.head_hash:
        return f"event {checkpoint.head_id} no longer has the signed hash"
    if position != checkpoint.event_count:
        return (
            f"{position} events up to event {checkpoint.head_id}; "
            f"it signed {checkpoint.event_count}"
        )
    return ""
