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
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.core.params import Day, day_range
from firegrid.grids.models import Grid
from firegrid.grids.schemas import ErrorOut
from firegrid.registry.schemas import GridRefOut

from . import selectors
from .models import Hazard, HazardCategory
from .services import StepIn, hazard_step, hazards_bulk_step

router = Router(tags=["hazards"])
HazardState = Literal[
    "reported", "confirmed", "rejected", "fixed_on_spot", "notice_issued", "rectifying",
    "review_requested", "overdue", "escalated", "handed_over", "closed",
]  # fmt: skip
StepAction = Literal[
    "confirm", "reject", "fix_on_spot", "verify_fix", "issue_notice", "acknowledge",
    "request_review", "reinspect_pass", "reinspect_fail", "escalate", "hand_over",
    "close_with_result", "set_severity",
]  # fmt: skip
HazardSource = Literal["inspection", "patrol", "citizen", "other"]


class HazardCategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    sort_order: int


class HazardFilters(Schema):
    state: list[HazardState | Literal["open"]] | None = Field(
        None, description="One or more states; `open` = every state but closed and rejected."
    )
    category: str = Field("", max_length=60, description="A category code.")
    place_id: int | None = None
    grid_id: int | None = Field(None, description="This grid and its subtree.")
    overdue: bool = Field(False, description="Open hazards whose next deadline has passed.")
    severity: Literal["general", "larger", "major"] | None = None
    source: HazardSource | None = None
    q: str = Field("", max_length=100, description="Place name or address, or description.")
    found_from: Day | None = None
    found_to: Day | None = None
    _found_range = day_range("found_from", "found_to")
    sort: Literal["found", "found_asc", "due", "severity", "state"] = "found"

    def selector_filters(self) -> selectors.HazardFilters:
        return selectors.HazardFilters(
            states=tuple(self.state or ()),
            category=self.category,
            place_id=self.place_id,
            grid_id=self.grid_id,
            overdue=self.overdue,
            severity=self.severity or "",
            source=self.source or "",
            q=self.q,
            found_from=self.found_from,
            found_to=self.found_to,
            sort=self.sort,
        )


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
    severity: Literal["general", "larger", "major"]
    responsible_level: GridRefOut = Field(..., description="The grid whose office answers now.")
    deadline: datetime.date | None = Field(..., description="Rectification deadline.")
    next_due: datetime.date | None = Field(
        ..., description="When the next clock runs out (re-inspection, escalation)."
    )


class HazardEventOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str | None = Field(..., description="None for the deadline sweep.")
    at: datetime.datetime
    note: str
    data: dict[str, Any]
    photo_ids: list[int]


class HazardDetailOut(HazardOut):
    inspection_id: int | None
    checklist_item: str | None = Field(..., description="The failed checklist item's code.")
    patrol_id: int | None
    reported_by: str | None
    created_at: datetime.datetime
    escalations: int
    handed_to: str
    handover_reference: str
    timeline: list[HazardEventOut]


class StepForm(Schema):
    action: StepAction
    note: str = Field("", max_length=2000)
    expected_state: str = Field(
        "", description="The state you saw; if it changed meanwhile the answer is 409."
    )
    deadline: Day | None = Field(None, description="issue_notice: the deadline.")
    agency: str = Field("", max_length=100, description="hand_over: the receiving agency.")
    reference: str = Field("", max_length=60, description="hand_over: its reference number.")
    severity: Literal["", "general", "larger", "major"] = Field(
        "", description="set_severity: the new severity (lowering needs a note)."
    )


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
        "grid": _grid_ref(hazard.grid),
        "lon": hazard.lon,
        "lat": hazard.lat,
        "description": hazard.description,
        "major_element_code": hazard.major_element_code,
        "found_at": hazard.found_at,
        "severity": hazard.severity,
        "responsible_level": _grid_ref(hazard.owner_grid or hazard.grid),
        "deadline": hazard.deadline,
        "next_due": hazard.next_due,
    }


def _grid_ref(grid: Grid) -> dict[str, Any]:
    return {"id": grid.pk, "code": grid.code, "name": grid.name}


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
    wanted = filters.selector_filters()
    return Rows(selectors.hazard_list(actor=request.user, filters=wanted), hazard_out)


class ActionGroupOut(Schema):
    key: Literal["overdue", "reinspect", "verify", "confirm", "chase", "fix"]
    title: str
    hint: str
    hazards: list[HazardOut]


class BulkStepsIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=500)
    action: Literal["confirm", "reject", "verify_fix", "acknowledge", "escalate", "issue_notice"]
    note: str = Field("", max_length=2000)
    deadline: Day | None = Field(None, description="issue_notice: the deadline.")


class BulkStepResultOut(Schema):
    id: int
    ok: bool
    state: HazardState | None = Field(..., description="The new state when it worked.")
    code: str = Field(..., description="The error code when it failed.")
    message: str


@router.get("/hazards/mine", response=list[ActionGroupOut])
def my_actions(request: HttpRequest) -> Any:
    """ "My actions" (我的待办): hazards waiting for you, grouped, most urgent first. Offices get
    confirm / verify / re-inspect / overdue at their levels; field workers fix / chase."""
    return [
        {
            "key": group.key,
            "title": str(group.title),
            "hint": str(group.hint),
            "hazards": [hazard_out(h) for h in group.hazards],
        }
        for group in selectors.hazard_actions_for(request.user)
    ]


@router.post("/hazards/bulk-steps", response=list[BulkStepResultOut])
def bulk_steps(request: HttpRequest, payload: BulkStepsIn) -> Any:
    """The same step for several hazards, one by one (each its own transaction): the answer
    lists each id's outcome, so one failure does not stop the others."""
    return hazards_bulk_step(
        actor=request.user,
        hazard_ids=list(dict.fromkeys(payload.ids)),
        action=payload.action,
        note=payload.note,
        deadline=payload.deadline,
    )


@router.get("/hazards/export.csv", response={200: None, 404: ErrorOut, 422: ErrorOut})
def export_hazards_csv(request: HttpRequest, filters: Query[HazardFilters]) -> Any:
    """The filtered list as CSV (UTF-8 with BOM, Chinese headers)."""
    return _export(request, filters, "csv")


@router.get("/hazards/export.xlsx", response={200: None, 404: ErrorOut, 422: ErrorOut})
def export_hazards_xlsx(request: HttpRequest, filters: Query[HazardFilters]) -> Any:
    """The filtered list as an Excel workbook (Chinese headers)."""
    return _export(request, filters, "xlsx")


def _export(request: HttpRequest, filters: HazardFilters, kind: str) -> Any:
    from .export import export_response

    wanted = filters.selector_filters()
    selectors.hazard_list(actor=request.user, filters=wanted)  # a grid outside scope: 404
    return export_response(actor=request.user, filters=wanted, kind=kind)


@router.get("/hazards/geojson", response={200: dict[str, Any], 404: ErrorOut, 422: ErrorOut})
def hazards_geojson(request: HttpRequest, filters: Query[HazardFilters]) -> Any:
    """The filtered hazards with a location as a GeoJSON FeatureCollection (WGS-84); each
    feature's properties carry state, severity, colour, next deadline and responsible level."""
    from .export import geojson_collection

    wanted = filters.selector_filters()
    selectors.hazard_list(actor=request.user, filters=wanted)
    return geojson_collection(request.user, wanted)


@router.get("/hazards/{int:hazard_id}", response={200: HazardDetailOut, 404: ErrorOut})
def get_hazard(request: HttpRequest, hazard_id: int) -> Any:
    """One hazard with what found it (inspection and item, or patrol) and its timeline."""
    return hazard_detail(selectors.hazard_get(actor=request.user, hazard_id=hazard_id))


@router.post(
    "/hazards/{int:hazard_id}/steps",
    response={200: HazardDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def take_step(
    request: HttpRequest,
    hazard_id: int,
    form: Form[StepForm],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Take one lifecycle step (multipart: fields + `photos`). Steps out of order answer 422,
    a step you may not take 403, a hazard changed meanwhile (`expected_state`) 409."""
    data = StepIn(
        action=form.action,
        note=form.note,
        photos=tuple(photos or []),
        expected_state=form.expected_state,
        deadline=form.deadline,
        agency=form.agency,
        reference=form.reference,
        severity=form.severity,
    )
    hazard_step(actor=request.user, hazard_id=hazard_id, data=data)
    return hazard_detail(selectors.hazard_get(actor=request.user, hazard_id=hazard_id))


def hazard_detail(hazard: Hazard) -> dict[str, Any]:
    events = hazard.events.select_related("actor").prefetch_related("photos")
    return {
        **hazard_out(hazard),
        "inspection_id": hazard.inspection_id,
        "checklist_item": hazard.checklist_item.code if hazard.checklist_item else None,
        "patrol_id": hazard.patrol_id,
        "reported_by": hazard.reported_by.get_username() if hazard.reported_by else None,
        "created_at": hazard.created_at,
        "escalations": hazard.escalations,
        "handed_to": hazard.handed_to,
        "handover_reference": hazard.handover_reference,
        "timeline": [
            {
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor.get_username() if e.actor else None,
                "at": e.at,
                "note": e.note,
                "data": e.data,
                "photo_ids": [p.pk for p in e.photos.all()],
            }
            for e in events
        ],
    }
