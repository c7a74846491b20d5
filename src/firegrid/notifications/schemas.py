"""API schemas of the notifications app."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    object_type: str
    object_id: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    unread: bool


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true: only unread; false: only read.")


class NotificationIdsIn(Schema):
    ids: list[int] = Field(..., max_length=500, description="Your notifications to mark read.")


class MarkedOut(Schema):
    updated: int = Field(..., description="How many of your unread notifications were marked.")


class UnreadCountOut(Schema):
    unread: int
