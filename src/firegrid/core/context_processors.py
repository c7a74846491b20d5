from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def _registry_ledger_import_url(request: HttpRequest) -> str:
    """The ledger import page for the registry's sub-navigation, once that page exists."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.app_name != "registry":
        return ""
    try:
        return reverse("registry:ledger_import")
    except NoReverseMatch:
        return ""


def firegrid(request: HttpRequest) -> dict[str, Any]:
    return {
        "REGISTRY_LEDGER_IMPORT_URL": _registry_ledger_import_url(request),
        "FIREGRID_TILE_URL": settings.FIREGRID_TILE_URL,
        "FIREGRID_TILE_ATTRIBUTION": settings.FIREGRID_TILE_ATTRIBUTION,
        "FIREGRID_TILE_CRS": settings.FIREGRID_TILE_CRS,
    }
