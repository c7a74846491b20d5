"""The process-wide spatial index of grids, rebuilt when the grid version in the database moves."""

from __future__ import annotations

import threading

import shapely

from firegrid.core.geoindex import GridLocator
from firegrid.core.models import SystemState

from .models import Grid

_lock = threading.Lock()
_cached: tuple[int, GridLocator] | None = None


def current_grid_version() -> int:
    from .services import GRID_VERSION_KEY

    state = SystemState.objects.filter(key=GRID_VERSION_KEY).values_list("value", flat=True).first()
    return int(state.get("v", 0)) if state else 0


def get_locator() -> GridLocator:
    """One cheap query per call checks the version; the index is rebuilt only when it moved."""
    global _cached
    version = current_grid_version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, build_locator())
        return _cached[1]


def build_locator() -> GridLocator:
    rows = Grid.objects.values_list("id", "parent_id", "boundary").iterator(chunk_size=2000)
    return GridLocator(
        (gid, parent_id, shapely.geometry.shape(boundary)) for gid, parent_id, boundary in rows
    )
