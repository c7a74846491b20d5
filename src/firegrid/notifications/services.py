"""Writing notifications and handing them to the outbound channels.

`notify` is what sweeps and workflow services call. It always writes the in-app rows (站内通知)
inside the caller's transaction and, only once that commits, enqueues one background task that
sends them through the configured channels, so a slow webhook never holds the caller and a
rolled-back escalation tells nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _

from firegrid.core.errors import ValidationFailed
from firegrid.people.models import Person

from . import selectors
from .channels import Message, configured_channels
from .models import Notification

logger = logging.getLogger("firegrid.notify")

MAX_IDS_PER_CALL = 500


def _is_local_path(link: str) -> bool:
    return link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Person],
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    target: models.Model | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Notify each person once; returns the rows written now (none for an already-sent key)."""
    subject = subject.strip()
    if not subject:
        raise ValidationFailed(_("A notification needs a subject."))
    if not kind or slugify(kind.replace(".", "-")) != kind.replace(".", "-"):
        raise ValidationFailed(_("A notification kind is a slug such as hazard.escalated."))
    if link and not _is_local_path(link):
        raise ValidationFailed(_("A notification link must be a path inside FireGrid."))
    people = list({person.pk: person for person in recipients}.values())
    if not people:
        return []
    already: set[int] = set()
    if dedupe_key:
        already = set(
            Notification.objects.filter(
                recipient__in=[p.pk for p in people], dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
    fields: dict[str, Any] = {
        "kind": kind,
        "subject": subject[:200],
        "body": body,
        "link": link,
        "object_type": target._meta.label_lower if target is not None else "",
        "object_id": str(target.pk) if target is not None else "",
        "dedupe_key": dedupe_key,
    }
    created: list[Notification] = []
    for person in people:
        if person.pk in already:
            continue
        try:
            with transaction.atomic():  # a concurrent run of the same sweep may win the key
                created.append(Notification.objects.create(recipient=person, **fields))
        except IntegrityError:
            if not dedupe_key:
                raise
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(partial(_enqueue_delivery, ids), robust=True)
    return created


def _enqueue_delivery(ids: list[int]) -> None:
    from .tasks import notification_deliver_task

    notification_deliver_task.enqueue(ids)


def notification_deliver(*, ids: Iterable[int]) -> int:
    """Send not-yet-delivered notifications through every channel; safe to run twice.

    Each row is claimed by a conditional UPDATE before sending, so two workers never both send it.
    Rows with the same content are sent as one message naming all recipients.
    """
    now = timezone.now()
    rows = Notification.objects.filter(pk__in=list(ids), delivered_at__isnull=True)
    claimed = [
        n
        for n in rows.select_related("recipient").order_by("id")
        if Notification.objects.filter(pk=n.pk, delivered_at__isnull=True).update(delivered_at=now)
    ]
    batches: dict[tuple[str, str, str, str], list[str]] = {}
    for n in claimed:
        batches.setdefault((n.kind, n.subject, n.body, n.link), []).append(n.recipient.name)
    channels = configured_channels()
    for (kind, subject, body, link), names in batches.items():
        message = Message(kind, subject, body, link, tuple(names))
        for channel in channels:
            try:
                channel.send(message)
            except Exception:  # a channel bug must not stop the other channels
                logger.exception("notification channel %s failed", channel.name)
    return len(claimed)


def _check_ids(ids: Iterable[int]) -> list[int]:
    wanted = list(ids)
    if len(wanted) > MAX_IDS_PER_CALL:
        raise ValidationFailed(
            _("Mark at most %(max)d notifications at once.") % {"max": MAX_IDS_PER_CALL}
        )
    return wanted


def notification_mark_read(*, actor: Any, ids: Iterable[int]) -> int:
    """Mark the actor's own unread notifications among `ids` read; others' ids are ignored."""
    wanted = _check_ids(ids)
    return (
        selectors.notification_inbox(actor)
        .filter(pk__in=wanted, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def notification_mark_all_read(*, actor: Any) -> int:
    return (
        selectors.notification_inbox(actor)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
