from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _registry_may_import(request: HttpRequest) -> bool:
    """Whether the registry's sub-navigation offers the ledger import (registry pages only)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.app_name != "registry":
        return False
    from firegrid.registry.ledger import ledger_may_import

    return ledger_may_import(request.user)


def firegrid(request: HttpRequest) -> dict[str, Any]:
    return {
        "REGISTRY_MAY_IMPORT": _registry_may_import(request),
        "FIREGRID_TILE_URL": settings.FIREGRID_TILE_URL,
        "FIREGRID_TILE_ATTRIBUTION": settings.FIREGRID_TILE_ATTRIBUTION,
        "FIREGRID_TILE_CRS": settings.FIREGRID_TILE_CRS,
    }
