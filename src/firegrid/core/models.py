"""Shared base model, the hash-chained audit log (审计日志), system state and API tokens."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """An append-only record of a state change (工作痕迹).

    Each row hashes its own content together with the previous row's hash, so editing or deleting
    any row breaks the chain from that row on and `firegrid audit verify` names it.
    """

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("AuditEvent rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("AuditEvent rows are append-only")

    def compute_hash(self) -> str:
        return audit_hash(
            occurred_at=self.occurred_at.isoformat(),
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            data=self.data,
            prev_hash=self.prev_hash,
        )


def audit_hash(**fields: Any) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditCheckpoint(models.Model):
    """A signed snapshot of the audit chain's head (审计锚点): the newest event's id and hash and
    how many events there were, HMAC-signed with `FIREGRID_AUDIT_KEY`, which is not in the
    database.

    Someone who can write the database can delete the newest events, or edit one and re-hash every
    row after it, and the chain still links; they cannot sign a checkpoint to match, so
    `audit_verify` finds the checkpoint that no longer matches. `head_id` is not a foreign key: the
    event it names may be gone, and that is what verification must see.
    """

    head_id = models.BigIntegerField(_("head event id"))
    head_hash = models.CharField(_("head event hash"), max_length=64)
    event_count = models.BigIntegerField(_("events up to the head"))
    created_at = models.DateTimeField(_("created at"), db_index=True)
    signature = models.CharField(_("signature (HMAC-SHA256)"), max_length=64)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} head {self.head_id} ({self.event_count} events)"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("AuditCheckpoint rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("AuditCheckpoint rows are append-only")


class SystemState(models.Model):
    """Small named values shared by every process: grid index version, heartbeat, chain lock."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    value = models.JSONField(_("value"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("system state")
        verbose_name_plural = _("system state")

    def __str__(self) -> str:
        return self.key


class ApiToken(BaseModel):
    """A bearer token for machine clients of /api/v1/ (the key itself is stored only as a hash)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule (节假日 / 调休): a weekday off or a weekend
    working day. Working-day clocks read these; each year's official schedule is loaded as data."""

    day = models.DateField(_("day"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'working' if self.is_working else 'off'} {self.name}"
