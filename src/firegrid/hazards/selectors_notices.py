"""Reads of rectification notices (整改通知书), scoped by their hazard's grid (outside: not
found)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound
from firegrid.people.scope import user_scope

from .models import Hazard, HazardPhoto, RectificationNotice


def _scoped(user: Any) -> QuerySet[RectificationNotice]:
    return RectificationNotice.objects.filter(
        user_scope(user).q("hazard__grid_path")
    ).select_related("hazard", "office", "issued_by", "receipt_recorded_by")


def notice_get(user: Any, notice_id: int) -> RectificationNotice:
    notice = _scoped(user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("No such notice."), code="notice_not_found")
    return notice


def notices_for_hazard(user: Any, hazard_id: int) -> QuerySet[RectificationNotice]:
    """The hazard's notices, newest first; a hazard outside the scope is not found."""
    if not Hazard.objects.filter(user_scope(user).q("grid_path"), pk=hazard_id).exists():
        raise NotFound(_("No such hazard."), code="hazard_not_found")
    return _scoped(user).filter(hazard_id=hazard_id).order_by("-issued_at", "-id")


def notice_photos(notice: RectificationNotice) -> list[HazardPhoto]:
    """The hazard's photos as found (before), printed with the problems."""
    return list(
        HazardPhoto.objects.filter(hazard_id=notice.hazard_id, kind=HazardPhoto.Kind.BEFORE)
        .exclude(image="")
        .order_by("id")
    )
