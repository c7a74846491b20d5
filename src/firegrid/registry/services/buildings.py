"""Writes of buildings (楼栋): create at a point, edit, move.

A building's grid is the leaf grid owning its point; its households and residents live in the
same grid, so moving a building into another grid moves them too (their `grid_path` follows).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from firegrid.core.audit import audit_record

from ..models import Building, Household, Resident
from .cleaning import Spec, apply_changes, clean_values, history_value, move_point, require_fields
from .common import locate_point, require_edit

BUILDING_FIELDS: dict[str, Spec] = {
    "name": Spec("text", max_length=100, required=True),
    "address": Spec("text", max_length=300),
    "category": Spec("choice", choices=tuple(Building.Category.values)),
    "floors": Spec("int", minimum=1, maximum=200),
    "structure": Spec("choice", choices=tuple(Building.Structure.values)),
    "year_built": Spec("int", minimum=1800, maximum=2100),
    "note": Spec("text", max_length=300),
}


@transaction.atomic
def building_create(
    *, actor: Any, values: dict[str, Any], lon: float, lat: float, crs: str = "wgs84"
) -> Building:
    """Register a building at a point; its grid is the leaf grid owning the point."""
    clean = clean_values(values, BUILDING_FIELDS)
    require_fields(clean, BUILDING_FIELDS)
    located = locate_point(lon=lon, lat=lat, crs=crs)
    require_edit(actor, located.grid)
    building = Building(
        lon=located.lon, lat=located.lat, grid=located.grid, grid_path=located.grid.path, **clean
    )
    building.save()
    audit_record(
        actor=actor,
        action="building.create",
        target=building,
        data={
            "name": building.name,
            "grid": located.grid.code,
            "changes": {
                field: [None, history_value(field, value, BUILDING_FIELDS)]
                for field, value in clean.items()
            },
        },
    )
    return building


@transaction.atomic
def building_update(
    *,
    actor: Any,
    building: Building,
    changes: dict[str, Any],
    point: tuple[float, float, str] | None = None,
) -> Building:
    """Edit fields and/or move the point (lon, lat, crs); a move into another grid takes the
    building's households and residents along, and shows in its history."""
    building = Building.objects.select_for_update().select_related("grid").get(pk=building.pk)
    require_edit(actor, building.grid)
    clean = clean_values(changes, BUILDING_FIELDS)
    history = apply_changes(building, clean, BUILDING_FIELDS)
    if point is not None:
        history.update(move_point(actor, building, point))
    if not history:
        return building
    building.save()
    if "grid" in history:
        moved = Household.objects.filter(building=building).update(
            grid=building.grid, grid_path=building.grid_path
        )
        Resident.objects.filter(household__building=building).update(
            grid=building.grid, grid_path=building.grid_path
        )
        history["households_moved"] = moved
    audit_record(actor=actor, action="building.update", target=building, data={"changes": history})
    return building
