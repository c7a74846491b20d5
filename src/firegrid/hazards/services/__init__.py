"""Writes of the hazards app: registering a hazard, its lifecycle steps, the deadline sweep."""

from .bulk import BULK_ACTIONS, hazards_bulk_step
from .lifecycle import STEPS, StepIn, hazard_step
from .notify import MajorRouting, major_route, street_level
from .report import hazard_report
from .sweep import SweepResult, hazards_sweep

__all__ = [
    "BULK_ACTIONS",
    "STEPS",
    "MajorRouting",
    "StepIn",
    "SweepResult",
    "hazard_report",
    "hazard_step",
    "hazards_bulk_step",
    "hazards_sweep",
    "major_route",
    "street_level",
]
