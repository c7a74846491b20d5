"""Writes of the registry app (services): one module per kind of record, re-exported here."""

from .buildings import building_create, building_update
from .common import locate_point, normalize_key
from .duplicates import duplicate_dismiss, place_duplicate_candidates, place_flag_duplicates
from .households import household_create, household_update, resident_create, resident_update
from .merge import place_merge
from .places import (
    KEEP_GRID,
    clean_place_values,
    place_create,
    place_edit,
    place_set_classification,
    place_set_grid,
    place_update,
    places_reclassify,
)
from .residents import clean_id_number, resident_reveal, resident_set_pii
from .resources import (
    fire_resource_create,
    fire_resource_set_equipment,
    fire_resource_set_members,
    fire_resource_update,
)

__all__ = [
    "KEEP_GRID",
    "building_create",
    "building_update",
    "clean_id_number",
    "clean_place_values",
    "duplicate_dismiss",
    "fire_resource_create",
    "fire_resource_set_equipment",
    "fire_resource_set_members",
    "fire_resource_update",
    "household_create",
    "household_update",
    "locate_point",
    "normalize_key",
    "place_create",
    "place_duplicate_candidates",
    "place_edit",
    "place_flag_duplicates",
    "place_merge",
    "place_set_classification",
    "place_set_grid",
    "place_update",
    "places_reclassify",
    "resident_create",
    "resident_reveal",
    "resident_set_pii",
    "resident_update",
]
