"""Registry pages (底数清): places (map, list, detail, edit, placard) and the other records."""

from .fire_resource_lines import fire_resource_equipment, fire_resource_members
from .place_detail import place_classify, place_detail, place_duplicate
from .place_forms import place_create, place_edit, place_placard
from .places import place_geojson, place_list, place_map
from .record_forms import (
    building_create,
    building_edit,
    fire_resource_create,
    fire_resource_edit,
    household_create,
    household_edit,
    resident_create,
    resident_edit,
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
    "fire_resource_equipment",
    "fire_resource_members",
    "household_create",
    "household_edit",
    "resident_create",
    "resident_edit",
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
