"""/api/v1/notifications: the viewer's own inbox."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut

from . import selectors, services
from .models import Notification
from .schemas import (
    MarkedOut,
    NotificationFilters,
    NotificationIdsIn,
    NotificationOut,
    UnreadCountOut,
)

router = Router(tags=["notifications"])


def notification_out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "subject": notification.subject,
        "body": notification.body,
        "link": notification.link,
        "object_type": notification.object_type,
        "object_id": notification.object_id,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "unread": notification.read_at is None,
    }


@router.get("/notifications", response=list[NotificationOut])
@paginate(RenderedPagination, page_size=50)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> Any:
    """Your notifications, newest first (站内通知)."""
    return Rows(selectors.notification_list(request.user, unread=filters.unread), notification_out)


@router.get("/notifications/unread-count", response=UnreadCountOut)
def unread_count(request: HttpRequest) -> Any:
    return {"unread": selectors.notification_unread_count(request.user)}


@router.post("/notifications/read", response={200: MarkedOut, 422: ErrorOut})
def mark_read(request: HttpRequest, payload: NotificationIdsIn) -> Any:
    """Mark some of your notifications read; ids that are not yours change nothing."""
    return {"updated": services.notification_mark_read(actor=request.user, ids=payload.ids)}


@router.post("/notifications/read-all", response=MarkedOut)
def mark_all_read(request: HttpRequest) -> Any:
    return {"updated": services.notification_mark_all_read(actor=request.user)}
