"""Reads of the inbox: every query is scoped to the viewer's own person record."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound

from .models import Notification


def notification_inbox(user: Any) -> QuerySet[Notification]:
    """The viewer's notifications; nobody, not even a superuser, reads another person's inbox."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient__user_id=user.pk)


def notification_list(user: Any, *, unread: bool | None = None) -> QuerySet[Notification]:
    rows = notification_inbox(user)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return rows.order_by("-created_at", "-id")


def notification_unread_count(user: Any) -> int:
    return notification_inbox(user).filter(read_at__isnull=True).count()


def notification_get(user: Any, notification_id: int) -> Notification:
    notification = notification_inbox(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    return notification
