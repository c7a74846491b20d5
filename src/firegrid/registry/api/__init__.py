"""/api/v1/ registry: places, duplicates, buildings, households, residents, fire resources.

Every read goes through a selector that filters by the viewer's data scope (404 outside it); every
write goes through one service, which checks the role's right to edit the registry (403).
Residents' ID numbers and phones leave the server masked, except through the audited reveal.
"""

from . import places, records  # noqa: F401  (registers their endpoints on the router)
from .common import router
from .ledgers import router as ledger_router

__all__ = ["ledger_router", "router"]
