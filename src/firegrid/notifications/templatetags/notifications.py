"""``{% load notifications %}{% unread_notifications as unread %}``: the nav badge's count."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import notification_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    request: Any = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return notification_unread_count(user) if user is not None else 0
