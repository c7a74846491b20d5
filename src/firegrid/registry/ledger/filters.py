"""The place list's filters from a query string (?q=&type=&risk=&key_unit=&grid=&status=).

One parser shared by the export link, the page and the API, so a filtered list exports as
shown. Bad values are ignored rather than refused: a link should never break an export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import Place, RiskLevel
from ..selectors import PlaceFilters

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(value: Any) -> bool | None:
    text = str(value or "").strip().lower()
    return True if text in TRUE else False if text in FALSE else None


def place_filters_from_query(query: Mapping[str, Any]) -> PlaceFilters:
    """PlaceFilters from `request.GET` (or any mapping). `status=all` (or empty) means every
    status but merged; no `status` key keeps the list's default (in business only)."""
    grid = str(query.get("grid", "") or "").strip()
    risk = str(query.get("risk", query.get("risk_level", "")) or "").strip()
    status = str(query.get("status", "active") or "").strip()
    if status == "all" or status not in (*Place.Status.values, ""):
        status = ""
    return PlaceFilters(
        search=str(query.get("q", query.get("search", "")) or "").strip()[:100],
        place_type=str(query.get("type", query.get("place_type", "")) or "").strip()[:50],
        risk_level=risk if risk in RiskLevel.values else "",
        key_unit=_flag(query.get("key_unit")),
        grid_id=int(grid) if grid.isdigit() else None,
        status=status,
        has_duplicates=_flag(query.get("duplicates", query.get("has_duplicates"))),
    )
