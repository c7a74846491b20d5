"""The registry router and what its endpoint modules share: error maps, points, phones."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router

from firegrid.core.errors import NotFound, PermissionDenied
from firegrid.grids.models import Grid
from firegrid.grids.schemas import ErrorOut

router = Router(tags=["registry"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
LIST_ERRORS = {404: ErrorOut, 422: ErrorOut}  # a grid filter outside the scope; a bad filter
# A map layer larger than this is refused: narrow it with filters or a bounding box.
MAX_GEOJSON_FEATURES = 20_000
POINT_FIELDS = ("lon", "lat", "crs")


@contextmanager
def point_in_scope() -> Iterator[None]:
    """A new record whose point lies in a grid outside the viewer's scope answers 404, as any
    other object outside the scope does (the service says 403 `grid_out_of_scope`)."""
    try:
        yield
    except PermissionDenied as exc:
        if exc.code == "grid_out_of_scope":
            raise NotFound(
                _("No grid of yours contains this point."), code="point_not_in_grid"
            ) from exc
        raise


def point_of(payload: dict[str, Any]) -> tuple[float, float, str] | None:
    """Pop lon/lat/crs off a patch body: the move the service applies, or None."""
    lon, lat, crs = (payload.pop(field, None) for field in POINT_FIELDS)
    if lon is None or lat is None:
        return None
    return float(lon), float(lat), crs or settings.FIREGRID_DEFAULT_CRS


def grid_ref(grid: Grid) -> dict[str, Any]:
    return {"id": grid.pk, "code": grid.code, "name": grid.name}
