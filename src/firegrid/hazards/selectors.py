"""Reads of hazards, filtered by the viewer's data scope (outside it: not found)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound
from firegrid.inspections.selectors import scoped_grid
from firegrid.people.scope import user_scope

from .models import Hazard


@dataclass
class HazardFilters:
    state: str = ""  # a state, or "open" for every state but closed and rejected
    category: str = ""
    place_id: int | None = None
    grid_id: int | None = None


def _scoped(actor: Any) -> QuerySet[Hazard]:
    return Hazard.objects.filter(user_scope(actor).q("grid_path")).select_related(
        "category", "place", "grid", "owner_grid"
    )


def hazard_list(*, actor: Any, filters: HazardFilters) -> QuerySet[Hazard]:
    hazards = _scoped(actor)
    grid = scoped_grid(actor, filters.grid_id)
    if grid is not None:
        hazards = hazards.filter(grid_path__startswith=grid.path)
    if filters.state == "open":
        hazards = hazards.exclude(state__in=Hazard.CLOSED_STATES)
    elif filters.state:
        hazards = hazards.filter(state=filters.state)
    if filters.category.strip():
        hazards = hazards.filter(category__code=filters.category.strip())
    if filters.place_id is not None:
        hazards = hazards.filter(place_id=filters.place_id)
    return hazards.order_by("-found_at", "-id")


def hazard_get(*, actor: Any, hazard_id: int) -> Hazard:
    hazard = (
        _scoped(actor).select_related("checklist_item", "reported_by").filter(pk=hazard_id).first()
    )
    if hazard is None:
        raise NotFound(_("No such hazard."), code="hazard_not_found")
    return hazard
