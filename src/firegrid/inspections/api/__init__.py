"""/api/v1/ inspections: checklists, schedule rules, tasks, inspections, patrols, coverage."""

from .common import router

__all__ = ["router"]
