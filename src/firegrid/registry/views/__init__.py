"""Registry pages (底数清): places (map, list, detail, edit, placard) and the other records."""

from .place_detail import place_classify, place_detail, place_duplicate
from .place_forms import place_create, place_edit, place_placard
from .places import place_geojson, place_list, place_map
from .record_forms import (
    building_create,
    building_edit,
    fire_resource_create,
    fire_resource_edit,
    household_create,
    resident_create,
)
from .records import (
    building_detail,
    building_list,
    fire_resource_detail,
    fire_resource_list,
    resident_list,
    resident_reveal,
)

__all__ = [
    "building_create",
    "building_detail",
    "building_edit",
    "fire_resource_create",
    "fire_resource_edit",
    "household_create",
    "resident_create",
    "building_list",
    "fire_resource_detail",
    "fire_resource_list",
    "place_classify",
    "place_create",
    "place_detail",
    "place_duplicate",
    "place_edit",
    "place_geojson",
    "place_list",
    "place_map",
    "place_placard",
    "resident_list",
    "resident_reveal",
]
