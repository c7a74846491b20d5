"""Checking a grid FeatureCollection before anything is written (all-or-nothing import).

`plan_import` reads a GeoJSON FeatureCollection, converts it to WGS-84 and returns every problem it
finds — per feature and between features — together with the planned grids. Nothing here writes;
`services.grids_import` applies a plan without errors in one transaction.

A feature that is broken itself (bad geometry, missing field…) is reported once and then left out
of the checks between features, so one mistake does not cascade into a list of follow-up errors.

Modules: `plan` (the result types), `header` (jurisdiction, levels, CRS), `features` (each
feature on its own), `relations` (between features and against the database), `check` (the
entry points).
"""

from .check import plan_import, read_collection
from .header import HEADER_KEY, JURISDICTION_FLAGS
from .plan import (
    MAX_CODE_LENGTH,
    MAX_NAME_LENGTH,
    ImportPlan,
    ImportRejected,
    LevelSpec,
    PlannedGrid,
    Problem,
)

__all__ = [
    "HEADER_KEY",
    "JURISDICTION_FLAGS",
    "MAX_CODE_LENGTH",
    "MAX_NAME_LENGTH",
    "ImportPlan",
    "ImportRejected",
    "LevelSpec",
    "PlannedGrid",
    "Problem",
    "plan_import",
    "read_collection",
]
