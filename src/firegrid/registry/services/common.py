"""What every registry write shares: locating a point in a grid, rights, text normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from firegrid.core.coords import convert_point, out_of_china
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.grids.locator import get_locator
from firegrid.grids.models import Grid
from firegrid.people.scope import user_scope
from firegrid.people.services import normalize_phone

__all__ = [
    "PointInGrid",
    "locate_point",
    "normalize_key",
    "normalize_phone_field",
    "require_edit",
    "require_read",
    "to_wgs84",
]

_PUNCT = re.compile(r"[\s\u3000·・,，.。、()（）\[\]【】\-_/\\'\"“”‘’:：;；#＃]+")


def normalize_key(text: str) -> str:
    """Fold full-width characters and case, drop spaces and punctuation: '老王 超市（东店）' →
    '老王超市东店'. Two names with the same key are the same name for duplicate checks."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return _PUNCT.sub("", folded)


def normalize_phone_field(raw: str, *, field: str) -> str:
    """normalize_phone with the field named in the error (ledger rows report the column)."""
    try:
        return normalize_phone(raw or "")
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code="phone_invalid", details={"field": field}) from exc


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """The point in WGS-84; a clear error for an unknown datum or a point outside China."""
    try:
        wlon, wlat = convert_point(float(lon), float(lat), crs, "wgs84")
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            _("The coordinates are not valid: %(error)s") % {"error": exc}, code="point_invalid"
        ) from exc
    if out_of_china(wlon, wlat):
        raise ValidationFailed(
            _("The point (%(lon)s, %(lat)s) is not in China; longitude and latitude swapped?")
            % {"lon": lon, "lat": lat},
            code="point_outside_china",
        )
    return wlon, wlat


@dataclass(frozen=True)
class PointInGrid:
    lon: float
    lat: float
    grid: Grid


def locate_point(*, lon: float, lat: float, crs: str) -> PointInGrid:
    """Route a point (any supported datum) to the leaf grid that owns it, or refuse it."""
    wlon, wlat = to_wgs84(lon, lat, crs)
    leaf_id = get_locator().locate(wlon, wlat)
    if leaf_id is None:
        raise ValidationFailed(
            _("The point is outside every grid of the jurisdiction."), code="point_outside_grids"
        )
    grid = Grid.objects.select_related("level").defer("boundary").get(pk=leaf_id)
    return PointInGrid(lon=wlon, lat=wlat, grid=grid)


def require_read(actor: Any, grid_path: str, *, what: str = "") -> None:
    """NotFound for a record outside the actor's scope (its existence is not leaked)."""
    if not user_scope(actor).covers(grid_path):
        raise NotFound(what or _("Record not found."), code="not_found")


def require_edit(actor: Any, grid: Grid) -> None:
    """Adding or editing registry records needs a role with `can_edit_registry` on the grid."""
    if actor is None:  # system jobs (demo load, migrations) act without a user
        return
    scope = user_scope(actor)
    if not scope.covers(grid.path):
        raise PermissionDenied(
            _("The grid %(grid)s is outside your area.") % {"grid": grid.name},
            code="grid_out_of_scope",
        )
    if not scope.may_edit_registry_in(grid.path):
        raise PermissionDenied(
            _("Your role may not edit the registry of this grid."), code="registry_read_only"
        )
