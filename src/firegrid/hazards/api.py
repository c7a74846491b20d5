"""/api/v1/hazards: fire hazards (火灾隐患) as reported, read-only for now.

The lifecycle (confirm, notice, deadline, re-inspection) arrives with the hazard workflow; until
then the API lists what inspections, patrols and residents reported, scoped like everything else:
a hazard outside the viewer's data scope answers 404.
"""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from firegrid.grids.api import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut
from firegrid.registry.schemas import GridRefOut

from . import selectors
from .models import Hazard, HazardCategory

router = Router(tags=["hazards"])
HazardState = Literal["reported", "closed", "rejected"]
HazardSource = Literal["inspection", "patrol", "citizen", "other"]


class HazardCategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    sort_order: int


class HazardFilters(Schema):
    state: HazardState | Literal["open"] | None = Field(
        None, description="`open` = every state but closed and rejected."
    )
    category: str = Field("", max_length=60, description="A category code.")
    place_id: int | None = None
    grid_id: int | None = Field(None, description="This grid and its subtree.")


class HazardPlaceOut(Schema):
    id: int
    name: str
    address: str


class HazardOut(Schema):
    id: int
    category: str
    category_name: str
    state: HazardState
    source: HazardSource
    place: HazardPlaceOut | None
    grid: GridRefOut
    lon: float | None = Field(..., description="WGS-84.")
    lat: float | None = Field(..., description="WGS-84.")
    description: str
    major_element_code: str = Field(..., description="GB 35181 element code.")
    found_at: datetime.datetime


class HazardDetailOut(HazardOut):
    inspection_id: int | None
    checklist_item: str | None = Field(..., description="The failed checklist item's code.")
    patrol_id: int | None
    reported_by: str | None
    created_at: datetime.datetime


def hazard_out(hazard: Hazard) -> dict[str, Any]:
    """Needs category, place and grid selected."""
    place = hazard.place
    return {
        "id": hazard.pk,
        "category": hazard.category.code,
        "category_name": hazard.category.name,
        "state": hazard.state,
        "source": hazard.source,
        "place": None
        if place is None
        else {"id": place.pk, "name": place.name, "address": place.address},
        "grid": {"id": hazard.grid.pk, "code": hazard.grid.code, "name": hazard.grid.name},
        "lon": hazard.lon,
        "lat": hazard.lat,
        "description": hazard.description,
        "major_element_code": hazard.major_element_code,
        "found_at": hazard.found_at,
    }


@router.get("/hazards/categories", response=list[HazardCategoryOut])
@paginate(RenderedPagination, page_size=100)
def list_categories(request: HttpRequest) -> Any:
    """Active hazard categories (隐患类别) in display order."""
    categories = HazardCategory.objects.filter(active=True).order_by("sort_order", "code")
    return Rows(
        categories,
        lambda c: {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "sort_order": c.sort_order,
        },
    )


@router.get("/hazards", response={200: list[HazardOut], 404: ErrorOut, 422: ErrorOut})
@paginate(RenderedPagination, page_size=50)
def list_hazards(request: HttpRequest, filters: Query[HazardFilters]) -> Any:
    """Hazards in your scope, newest first; filter by state (or `open`), category, place, grid."""
    wanted = selectors.HazardFilters(**filters.dict())
    return Rows(selectors.hazard_list(actor=request.user, filters=wanted), hazard_out)


@router.get("/hazards/{int:hazard_id}", response={200: HazardDetailOut, 404: ErrorOut})
def get_hazard(request: HttpRequest, hazard_id: int) -> Any:
    """One hazard with what it was found by (inspection and item, or patrol)."""
    hazard = selectors.hazard_get(actor=request.user, hazard_id=hazard_id)
    return {
        **hazard_out(hazard),
        "inspection_id": hazard.inspection_id,
        "checklist_item": hazard.checklist_item.code if hazard.checklist_item else None,
        "patrol_id": hazard.patrol_id,
        "reported_by": hazard.reported_by.get_username() if hazard.reported_by else None,
        "created_at": hazard.created_at,
    }
