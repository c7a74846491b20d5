from typing import Any

from django.conf import settings
from django.http import HttpRequest


def firegrid(request: HttpRequest) -> dict[str, Any]:
    return {
        "FIREGRID_TILE_URL": settings.FIREGRID_TILE_URL,
        "FIREGRID_TILE_ATTRIBUTION": settings.FIREGRID_TILE_ATTRIBUTION,
        "FIREGRID_TILE_CRS": settings.FIREGRID_TILE_CRS,
    }
