"""/api/v1/ inspections: checklists, schedule rules, tasks, inspections, patrols, coverage.

Every read goes through a selector filtered by the viewer's data scope (404 outside it); every
write goes through one service, which checks the actor's right (403) and validates (422).
"""

from . import checklists, records, reports, tasks  # noqa: F401  (register their endpoints)
from .common import router

__all__ = ["router"]
