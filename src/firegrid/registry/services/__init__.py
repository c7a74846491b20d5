"""Writes of the registry app (services): one module per kind of record, re-exported here."""

from .common import locate_point, normalize_key
from .duplicates import place_duplicate_candidates, place_flag_duplicates
from .places import (
    clean_place_values,
    place_create,
    place_set_classification,
    place_set_grid,
    place_update,
    places_reclassify,
)
from .residents import clean_id_number, resident_reveal, resident_set_pii

__all__ = [
    "clean_id_number",
    "clean_place_values",
    "locate_point",
    "normalize_key",
    "place_create",
    "place_duplicate_candidates",
    "place_flag_duplicates",
    "place_set_classification",
    "place_set_grid",
    "place_update",
    "places_reclassify",
    "resident_reveal",
    "resident_set_pii",
]
